"""Keeping the per-village summary counters current (called by monitoring services).

`counters_apply` runs inside the caller's transaction, so a county approval and its counts
commit or roll back together. `counters_rebuild` recomputes them from the cases, for repair
and for data loaded in bulk (seeding, benchmarks).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import F

from fangpin.core.scoping import region_q

from .models import Dimension, VillageCounter

Delta = tuple[str, str, int, int]  # dimension, key, households, persons


def identification_deltas(
    *, category: str, risk_types: Iterable[str], persons: int, sign: int = 1
) -> list[Delta]:
    deltas: list[Delta] = [
        (Dimension.IDENTIFIED, "", sign, sign * persons),
        (Dimension.CATEGORY, category, sign, sign * persons),
    ]
    deltas += [(Dimension.RISK_TYPE, code, sign, sign * persons) for code in risk_types]
    return deltas


def elimination_deltas(*, persons: int, sign: int = 1) -> list[Delta]:
    return [(Dimension.ELIMINATED, "", sign, sign * persons)]


def counters_apply(*, village_id: str, deltas: Iterable[Delta]) -> None:
    """Add the deltas to the village's counters (creating rows on first use)."""
    for dimension, key, households, persons in deltas:
        rows = VillageCounter.objects.filter(village_id=village_id, dimension=dimension, key=key)
        if rows.update(households=F("households") + households, persons=F("persons") + persons):
            continue
        try:
            with transaction.atomic():
                VillageCounter.objects.create(
                    village_id=village_id,
                    dimension=dimension,
                    key=key,
                    households=households,
                    persons=persons,
                )
        except IntegrityError:
            # Another transaction created the row in between: add to it instead.
            rows.update(households=F("households") + households, persons=F("persons") + persons)


@transaction.atomic
def counters_rebuild(*, prefix: str = "") -> int:
    """Recompute every counter under `prefix` from the cases; returns the rows written."""
    from fangpin.monitoring.models import Case, State

    totals: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    cases = Case.objects.identified()
    if prefix:
        cases = cases.filter(region_q("village_id", prefix))
    for village_id, state, category, risk_types, persons in cases.values_list(
        "village_id", "state", "category", "risk_types", "members_at_approval"
    ).iterator(chunk_size=5000):
        n = persons or 0
        deltas = identification_deltas(category=category, risk_types=risk_types or [], persons=n)
        if state == State.ELIMINATED:
            deltas += elimination_deltas(persons=n)
        for dimension, key, households, people in deltas:
            slot = totals[(village_id, dimension, key)]
            slot[0] += households
            slot[1] += people
    existing = VillageCounter.objects.all()
    if prefix:
        existing = existing.filter(region_q("village_id", prefix))
    existing.delete()
    VillageCounter.objects.bulk_create(
        [
            VillageCounter(
                village_id=village_id, dimension=dimension, key=key, households=h, persons=p
            )
            for (village_id, dimension, key), (h, p) in totals.items()
        ],
        batch_size=2000,
    )
    return len(totals)
