"""Members joining and leaving a household, 分户 and 合户. Memberships are never rewritten:
they end and new ones start.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction

from fangpin.core.errors import BadValue
from fangpin.core.phone import clean_phone
from fangpin.regions.models import Region

from ..choices import END_REASONS, RELATIONS, EndReason, Relation
from ..models import Household, Membership, Person
from .common import (
    EMPTY_HOUSEHOLD,
    HEAD_COUNT,
    HEAD_REQUIRED,
    INVALID_CHOICE,
    NOT_A_MEMBER,
    SAME_HOUSEHOLD,
    MemberData,
    _person_for,
    _refresh_denormalised,
    _save,
    _today,
    _writable_household,
    clean_choice,
    clean_member,
    next_household_number,
    require_writer,
)

if TYPE_CHECKING:
    from fangpin.accounts.models import User


@transaction.atomic
def member_add(
    *,
    user: User,
    household_id: int | str,
    member: MemberData | Mapping[str, Any],
    reason: str = "",
    started_on: dt.date | None = None,
) -> Membership:
    """Add a member (birth, marriage in, moving in). A person still in another household
    must leave it first (409)."""
    household = _writable_household(user, household_id)
    clean = clean_member(member)
    if (
        clean.relation == Relation.HEAD
        and household.memberships.filter(ended_on__isnull=True, relation=Relation.HEAD).exists()
    ):
        raise BadValue("该户已有户主,新成员不能再登记为户主", code=HEAD_COUNT)
    person = _person_for(clean, user)
    membership = Membership(
        household=household,
        person=person,
        relation=clean.relation,
        started_on=started_on or _today(),
    )
    _save(membership, user, reason)
    _refresh_denormalised(household, user, reason)
    return membership


def _current(household: Household, person_id: int) -> Membership:
    membership = (
        household.memberships.select_for_update()
        .filter(person_id=person_id, ended_on__isnull=True)
        .first()
    )
    if membership is None:
        raise BadValue("此人不是该户的现有成员", code=NOT_A_MEMBER)
    return membership


def _end(membership: Membership, user: User | None, reason: str, day: dt.date) -> None:
    membership.ended_on = day
    membership.end_reason = reason
    _save(membership, user, reason, update_fields=["ended_on", "end_reason"])


def _set_relation(membership: Membership, relation: str, user: User | None, reason: str) -> None:
    if membership.relation != relation:
        membership.relation = relation
        _save(membership, user, reason, update_fields=["relation"])


@transaction.atomic
def member_end(
    *,
    user: User,
    household_id: int | str,
    person_id: int,
    reason: str,
    ended_on: dt.date | None = None,
    new_head_person_id: int | None = None,
) -> Membership:
    """End a membership (death, marriage out, moving out). The person stays on record.

    When the 户主 leaves and others remain, `new_head_person_id` names the new 户主.
    """
    household = _writable_household(user, household_id)
    reason = clean_choice(reason, END_REASONS, "退出原因")
    if not reason:
        raise BadValue("请填写退出原因", code=INVALID_CHOICE)
    day = ended_on or _today()
    membership = _current(household, person_id)
    others = list(
        household.memberships.select_for_update()
        .filter(ended_on__isnull=True)
        .exclude(pk=membership.pk)
    )
    successor: Membership | None = None
    if membership.relation == Relation.HEAD and others:
        if new_head_person_id is None:
            raise BadValue("户主退出后须指定新的户主", code=HEAD_REQUIRED)
        successor = next((m for m in others if m.person_id == new_head_person_id), None)
        if successor is None:
            raise BadValue("新户主须是该户的现有成员", code=NOT_A_MEMBER)
    _end(membership, user, reason, day)
    if successor is not None:
        _set_relation(successor, Relation.HEAD, user, "户主变更")
    if reason == EndReason.DEATH:
        person = Person.objects.select_for_update().get(pk=person_id)
        person.died_on = day
        _save(person, user, reason, update_fields=["died_on"])
    _refresh_denormalised(household, user, reason)
    return membership


def _relations(relations: Mapping[int | str, str]) -> dict[int, str]:
    out: dict[int, str] = {}
    for pid, rel in relations.items():
        out[int(pid)] = clean_choice(rel, RELATIONS, "与户主关系") or Relation.OTHER
    heads = sum(1 for r in out.values() if r == Relation.HEAD)
    if heads != 1:
        raise BadValue(f"新户必须有且只有一名户主(现有 {heads} 名)", code=HEAD_COUNT)
    return out


@transaction.atomic
def household_split(
    *,
    user: User,
    household_id: int | str,
    relations: Mapping[int | str, str],
    remaining_head_person_id: int | None = None,
    address: str | None = None,
    phone: str = "",
    on: dt.date | None = None,
) -> Household:
    """分户: the persons in `relations` (person id -> relation in the new household, one
    户主) leave and form a new household in the same village."""
    household = _writable_household(user, household_id)
    wanted = _relations(relations)
    day = on or _today()
    current = {
        m.person_id: m
        for m in household.memberships.select_for_update().filter(ended_on__isnull=True)
    }
    if not set(wanted) <= set(current):
        raise BadValue("分出的人员须是该户的现有成员", code=NOT_A_MEMBER)
    staying = [m for pid, m in current.items() if pid not in wanted]
    if not staying:
        raise BadValue("分户后原户至少要保留一名成员", code=EMPTY_HOUSEHOLD)
    head_leaves = any(current[pid].relation == Relation.HEAD for pid in wanted)
    successor = None
    if head_leaves:
        successor = next((m for m in staying if m.person_id == remaining_head_person_id), None)
        if successor is None:
            raise BadValue("户主分出后须为原户指定新的户主", code=HEAD_REQUIRED)
    Region.objects.select_for_update().filter(pk=household.village_id).first()
    new = Household(
        number=next_household_number(household.village),
        village_id=household.village_id,
        grid_id=household.grid_id,
        address=household.address if address is None else " ".join(address.split()),
        phone=clean_phone(phone),
        is_alleviated=household.is_alleviated,
    )
    _save(new, user, EndReason.SPLIT)
    for pid, relation in wanted.items():
        _end(current[pid], user, EndReason.SPLIT, day)
        _save(
            Membership(household=new, person_id=pid, relation=relation, started_on=day),
            user,
            EndReason.SPLIT,
        )
    if successor is not None:
        _set_relation(successor, Relation.HEAD, user, "户主变更")
    _refresh_denormalised(new, user, EndReason.SPLIT)
    _refresh_denormalised(household, user, EndReason.SPLIT)
    return new


@transaction.atomic
def household_merge(
    *,
    user: User,
    household_id: int | str,
    source_household_id: int | str,
    relations: Mapping[int | str, str],
    on: dt.date | None = None,
) -> Household:
    """合户: every current member of the source household joins `household_id` with the
    relation given per person id. The source household stays on record with no members."""
    if str(household_id) == str(source_household_id):
        raise BadValue("不能与本户合户", code=SAME_HOUSEHOLD)
    require_writer(user)
    # Lock both rows in id order so two merges cannot deadlock.
    first, second = sorted([int(household_id), int(source_household_id)])
    locked = {
        h.pk: h for h in (_writable_household(user, first), _writable_household(user, second))
    }
    target, source = locked[int(household_id)], locked[int(source_household_id)]
    day = on or _today()
    moving = {
        m.person_id: m for m in source.memberships.select_for_update().filter(ended_on__isnull=True)
    }
    if not moving:
        raise BadValue("被合并的农户没有现有成员", code=EMPTY_HOUSEHOLD)
    given = {int(k): v for k, v in relations.items()}
    if set(given) != set(moving):
        raise BadValue("须为被合并户的每名成员填写与新户主的关系", code=NOT_A_MEMBER)
    for rel in given.values():
        if clean_choice(rel, RELATIONS, "与户主关系") == Relation.HEAD:
            raise BadValue("合入的成员不能登记为户主", code=HEAD_COUNT)
    for pid, membership in moving.items():
        _end(membership, user, EndReason.MERGE, day)
        _save(
            Membership(household=target, person_id=pid, relation=given[pid], started_on=day),
            user,
            EndReason.MERGE,
        )
    _refresh_denormalised(source, user, EndReason.MERGE)
    _refresh_denormalised(target, user, EndReason.MERGE)
    return target
