"""Registering a household and changing its own facts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction

from fangpin.core.errors import BadValue, Conflict
from fangpin.core.phone import clean_phone
from fangpin.regions.models import Region

from ..choices import Relation
from ..models import Household, Membership
from .common import (
    MemberData,
    _check_members,
    _member_problem,
    _person_for,
    _save,
    _today,
    _village,
    _writable_household,
    clean_member,
    next_household_number,
    require_writer,
)

if TYPE_CHECKING:
    from fangpin.accounts.models import User


@transaction.atomic
def household_create(
    *,
    user: User,
    village_code: str,
    is_alleviated: bool,
    members: Sequence[MemberData | Mapping[str, Any]],
    address: str = "",
    phone: str = "",
    number: str | None = None,
    started_on: dt.date | None = None,
) -> Household:
    """Register a household with its members (exactly one 户主)."""
    require_writer(user)
    village = _village(user, village_code)
    cleaned = []
    for i, data in enumerate(members, start=1):
        try:
            cleaned.append(clean_member(data))
        except BadValue as exc:
            raise _member_problem(i, exc) from None
    _check_members(cleaned)
    # Lock the village row so two clerks registering at once get different numbers.
    Region.objects.select_for_update().filter(pk=village.pk).first()
    number = (number or "").strip() or next_household_number(village)
    if Household.objects.filter(number=number).exists():
        raise Conflict(f"户编号 {number} 已存在", code="household_number_taken")
    household = Household(
        number=number,
        village=village,
        address=" ".join((address or "").split()),
        phone=clean_phone(phone),
        is_alleviated=is_alleviated,
        # Set before the first save so the creation is one history record, not two.
        head_name=next(c.name for c in cleaned if c.relation == Relation.HEAD),
        member_count=len(cleaned),
    )
    _save(household, user)
    day = started_on or _today()
    for clean in cleaned:
        person = _person_for(clean, user)
        _save(
            Membership(household=household, person=person, relation=clean.relation, started_on=day),
            user,
        )
    return household


@transaction.atomic
def household_update(
    *,
    user: User,
    household_id: int | str,
    address: str | None = None,
    phone: str | None = None,
    is_alleviated: bool | None = None,
) -> Household:
    """Change the household's own facts (address, phone, 脱贫户 flag)."""
    household = _writable_household(user, household_id)
    changes: dict[str, Any] = {}
    if address is not None:
        changes["address"] = " ".join(address.split())
    if phone is not None:
        changes["phone"] = clean_phone(phone)
    if is_alleviated is not None:
        changes["is_alleviated"] = is_alleviated
    changes = {k: v for k, v in changes.items() if getattr(household, k) != v}
    if not changes:
        return household  # an unchanged save changes nothing and records nothing
    for key, value in changes.items():
        setattr(household, key, value)
    _save(household, user)
    return household
