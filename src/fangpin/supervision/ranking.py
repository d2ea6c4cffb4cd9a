"""The ranking of a region's counties (or townships) for a period, with the scheme in force."""

from __future__ import annotations

from dataclasses import dataclass

from fangpin.core.errors import BadValue
from fangpin.regions.models import Level, Region

from . import scoring, selectors
from .error_codes import SupervisionCode
from .models import ScoringScheme

LEVELS = (Level.COUNTY, Level.TOWNSHIP)


@dataclass
class Ranking:
    scheme: ScoringScheme
    standings: list[scoring.Standing]


def ranked_regions(place: Region, level: str) -> list[Region]:
    if level not in LEVELS:
        raise BadValue("排名层级应为 county 或 township", code=SupervisionCode.BAD_LEVEL)
    if place.level == level:
        return [place]
    return list(
        Region.objects.filter(level=level, prefix__startswith=place.prefix).order_by("code")
    )


def ranking_for(
    place: Region, period: str, level: str = Level.COUNTY, values: scoring.Values | None = None
) -> Ranking:
    year = int(period[:4])
    scheme = scoring.scheme_for(year)
    indicators = list(selectors.plan_indicators(place, year))
    regions = ranked_regions(place, level)
    return Ranking(scheme, scoring.rank(regions, indicators, period, scheme, values=values))
