"""A household's past members, as they were when they left.

A person who left a household (moved, married out, split off) belongs to it only as its past:
the old household's pages show the person's record as it stood when the membership ended,
never what the new household recorded since (a new health status, a new phone, a later
move). The moment of leaving is when the end of the membership was recorded (its history),
or the end of the day it ended where no history exists; the person's record is its history
row current at that moment. The other way round, a household's history shows a person's
changes only from the record they joined with: their life in the household they came from
is that household's past, not this one's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone

from .choices import EndReason
from .models import Membership, Person


def left_at(memberships: Iterable[Membership]) -> dict[int, dt.datetime]:
    """When each ended membership's end was recorded, by membership id (one query).

    A member who died has no later life elsewhere, and the death itself is recorded on the
    person just after the membership ends: such a membership has no cut-off."""
    ended = [m for m in memberships if m.ended_on is not None and m.end_reason != EndReason.DEATH]
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


def _joined_at(memberships: list[Membership]) -> dict[int, dt.datetime]:
    """When each membership was recorded (its first history row), by membership id."""
    out: dict[int, dt.datetime] = {}
    rows = (
        Membership.history.filter(id__in=[m.pk for m in memberships])  # type: ignore[attr-defined]
        .order_by("history_date", "history_id")
        .values_list("id", "history_date")
    )
    for membership_id, when in rows:
        out.setdefault(membership_id, when)
    for m in memberships:
        if m.pk not in out:
            out[m.pk] = timezone.make_aware(dt.datetime.combine(m.started_on, dt.time()))
    return out


def person_history_q(household_id: int) -> Q:
    """Which rows of the persons' history belong to a household's history: those of the time
    each person was a member (from the record they joined with to the moment they left).
    What another household recorded before they came or after they left is not this
    household's to show."""
    memberships = list(Membership.objects.filter(household_id=household_id))
    if not memberships:
        return Q(pk__in=[])
    joined, left = _joined_at(memberships), left_at(memberships)
    rows = (
        Person.history.filter(  # type: ignore[attr-defined]
            id__in={m.person_id for m in memberships}
        )
        .order_by("history_date", "history_id")
        .values_list("id", "history_id", "history_date")
    )
    by_person: dict[int, list[tuple[int, dt.datetime]]] = {}
    for person_id, history_id, when in rows:
        by_person.setdefault(person_id, []).append((history_id, when))
    q = Q(pk__in=[])
    for m in memberships:
        history = by_person.get(m.person_id, [])
        # The person's record as it stood when they joined: the last row saved by then
        # (joining saves the person first, then the membership).
        start = [hid for hid, when in history if when <= joined[m.pk]]
        window = Q(id=m.person_id, history_id__gte=start[-1]) if start else Q(id=m.person_id)
        if m.pk in left:
            window &= Q(history_date__lte=left[m.pk])
        q |= window
    return q
