"""Values, points and ranking of regions (the scheme is data: `ScoringScheme` and the weights
and targets of the task list).

- A computed indicator's value comes from the catalogue (`fangpin.core.indicators`); a manual
  one's is its approved report for the region and period (a report not yet approved counts as
  no value).
- Points: `linear` gives weight × value ÷ target (capped at the weight; for a "lower is better"
  indicator weight × target ÷ value); `threshold` gives the weight when the target is met, else
  0. Without a target, any value earns the weight. No value earns 0.
- Deduction: each manual indicator with no report submitted by the due day (the scheme's
  `report_due_day` of the month after the period) costs `overdue_deduction`, at most
  `max_deduction` in all. A period whose due day has not passed has no deductions yet.
- Score = points − deduction, 2 decimals. Counties are ranked by score (then code).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone

from fangpin.core.indicators import FORMULAS, Computed
from fangpin.monitoring import clock
from fangpin.regions.models import Region

from .models import Direction, Indicator, IndicatorReport, Mapping, ReportStatus, ScoringScheme

TWO = Decimal("0.01")


def scheme_for(year: int) -> ScoringScheme:
    found, _ = ScoringScheme.objects.get_or_create(year=year)
    return found


def scheme_json(scheme: ScoringScheme) -> dict[str, Any]:
    return {
        "year": scheme.year,
        "mapping": scheme.mapping,
        "mapping_label": scheme.get_mapping_display(),
        "overdue_deduction": float(scheme.overdue_deduction),
        "max_deduction": float(scheme.max_deduction),
        "report_due_day": scheme.report_due_day,
    }


def due_date(period: str, scheme: ScoringScheme) -> dt.date:
    year, month = (int(p) for p in period.split("-"))
    first_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_next + dt.timedelta(days=scheme.report_due_day - 1)


def points(indicator: Indicator, value: Decimal | None, mapping: str) -> Decimal:
    weight = indicator.weight
    if value is None:
        return Decimal(0)
    target = indicator.target
    if target is None:
        return weight
    lower = indicator.direction == Direction.LOWER
    met = value <= target if lower else value >= target
    if mapping == Mapping.THRESHOLD or met:
        return weight if met else Decimal(0)
    if lower:
        share = target / value if value > 0 else Decimal(1)
    else:
        share = value / target if target > 0 else Decimal(1)
    share = max(Decimal(0), min(Decimal(1), share))
    return (weight * share).quantize(TWO, ROUND_HALF_UP)


class Values:
    """Indicator values for regions and periods, each formula computed once."""

    def __init__(self) -> None:
        self._computed: dict[tuple[str, str, str], Computed] = {}
        self._reports: dict[tuple[int, str, str], IndicatorReport] = {}
        self._loaded: set[tuple[str, ...]] = set()

    def computed(self, key: str, region: str, period: str) -> Computed:
        slot = (key, region, period)
        if slot not in self._computed:
            self._computed[slot] = FORMULAS[key].compute(region, period)
        return self._computed[slot]

    def load_reports(self, indicator_ids: Iterable[int], regions: list[str], period: str) -> None:
        tag = (period, *regions)
        if tag in self._loaded:
            return
        self._loaded.add(tag)
        for report in IndicatorReport.objects.filter(
            indicator_id__in=list(indicator_ids), region_id__in=regions, period=period
        ):
            self._reports[(report.indicator_id, report.region_id, period)] = report

    def report(self, indicator: Indicator, region: str, period: str) -> IndicatorReport | None:
        return self._reports.get((indicator.pk, region, period))

    def value(self, indicator: Indicator, region: str, period: str) -> Decimal | None:
        if indicator.is_computed:
            if indicator.formula not in FORMULAS:
                return None
            return self.computed(indicator.formula, region, period).value
        report = self.report(indicator, region, period)
        if report is None or report.status != ReportStatus.APPROVED:
            return None
        return report.value


@dataclass
class Standing:
    region_code: str
    name: str
    score: Decimal
    points: Decimal
    deduction: Decimal
    by_aspect: dict[str, float]
    overdue: list[dict[str, Any]] = field(default_factory=list)
    rank: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "region_code": self.region_code,
            "name": self.name,
            "score": float(self.score),
            "points": float(self.points),
            "deduction": float(self.deduction),
            "by_aspect": self.by_aspect,
            "overdue": self.overdue,
        }


def rank(
    regions: list[Region],
    indicators: list[Indicator],
    period: str,
    scheme: ScoringScheme,
    *,
    values: Values | None = None,
    today: dt.date | None = None,
) -> list[Standing]:
    values = values or Values()
    today = today or clock.today()
    due = due_date(period, scheme)
    codes = [r.code for r in regions]
    manual = [i for i in indicators if not i.is_computed]
    values.load_reports([i.pk for i in manual], codes, period)
    aspects: list[str] = []
    for indicator in indicators:
        if indicator.aspect.name not in aspects:
            aspects.append(indicator.aspect.name)
    standings = []
    for region in regions:
        by_aspect = dict.fromkeys(aspects, Decimal(0))
        total = Decimal(0)
        for indicator in indicators:
            got = points(indicator, values.value(indicator, region.code, period), scheme.mapping)
            by_aspect[indicator.aspect.name] += got
            total += got
        overdue = []
        if today > due:
            for indicator in manual:
                report = values.report(indicator, region.code, period)
                late = report is None or report.status == ReportStatus.RETURNED
                if report is not None and timezone.localdate(report.submitted_at) > due:
                    late = True
                if late:
                    overdue.append(
                        {"indicator_id": indicator.pk, "name": indicator.name, "due": str(due)}
                    )
        deduction = min(scheme.max_deduction, scheme.overdue_deduction * len(overdue))
        standings.append(
            Standing(
                region_code=region.code,
                name=region.name,
                score=(total - deduction).quantize(TWO, ROUND_HALF_UP),
                points=total.quantize(TWO, ROUND_HALF_UP),
                deduction=deduction.quantize(TWO, ROUND_HALF_UP),
                by_aspect={k: float(v.quantize(TWO, ROUND_HALF_UP)) for k, v in by_aspect.items()},
                overdue=overdue,
            )
        )
    standings.sort(key=lambda s: (-s.score, s.region_code))
    for position, standing in enumerate(standings, start=1):
        standing.rank = position
    return standings


def previous_periods(period: str, count: int) -> list[str]:
    year, month = (int(p) for p in period.split("-"))
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(out))
