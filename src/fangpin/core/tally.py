"""Figures of a region counted at most `FRESH_FOR` ago, for the views above a township.

Some figures join every member or target household of a region (special-attention groups,
三有一持续): milliseconds for a village, seconds for a county of a 5-million-household
province whose registry no longer fits in memory, and they depend on the day (a child turns
18, a wage is six months old), so they cannot be kept by increments like the case counters.
A township and everything below count on each view. Above, a view reads the kept figures;
the first view after they grow stale counts again: one request claims the recount by moving
the stamp, the others meanwhile show what is kept, with the time it was counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Tally

if TYPE_CHECKING:
    from fangpin.regions.models import Region

FRESH_FOR = dt.timedelta(hours=1)
TALLIED_LEVELS = frozenset({"county", "city", "province"})  # regions.models.Level values

T = TypeVar("T")


@dataclass(frozen=True)
class Kept(Generic[T]):
    value: T
    counted_at: dt.datetime | None = None  # None: counted for this view


def kept_figures(
    region: Region,
    name: str,
    today: dt.date,
    count: Callable[[], T],
    dump: Callable[[T], Any],
    load: Callable[[Any], T],
) -> Kept[T]:
    """`count()` for a township or village; for a county, city or province the kept figures
    (`load`ed) while fresh, else `count()` again, kept (`dump`ed to JSON)."""
    if region.level not in TALLIED_LEVELS:
        return Kept(count())
    now = timezone.now()
    row = Tally.objects.filter(region_code=region.code, name=name).first()
    if row is not None:
        fresh = now - row.counted_at < FRESH_FOR and timezone.localdate(row.counted_at) == today
        if fresh or not _claim(row, now):
            return Kept(load(row.figures), row.counted_at)
    value = count()
    try:
        with transaction.atomic():
            Tally.objects.update_or_create(
                region_code=region.code,
                name=name,
                defaults={"figures": dump(value), "counted_at": now},
            )
    except IntegrityError:
        pass  # counted at the same moment by another request: theirs is as good
    return Kept(value, now)


def _claim(row: Tally, now: dt.datetime) -> bool:
    return bool(Tally.objects.filter(pk=row.pk, counted_at=row.counted_at).update(counted_at=now))
