"""Special-attention counts for the dashboard, with a tally for the city and the province.

Counting a group joins every current member of the region who has a disability grade or an
illness (`registry.attention.counts`): milliseconds for a county, seconds for a province of
millions of persons, and the groups depend on the day (a child turns 18), so they cannot be
kept by increments like the case counters. A county and everything below it are counted on
each view; a city and the province read a tally at most `FRESH_FOR` old. The first view after
that counts again (one request claims the recount; the others meanwhile show the tally they
have, with the time it was counted).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from fangpin.regions.models import Level, Region
from fangpin.registry.attention import Attention, counts

from .models import AttentionTally

FRESH_FOR = dt.timedelta(hours=1)
TALLIED_LEVELS = frozenset({Level.CITY, Level.PROVINCE})


@dataclass(frozen=True)
class AttentionCounts:
    groups: list[tuple[str, str, int]]  # (code, label, persons), in the order of `Attention`
    counted_at: dt.datetime | None = None  # None: counted for this view


def attention_for(region: Region, today: dt.date) -> AttentionCounts:
    if region.level not in TALLIED_LEVELS:
        return AttentionCounts(counts(region.prefix, today))
    now = timezone.now()
    kept = {t.group: t for t in AttentionTally.objects.filter(region=region)}
    if kept:
        stamp = min(t.counted_at for t in kept.values())
        fresh = now - stamp < FRESH_FOR and timezone.localdate(stamp) == today
        # One request claims the recount by moving the stamp; the rest show what is kept.
        if fresh or not _claim(region, stamp, now):
            return AttentionCounts(_labelled(kept), stamp)
    return _recount(region, today, now)


def _claim(region: Region, stamp: dt.datetime, now: dt.datetime) -> bool:
    return bool(
        AttentionTally.objects.filter(region=region, counted_at=stamp).update(counted_at=now)
    )


def _recount(region: Region, today: dt.date, now: dt.datetime) -> AttentionCounts:
    groups = counts(region.prefix, today)
    for code, _label, persons in groups:
        try:
            with transaction.atomic():
                AttentionTally.objects.update_or_create(
                    region=region, group=code, defaults={"persons": persons, "counted_at": now}
                )
        except IntegrityError:
            pass  # counted at the same moment by another request: theirs is as good
    return AttentionCounts(groups, now)


def _labelled(kept: dict[str, AttentionTally]) -> list[tuple[str, str, int]]:
    return [
        (g.value, str(g.label), kept[g.value].persons if g.value in kept else 0) for g in Attention
    ]
