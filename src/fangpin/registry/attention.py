"""Special-attention groups (DOMAIN §3: 留守儿童, 困境儿童, 失能特困老年人, 重度残疾人).

A group is derived where the registry knows enough (age, disability grade, health), and
recorded by a cadre otherwise (`AttentionFlag`): whether a child's parents work away or an
old person is 特困供养 is not in the household record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q

from fangpin.core.scoping import region_q

from .choices import Health
from .models import AttentionFlag, Membership, Person

SEVERE_GRADES = (1, 2)  # 一级、二级残疾
CHILD_AGE = 18
# Health values (a person may have several) that make a child 困境儿童.
ILL = (Health.DISABLED.value, Health.SERIOUS.value)


class Attention(models.TextChoices):
    LEFT_BEHIND_CHILD = "left_behind_child", "留守儿童"
    CHILD_IN_DIFFICULTY = "child_in_difficulty", "困境儿童"
    DISABLED_ELDERLY = "disabled_elderly", "失能特困老年人"
    SEVERE_DISABILITY = "severe_disability", "重度残疾人"


# How the registry tells a group by itself (the others are only recorded).
DERIVED_HOW: dict[str, str] = {
    Attention.SEVERE_DISABILITY: "残疾等级为一级或二级",
    Attention.CHILD_IN_DIFFICULTY: "未满18周岁且残疾或患大病",
}


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def derived(person: Person, today: dt.date) -> set[str]:
    found: set[str] = set()
    if person.disability_grade in SEVERE_GRADES:
        found.add(Attention.SEVERE_DISABILITY)
    health = person.health or ""
    ill = person.disability_grade is not None or any(h in health for h in ILL)
    if person.age_on(today) < CHILD_AGE and ill:
        found.add(Attention.CHILD_IN_DIFFICULTY)
    return found


def groups_of(person: Person, today: dt.date, recorded: Iterable[str]) -> list[tuple[str, str]]:
    """(code, label) of every group the person is in, in the order of `Attention`."""
    mine = derived(person, today) | set(recorded)
    return [(g.value, str(g.label)) for g in Attention if g.value in mine]


def _derived_only_q(group: str, today: dt.date, prefix: str = "") -> Q:
    """Persons the registry itself places in `group` (never true for a recorded-only group)."""
    if group == Attention.SEVERE_DISABILITY:
        return Q(**{f"{prefix}disability_grade__in": SEVERE_GRADES})
    if group == Attention.CHILD_IN_DIFFICULTY:
        adult_since = _years_before(today, CHILD_AGE)
        return Q(**{f"{prefix}birth_date__gt": adult_since}) & _derivable_q(prefix)
    return Q(pk__in=[])


def person_q(group: str, today: dt.date, prefix: str = "") -> Q:
    """Persons in `group` (derived or recorded), as a filter on Person (`prefix` to reach it)."""
    recorded = Exists(AttentionFlag.objects.filter(person_id=OuterRef(f"{prefix}pk"), group=group))
    q = Q(recorded)
    if group in DERIVED_HOW:
        q |= _derived_only_q(group, today, prefix)
    return q


def _derivable_q(prefix: str = "") -> Q:
    """Persons the registry could place in a derived group: a disability grade or an illness.

    A few percent of persons; the derived conditions are only tested on these.
    """
    q = Q(**{f"{prefix}disability_grade__isnull": False})
    for h in ILL:
        q |= Q(**{f"{prefix}health__contains": h})
    return q


def counts(prefix: str, today: dt.date) -> list[tuple[str, str, int]]:
    """(code, label, persons) per group among the current members of the region.

    Two narrow queries rather than one pass over every member: the recorded flags (a short
    table) joined to current memberships, and the derived groups over the few members with a
    disability grade or an illness, leaving out those already counted by a flag of the same
    group. A per-member test of every group cost about 1 s per 50,000 households.
    """
    members = Membership.objects.filter(ended_on__isnull=True).filter(
        region_q("household__village_id", prefix)
    )
    flagged = dict(
        AttentionFlag.objects.filter(person__in=members.values("person_id"))
        .values("group")
        .annotate(n=Count("person_id", distinct=True))
        .values_list("group", "n")
    )
    derivable = [g for g in Attention if g.value in DERIVED_HOW]
    candidates = members.filter(_derivable_q("person__"))
    derived_totals = candidates.aggregate(
        **{
            g.value: Count(
                "pk",
                filter=_derived_only_q(g.value, today, "person__")
                & ~Q(
                    Exists(
                        AttentionFlag.objects.filter(person_id=OuterRef("person_id"), group=g.value)
                    )
                ),
            )
            for g in derivable
        }
    )
    return [
        (g.value, str(g.label), (flagged.get(g.value) or 0) + (derived_totals.get(g.value) or 0))
        for g in Attention
    ]
