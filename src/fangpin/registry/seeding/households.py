"""Counties, villages and household numbers for the generated registry."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import F, Max
from django.db.models.functions import Length, Substr

from fangpin.core.errors import BadValue
from fangpin.regions.models import Level, Region, canonical_code
from fangpin.regions.services import regions_load

from ..choices import HousingGrade
from ..models import Household
from .names import _clan_of, short_village_name

# The seven counties of Pingdingshan that carry consolidation tasks (seed article).
TASK_COUNTIES: tuple[str, ...] = (
    "410404",  # 石龙区
    "410421",  # 宝丰县
    "410422",  # 叶县
    "410423",  # 鲁山县
    "410425",  # 郏县
    "410481",  # 舞钢市
    "410482",  # 汝州市
)
# Membership of seeded persons starts with the registry itself (建档立卡 began in 2014).
REGISTRY_START = dt.date(2014, 4, 1)
MAX_HOUSEHOLD_SEQUENCE = 9999
MAX_MEMBERS = 7

_HOUSING_GRADES = (HousingGrade.A, HousingGrade.B, HousingGrade.C, HousingGrade.D)
_HOUSING_WEIGHTS = (70.0, 27.0, 2.3, 0.7)


@dataclass(frozen=True)
class SeedResult:
    households: int
    persons: int
    seconds: float


@dataclass
class _Village:
    code: str
    address: str  # 县 + 乡镇 + 村, e.g. 宝丰县周庄镇周庄村
    clan: str | None  # a surname the village is named after, if any
    next_number: int  # next 4-digit household sequence


def _villages(regions: Sequence[str]) -> list[Region]:
    """The village-level regions under the given codes (any level); rural villages (村委会,
    2xx/3xx) only, where there are any.

    Loads the bundled division tree when a code is not there yet.
    """
    chosen: list[Region] = []
    for raw in regions:
        code = canonical_code(raw)
        if not Region.objects.filter(code=code).exists():
            # Not in the bundled data either: reported just below.
            with contextlib.suppress(BadValue):
                regions_load(city=code[:4])
        region = Region.objects.filter(code=code).first()
        # A province or city code ends in zeros that its villages' codes do not share.
        prefix = region.prefix if region is not None else code
        base = Region.objects.filter(level=Level.VILLAGE, code__startswith=prefix).order_by("code")
        found = list(base)
        if not found:
            raise BadValue(f"区划 {raw} 下没有村级区划,无法生成农户", code="unknown_region")
        # Statistics codes: the 10th digit 0/1 is an urban community, 2/3 a village committee.
        rural = [v for v in found if v.code[9] in "23"]
        chosen.extend(rural or found)
    unique = {v.code: v for v in chosen}
    return [unique[c] for c in sorted(unique)]


def _next_numbers(codes: list[str]) -> dict[str, int]:
    """Next free 4-digit sequence per village, after the numbers already stored."""
    found = (
        Household.objects.filter(village_id__in=codes)
        .annotate(stem=Substr("number", 1, 12), size=Length("number"))
        .filter(stem=F("village_id"), size=16)
        .values("village_id")
        .annotate(last=Max("number"))
    )
    nexts = dict.fromkeys(codes, 1)
    for row in found:
        tail = row["last"][12:]
        if tail.isdigit():
            nexts[row["village_id"]] = int(tail) + 1
    return nexts


def _prepare_villages(regions: Sequence[str]) -> list[_Village]:
    villages = _villages(regions)
    parents = {
        r.code: r
        for r in Region.objects.filter(
            code__in={v.parent_id for v in villages if v.parent_id} | {v.code[:6] for v in villages}
        )
    }
    numbers = _next_numbers([v.code for v in villages])
    prepared = []
    for v in villages:
        short = short_village_name(v.name)
        township = parents.get(v.parent_id or "")
        county = parents.get(v.code[:6])
        address = "".join(
            part for part in (county and county.name, township and township.name, short) if part
        )
        prepared.append(_Village(v.code, address, _clan_of(short), numbers[v.code]))
    return prepared
