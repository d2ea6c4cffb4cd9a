"""Programs' formulas for the indicator catalogue (core.indicators)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from fangpin.core.indicators import Computed, formula, period_bounds
from fangpin.policy.services import parameter_int
from fangpin.regions.selectors import region_prefix

from . import selectors
from .three_haves import region_shares, share


def _as_of(period: str):  # type: ignore[no-untyped-def]
    return min(period_bounds(period)[1], timezone.localdate())


@formula(
    "three_haves_share",
    name="三有一持续户占比",
    words="有产业、有就业、有收入且持续保持的脱贫户和监测户 ÷ 脱贫户和监测户",
)
def three_haves_share(region_code: str, period: str) -> Computed:
    prefix = region_prefix(region_code) or region_code
    shares = region_shares(prefix, _as_of(period))
    return Computed(
        value=share(shares.sustained, shares.households),
        numerator=shares.sustained,
        denominator=shares.households,
    )


@formula(
    "workshop_alleviated_workers",
    name="帮扶车间吸纳脱贫人口",
    words="期末在帮扶车间务工的脱贫户人员数",
    unit="count",
)
def workshop_alleviated_workers(region_code: str, period: str) -> Computed:
    prefix = region_prefix(region_code) or region_code
    minimum = parameter_int("workshop_min_alleviated_workers")
    _, workers, alleviated, _ = selectors.workshop_figures(prefix, _as_of(period), minimum)
    return Computed(value=Decimal(alleviated), numerator=alleviated, denominator=workers)


@formula(
    "fund_spending_progress",
    name="衔接资金项目支出进度",
    words="当年项目已支出 ÷ 当年项目预算",
)
def fund_spending_progress(region_code: str, period: str) -> Computed:
    prefix = region_prefix(region_code) or region_code
    _, budget, spent, progress = selectors.spending_figures(prefix, int(period[:4]))
    return Computed(value=progress, numerator=spent, denominator=budget)
