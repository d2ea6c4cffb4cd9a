"""Computed indicators of village work (CONTRACT §9), registered in the core catalogue."""

from __future__ import annotations

from django.utils import timezone

from fangpin.core.indicators import Computed, formula, period_bounds, rate
from fangpin.regions.models import Region, canonical_code

from .board import rating


@formula(
    "safe_village_share",
    name="放心村占比",
    words="放心村数 ÷ 区划内村数(期末评定)",
)
def safe_village_share(region_code: str, period: str) -> Computed:
    """Share of the region's villages that are 放心村 at the end of the period.

    The reasons are read from the current rows with the period's last day as "today" (a
    deadline past by then counts); a period not yet ended is rated as of today."""
    _first, last = period_bounds(period)
    day = min(last, timezone.localdate())
    prefix = (
        Region.objects.filter(code=canonical_code(region_code))
        .values_list("prefix", flat=True)
        .first()
    )
    if prefix is None:
        return Computed(value=rate(0, 0), numerator=0, denominator=0)
    ratings = rating.rate_region(prefix, day)
    safe = sum(1 for r in ratings if r.safe)
    records = [
        {
            "label": r.name,
            "code": r.code,
            "url": f"/villages/archive/{r.code}/",
            "reasons": [{"code": x.code, "detail": x.detail} for x in r.reasons],
        }
        for r in ratings
        if not r.safe
    ][:100]
    return Computed(
        value=rate(safe, len(ratings)), numerator=safe, denominator=len(ratings), records=records
    )
