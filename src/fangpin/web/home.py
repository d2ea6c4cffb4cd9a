"""What the home page shows for the user's region: a handful of aggregate queries.

Every figure is one indexed aggregate over the user's subtree (no per-row work in Python),
so the page stays quick for a city user at a million households:
- households, persons (the kept 家庭人口), 脱贫户: one aggregate over households;
- guarantee problems: one count;
- incomes below the line: households whose latest income record of the latest year is at
  or below that year's line (`registry.selectors.below_line`, which the list reads too);
Each figure links to the household list filtered to the same set (the same count).
- sub-regions: one grouped count over the code prefix, one query for the names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr

from fangpin.accounts.models import User
from fangpin.core.scoping import scoped
from fangpin.regions.models import CHILD_LEVEL, PREFIX_LENGTH, Level, Region
from fangpin.regions.selectors import region_children
from fangpin.registry.models import Guarantee, Household
from fangpin.registry.selectors import below_line, guarantee_problem_q


@dataclass(frozen=True)
class SubRegion:
    region: Region
    households: int
    persons: int
    alleviated: int


def _sub_regions(user: User, region: Region) -> list[SubRegion]:
    child_level = CHILD_LEVEL.get(Level(region.level))
    if child_level is None:
        return []
    width = PREFIX_LENGTH[child_level]
    counts: dict[str, dict[str, Any]] = {
        row["p"]: dict(row)
        for row in scoped(Household.objects.all(), user)
        .annotate(p=Substr("village_id", 1, width))
        .values("p")
        .annotate(
            households=Count("id"),
            persons=Sum("member_count"),
            alleviated=Count("id", filter=Q(is_alleviated=True)),
        )
        .order_by()
    }
    out = []
    for child in region_children(user=user, code=region.code):
        row: dict[str, Any] = counts.get(child.prefix, {})
        out.append(
            SubRegion(
                region=child,
                households=row.get("households", 0),
                persons=row.get("persons") or 0,
                alleviated=row.get("alleviated", 0),
            )
        )
    return out


def _full_name(region: Region) -> str:
    """城市县乡村 names joined, read in one query (the tree is at most four deep)."""
    lengths = sorted({n for n in PREFIX_LENGTH.values() if n <= len(region.prefix)})
    prefixes = [region.prefix[:n] for n in lengths]
    names = (
        Region.objects.filter(prefix__in=prefixes).order_by("prefix").values_list("name", flat=True)
    )
    return "".join(names)


def home_context(user: User) -> dict[str, Any]:
    region = user.region
    if region is None:
        return {"region": None}
    totals = scoped(Household.objects.all(), user).aggregate(
        households=Count("id"),
        persons=Sum("member_count"),
        alleviated=Count("id", filter=Q(is_alleviated=True)),
    )
    problems = scoped(Guarantee.objects.all(), user).filter(guarantee_problem_q()).count()
    below = below_line(user=user)
    return {
        "region": region,
        "region_name": _full_name(region),
        "household_count": totals["households"],
        "person_count": totals["persons"] or 0,
        "alleviated_count": totals["alleviated"],
        "guarantee_problem_count": problems,
        "income_year": below.year,
        "income_line": below.line,
        "below_line_count": below.incomes.values("household_id").distinct().count(),
        "sub_regions": _sub_regions(user, region),
    }
