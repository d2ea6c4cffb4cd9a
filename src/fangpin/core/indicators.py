"""The catalogue of computed indicators (CONTRACT §9): formulas over the system's own data.

Each app contributes the formulas over the rows it owns, in a module `indicators.py`
(`fangpin.monitoring.indicators`, `fangpin.villages.indicators`, ...), found at start-up by
`autodiscover()`. Supervision reads the catalogue and never computes another app's figures
itself, so apps keep depending one way (a lower app never imports supervision).

A formula takes a region code and a period (``YYYY-MM``) and answers a `Computed`: the value
(a rate is a fraction rounded to 4 decimals), the numerator and denominator it came from, and
the records behind it for a drill-down.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

FOUR_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class Computed:
    value: Decimal
    numerator: Decimal | int | None = None
    denominator: Decimal | int | None = None
    # The records behind the value: [{"label": "...", "url": "/cases/3/", ...}], at most a page.
    records: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Formula:
    key: str
    name: str  # Chinese, shown to users
    words: str  # the formula in words (Chinese), shown beside the value
    unit: str  # "rate" (a fraction), "count", "yuan", ...
    compute: Callable[[str, str], Computed]


FORMULAS: dict[str, Formula] = {}


def formula(
    key: str, *, name: str, words: str, unit: str = "rate"
) -> Callable[[Callable[[str, str], Computed]], Callable[[str, str], Computed]]:
    """Register `compute(region_code, period) -> Computed` under `key`."""

    def register(compute: Callable[[str, str], Computed]) -> Callable[[str, str], Computed]:
        if key in FORMULAS and FORMULAS[key].compute is not compute:
            raise ValueError(f"indicator formula {key!r} is defined twice")
        FORMULAS[key] = Formula(key=key, name=name, words=words, unit=unit, compute=compute)
        return compute

    return register


def rate(numerator: int | Decimal, denominator: int | Decimal) -> Decimal:
    """A share as a fraction with 4 decimals; 0 of 0 is reported as 1 (nothing was due)."""
    if not denominator:
        return Decimal("1.0000")
    return (Decimal(numerator) / Decimal(denominator)).quantize(FOUR_PLACES, ROUND_HALF_UP)


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """First and last day of a ``YYYY-MM`` period."""
    year, month = (int(part) for part in period.split("-"))
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def autodiscover() -> None:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("indicators")
