"""Recording a special-attention group for a member (the groups the registry cannot tell)."""

from __future__ import annotations

from django.db import transaction

from fangpin.accounts.models import User
from fangpin.core.errors import BadValue

from ..attention import Attention
from ..error_codes import RegistryErrorCode
from ..models import AttentionFlag, Membership
from .common import _writable_household


@transaction.atomic
def attention_flag_set(
    *, user: User, household_id: int | str, person_id: int, group: str, on: bool = True
) -> bool:
    """Mark (or unmark) a current member as in `group`; returns whether the flag is now set."""
    household = _writable_household(user, household_id)
    if group not in Attention.values:
        raise BadValue(f"未知的关注类别:{group}", code=RegistryErrorCode.INVALID_CHOICE)
    member = Membership.objects.filter(
        household=household, person_id=person_id, ended_on__isnull=True
    ).first()
    if member is None:
        raise BadValue("此人不是该户的现有成员", code=RegistryErrorCode.NOT_A_MEMBER)
    if on:
        AttentionFlag.objects.get_or_create(
            person_id=person_id, group=group, defaults={"recorded_by": user}
        )
    else:
        for flag in AttentionFlag.objects.filter(person_id=person_id, group=group):
            flag.delete()
    return on
