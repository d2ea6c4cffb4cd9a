"""A household's past members, as they were when they left.

A person who left a household (moved, married out, split off) belongs to it only as its past:
the old household's pages show the person's record as it stood when the membership ended,
never what the new household recorded since (a new health status, a new phone, a later
move). The moment of leaving is when the end of the membership was recorded (its history),
or the end of the day it ended where no history exists; the person's record is its history
row current at that moment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone

from .models import Membership, Person


def left_at(memberships: Iterable[Membership]) -> dict[int, dt.datetime]:
    """When each ended membership's end was recorded, by membership id (one query)."""
    ended = [m for m in memberships if m.ended_on is not None]
    if not ended:
        return {}
    out: dict[int, dt.datetime] = {}
    rows = (
        Membership.history.filter(  # type: ignore[attr-defined]
            id__in=[m.pk for m in ended], ended_on__isnull=False
        )
        .order_by("history_date", "history_id")
        .values_list("id", "history_date")
    )
    for membership_id, when in rows:
        out.setdefault(membership_id, when)
    for m in ended:
        if m.pk not in out:
            assert m.ended_on is not None
            end_of_day = dt.datetime.combine(m.ended_on + dt.timedelta(days=1), dt.time())
            out[m.pk] = timezone.make_aware(end_of_day)
    return out


def as_they_left(memberships: list[Membership]) -> list[Membership]:
    """Put on each ended membership the person's record as it stood when they left.

    The returned memberships carry an unsaved snapshot in `person` (from the history), so
    everything that shows a past member shows the data of that time. A person with no
    recorded history keeps the current record (nothing else is known).
    """
    moments = left_at(memberships)
    if not moments:
        return memberships
    person_ids = {m.person_id for m in memberships if m.pk in moments}
    latest = max(moments.values())
    rows = Person.history.filter(  # type: ignore[attr-defined]
        id__in=person_ids, history_date__lte=latest
    ).order_by("history_date", "history_id")
    by_person: dict[int, list[object]] = {}
    for row in rows:
        by_person.setdefault(row.id, []).append(row)
    for m in memberships:
        when = moments.get(m.pk)
        if when is None:
            continue
        before = [r for r in by_person.get(m.person_id, []) if r.history_date <= when]  # type: ignore[attr-defined]
        if before:
            m.person = before[-1].instance  # type: ignore[attr-defined]
    return memberships


def person_history_q(household_id: int) -> Q:
    """Which rows of the persons' history belong to a household's history: all of a current
    member's, and a former member's only up to the moment they left."""
    memberships = list(Membership.objects.filter(household_id=household_id))
    current = {m.person_id for m in memberships if m.ended_on is None}
    moments = left_at(memberships)
    cutoff: dict[int, dt.datetime] = {}
    for m in memberships:
        when = moments.get(m.pk)
        if when is not None and m.person_id not in current:
            cutoff[m.person_id] = max(when, cutoff.get(m.person_id, when))
    q = Q(id__in=current)
    for person_id, when in cutoff.items():
        q |= Q(id=person_id, history_date__lte=when)
    return q if (current or cutoff) else Q(pk__in=[])
