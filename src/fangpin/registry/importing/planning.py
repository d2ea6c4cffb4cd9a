"""Deciding which households, persons and memberships to create, update or end."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fangpin.core import idcrypt
from fangpin.core.scoping import covers

from ..choices import Relation
from ..models import Household, Membership, Person
from .constants import MSG_FOREIGN_HOUSEHOLD, MSG_IN_OTHER
from .reading import Row, _in
from .result import ImportResult, Problem

if TYPE_CHECKING:
    from fangpin.accounts.models import User


@dataclass
class _Plan:
    new_households: list[Household] = field(default_factory=list)
    changed_households: list[Household] = field(default_factory=list)
    new_persons: list[Person] = field(default_factory=list)
    changed_persons: list[Person] = field(default_factory=list)
    ended: dict[int, Membership] = field(default_factory=dict)
    moves: int = 0  # ended memberships whose person joins another household in the file
    relation_changed: list[Membership] = field(default_factory=list)
    # (household number, person id number, relation) for memberships to start
    joins: list[tuple[str, str, str]] = field(default_factory=list)


PERSON_FIELDS = (
    "name",
    "health",
    "labour",
    "education",
    "school_status",
    "disability_grade",
    "phone",
)
HOUSEHOLD_FIELDS = ("village_id", "address", "phone", "is_alleviated", "head_name", "member_count")


def _household_values(members: list[Row]) -> dict[str, Any]:
    head = next(r for r in members if r.member.relation == Relation.HEAD)
    address = head.address or next((r.address for r in members if r.address), "")
    return {
        "village_id": head.village,
        "address": address,
        "phone": head.phone,
        "is_alleviated": head.is_alleviated,
        "head_name": head.member.name,
        "member_count": len(members),
    }


def _person_values(row: Row) -> dict[str, Any]:
    m = row.member
    return {
        "name": m.name,
        "health": m.health,
        "labour": m.labour,
        "education": m.education,
        "school_status": m.school_status,
        "disability_grade": m.disability_grade,
        "phone": m.phone,
    }


def _plan(user: User | None, groups: dict[str, list[Row]], result: ImportResult) -> _Plan:
    plan = _Plan()
    problems = result.problems
    households = {h.number: h for h in _in(Household, "number", groups)}
    for number, found in households.items():
        if user is not None and not covers(user, found.village_id):
            problems.append(
                Problem(
                    groups[number][0].line, "户编号", MSG_FOREIGN_HOUSEHOLD.format(number=number)
                )
            )
    all_rows = [r for members in groups.values() for r in members]
    key = idcrypt.lookup_key()
    numbers = {
        idcrypt.digest(r.member.id_number.value, key): r.member.id_number.value for r in all_rows
    }
    persons = {numbers[p.id_hash]: p for p in _in(Person, "id_hash", numbers)}
    current_of_person: dict[int, Membership] = {
        m.person_id: m
        for m in _in(
            Membership,
            "person_id",
            [p.pk for p in persons.values()],
            ended_on__isnull=True,
        )
    }
    numbers_by_household_id = {h.pk: n for n, h in households.items()}
    other_ids = {m.household_id for m in current_of_person.values()} - set(numbers_by_household_id)
    other_numbers = {h.pk: h for h in _in(Household, "pk", other_ids)}
    current_of_household: dict[int, list[Membership]] = defaultdict(list)
    for m in _in(Membership, "household_id", list(numbers_by_household_id), ended_on__isnull=True):
        current_of_household[m.household_id].append(m)

    for number, members in groups.items():
        values = _household_values(members)
        household: Household | None = households.get(number)
        changed = False
        if household is None:
            plan.new_households.append(Household(number=number, **values))
            result.created += 1
        else:
            diff = {k: v for k, v in values.items() if getattr(household, k) != v}
            if diff:
                for k, v in diff.items():
                    setattr(household, k, v)
                plan.changed_households.append(household)
                changed = True
        listed: set[int] = set()
        for row in members:
            value = row.member.id_number.value
            person = persons.get(value)
            if person is None:
                person = Person(
                    id_number=value,
                    sex=row.member.id_number.sex,
                    birth_date=row.member.id_number.birth_date,
                    **_person_values(row),
                )
                persons[value] = person
                plan.new_persons.append(person)
                plan.joins.append((number, value, row.member.relation))
                changed = True
                continue
            wanted = _person_values(row)
            if row.member.relation == Relation.HEAD:
                # The 户主 row's phone is the household's; a head's own phone is kept.
                del wanted["phone"]
            diff = {k: v for k, v in wanted.items() if getattr(person, k) != v}
            if diff:
                for k, v in diff.items():
                    setattr(person, k, v)
                plan.changed_persons.append(person)
                changed = True
            listed.add(person.pk)
            current = current_of_person.get(person.pk)
            if (
                current is not None
                and household is not None
                and current.household_id == household.pk
            ):
                if current.relation != row.member.relation:
                    current.relation = row.member.relation
                    plan.relation_changed.append(current)
                    changed = True
                continue
            if current is not None:
                if current.household_id in numbers_by_household_id:
                    plan.ended[current.pk] = current  # moves between households in the file
                    plan.moves += 1
                else:
                    other = other_numbers.get(current.household_id)
                    where = ""
                    if other is not None and (user is None or covers(user, other.village_id)):
                        where = f"(户编号 {other.number})"
                    problems.append(Problem(row.line, "身份证号", MSG_IN_OTHER.format(where=where)))
                    continue
            plan.joins.append((number, value, row.member.relation))
            changed = True
        if household is not None:
            for m in current_of_household.get(household.pk, []):
                if m.person_id not in listed and m.pk not in plan.ended:
                    plan.ended[m.pk] = m
                    changed = True
        if household is not None:
            if changed:
                result.updated += 1
            else:
                result.unchanged += 1
    result.persons_created = len(plan.new_persons)
    result.members_ended = len(plan.ended) - plan.moves
    return plan
