"""The summary of CONTRACT §4 for one region, from the maintained village counters.

Identified and eliminated households and persons come from the region's own `RegionCounter`
rows (kept current by the county approvals, in the same transaction, for the village and every
region above it): a few rows at any level instead of counting persons. Overdue cases and open
warnings are counts on indexed columns (both carry their village code).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from fangpin.core.scoping import region_q
from fangpin.monitoring.models import IDENTIFICATION_STATES, Case, Category, RiskType
from fangpin.policy.services import Terms
from fangpin.regions.models import Region
from fangpin.screening.models import Warning

from .models import Dimension, RegionCounter

RATE_PLACES = Decimal("0.0001")


def rate(part: int, whole: int) -> Decimal:
    """part ÷ whole to 4 decimals (half up); 0 when nothing was identified."""
    if not whole:
        return Decimal("0.0000")
    return (Decimal(part) / Decimal(whole)).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


@dataclass
class Breakdown:
    key: str
    label: str
    households: int
    persons: int


@dataclass
class Summary:
    region: str
    region_name: str
    as_of: dt.date
    identified_households: int
    identified_persons: int
    eliminated_households: int
    eliminated_persons: int
    elimination_rate_households: Decimal
    elimination_rate_persons: Decimal
    overdue_cases: int
    open_warnings: int
    by_category: list[Breakdown] = field(default_factory=list)
    by_risk_type: list[Breakdown] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["as_of"] = self.as_of.isoformat()
        # Rates as numbers with 4 decimals (0.3612), not strings.
        data["elimination_rate_households"] = float(self.elimination_rate_households)
        data["elimination_rate_persons"] = float(self.elimination_rate_persons)
        for name in ("by_category", "by_risk_type"):
            data[name] = {
                b["key"]: {
                    "label": b["label"],
                    "households": b["households"],
                    "persons": b["persons"],
                }
                for b in data[name]
            }
        return data


@dataclass(frozen=True)
class SummaryQuery:
    """Summary for the subtree of `region` as of `today` (the caller decides the scope)."""

    region: Region
    today: dt.date

    def calculate(self) -> Summary:
        prefix = self.region.prefix
        totals: dict[tuple[str, str], tuple[int, int]] = {
            (dimension, key): (households, persons)
            for dimension, key, households, persons in RegionCounter.objects.filter(
                region_id=self.region.code
            ).values_list("dimension", "key", "households", "persons")
        }
        ident_h, ident_p = totals.get((Dimension.IDENTIFIED, ""), (0, 0))
        elim_h, elim_p = totals.get((Dimension.ELIMINATED, ""), (0, 0))
        overdue = (
            Case.objects.filter(region_q("village_id", prefix))
            .filter(state__in=IDENTIFICATION_STATES, deadline__lt=self.today)
            .count()
        )
        warnings = (
            Warning.objects.filter(region_q("village_id", prefix))
            .filter(status=Warning.Status.OPEN)
            .count()
        )
        terms = Terms()
        return Summary(
            region=self.region.code,
            region_name=self.region.name,
            as_of=self.today,
            identified_households=ident_h,
            identified_persons=ident_p,
            eliminated_households=elim_h,
            eliminated_persons=elim_p,
            elimination_rate_households=rate(elim_h, ident_h),
            elimination_rate_persons=rate(elim_p, ident_p),
            overdue_cases=overdue,
            open_warnings=warnings,
            by_category=[
                Breakdown(
                    c.value,
                    terms.get(f"category.{c.value}", self.today),
                    *totals.get((Dimension.CATEGORY, c.value), (0, 0)),
                )
                for c in Category
            ],
            by_risk_type=[
                Breakdown(r.value, str(r.label), *totals[(Dimension.RISK_TYPE, r.value)])
                for r in RiskType
                if (Dimension.RISK_TYPE, r.value) in totals
            ],
        )
