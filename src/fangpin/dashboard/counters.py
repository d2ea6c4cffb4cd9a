"""Keeping the summary counters current (called by monitoring services).

`counters_apply` runs inside the caller's transaction, so a county approval and its counts
commit or roll back together; it adds to the village's rows and to those of every region
above it. `counters_rebuild` recomputes them all from the cases, for repair and for data
loaded in bulk (seeding, benchmarks).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet

from fangpin.regions.models import Region

from .models import Dimension, RegionCounter

Delta = tuple[str, str, int, int]  # dimension, key, households, persons


def identification_deltas(
    *, category: str, risk_types: Iterable[str], persons: int, sign: int = 1
) -> list[Delta]:
    deltas: list[Delta] = [
        (Dimension.IDENTIFIED, "", sign, sign * persons),
        (Dimension.CATEGORY, category, sign, sign * persons),
    ]
    deltas += [(Dimension.RISK_TYPE, code, sign, sign * persons) for code in sorted(risk_types)]
    return deltas


def elimination_deltas(*, persons: int, sign: int = 1) -> list[Delta]:
    return [(Dimension.ELIMINATED, "", sign, sign * persons)]


def region_chain(village_id: str) -> list[str]:
    """The village and every region above it, up to the top of the loaded tree."""
    node: Region | None = Region.objects.select_related(
        "parent__parent__parent__parent__parent"
    ).get(code=village_id)
    codes: list[str] = []
    while node is not None:
        codes.append(node.code)
        node = node.parent
    return codes


def counters_apply(*, village_id: str, deltas: Iterable[Delta]) -> None:
    """Add the deltas to the counters of the village and its ancestors (creating rows on
    first use)."""
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for dimension, key, households, persons in deltas:
        totals[(dimension, key)][0] += households
        totals[(dimension, key)][1] += persons
    if not totals:
        return
    codes = sorted(region_chain(village_id))
    which = Q()
    for dimension, key in totals:
        which |= Q(dimension=dimension, key=key)
    # Lock the rows this change touches in one fixed order first: approvals in two villages
    # of a county share the county's, city's and province's rows and must not deadlock.
    existing = {
        (region, dimension, key): pk
        for pk, region, dimension, key in RegionCounter.objects.select_for_update()
        .filter(which, region_id__in=codes)
        .order_by("region_id", "dimension", "key")
        .values_list("pk", "region_id", "dimension", "key")
    }
    for code in codes:
        for (dimension, key), (households, persons) in sorted(totals.items()):
            pk = existing.get((code, dimension, key))
            if pk is not None:
                _add(RegionCounter.objects.filter(pk=pk), households, persons)
                continue
            try:
                with transaction.atomic():
                    RegionCounter.objects.create(
                        region_id=code,
                        dimension=dimension,
                        key=key,
                        households=households,
                        persons=persons,
                    )
            except IntegrityError:
                # Another transaction created the row in between: add to it instead.
                _add(
                    RegionCounter.objects.filter(region_id=code, dimension=dimension, key=key),
                    households,
                    persons,
                )


def _add(rows: QuerySet[RegionCounter], households: int, persons: int) -> None:
    rows.update(households=F("households") + households, persons=F("persons") + persons)


@transaction.atomic
def counters_rebuild() -> int:
    """Recompute every counter from the cases; returns the rows written."""
    from fangpin.monitoring.models import Case, State

    parent_of = dict(Region.objects.values_list("code", "parent_id"))
    totals: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    cases = Case.objects.identified()
    for village_id, state, category, risk_types, persons in cases.values_list(
        "village_id", "state", "category", "risk_types", "members_at_approval"
    ).iterator(chunk_size=5000):
        n = persons or 0
        deltas = identification_deltas(category=category, risk_types=risk_types or [], persons=n)
        if state == State.ELIMINATED:
            deltas += elimination_deltas(persons=n)
        code: str | None = village_id
        while code is not None:
            for dimension, key, households, people in deltas:
                slot = totals[(code, dimension, key)]
                slot[0] += households
                slot[1] += people
            code = parent_of.get(code)
    RegionCounter.objects.all().delete()
    RegionCounter.objects.bulk_create(
        [
            RegionCounter(region_id=region, dimension=dimension, key=key, households=h, persons=p)
            for (region, dimension, key), (h, p) in totals.items()
        ],
        batch_size=2000,
    )
    return len(totals)
