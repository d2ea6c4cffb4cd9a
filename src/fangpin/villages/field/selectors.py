"""Reads of the village field work, always scoped by the user's region (core.scoping)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import F, Max, Q, QuerySet

from fangpin.accounts.models import User
from fangpin.core import idcrypt
from fangpin.core.scoping import scoped
from fangpin.monitoring import clock
from fangpin.monitoring.models import ELIMINATION_STATES, Case, State
from fangpin.policy.services import parameter_int
from fangpin.regions.models import Level, Region
from fangpin.registry.models import Household, Person

from ..models import Grid, Liaison, Policy, SelfReport, Visit

# Households under monitoring now: identified and not (yet) eliminated.
MONITORED_NOW = frozenset({State.MONITORED} | ELIMINATION_STATES)


def grid_list(*, user: User, region: str | None = None) -> QuerySet[Grid]:
    qs = Grid.objects.select_related("region", "parent", "worker")
    return scoped(qs, user, prefix=region).order_by("region_id", "level", "name", "id")


def worker_grids(user: User) -> QuerySet[Grid]:
    return grid_list(user=user).filter(worker=user)


def households_without_grid(*, user: User) -> QuerySet[Household]:
    """Households of the region in no grid yet (every household belongs in one)."""
    return (
        scoped(Household.objects.select_related("village"), user)
        .filter(grid_link__isnull=True)
        .order_by("village_id", "number")
    )


def visit_list(
    *, user: User, region: str | None = None, household_id: int | None = None
) -> QuerySet[Visit]:
    qs = scoped(
        Visit.objects.select_related("household__village", "created_by"), user, prefix=region
    )
    if household_id is not None:
        qs = qs.filter(household_id=household_id)
    return qs.order_by("-visited_on", "-id")


def watched_households(
    *, user: User, region: str | None = None, grid: Grid | None = None
) -> QuerySet[Household]:
    """The monitored and 脱贫 households of the region (the ones coverage counts)."""
    monitored = Case.objects.filter(state__in=MONITORED_NOW).values("household_id")
    qs = scoped(Household.objects.all(), user, prefix=region).filter(
        Q(is_alleviated=True) | Q(pk__in=monitored)
    )
    if grid is not None:
        qs = qs.filter(grid_link__grid=grid)
    return qs


@dataclass
class Coverage:
    days: int
    since: dt.date
    households: int
    visited: int
    not_visited: list[dict[str, object]] = field(default_factory=list)

    @property
    def share(self) -> float:
        return round(self.visited / self.households, 4) if self.households else 1.0


def coverage(
    *,
    user: User,
    region: str | None = None,
    days: int | None = None,
    grid: Grid | None = None,
    limit: int | None = None,
) -> Coverage:
    today = clock.today()
    n = days if days is not None else parameter_int("visit_coverage_days", year=today.year)
    since = today - dt.timedelta(days=n)
    qs = watched_households(user=user, region=region, grid=grid).annotate(
        last_visited_on=Max("visits__visited_on")
    )
    total = qs.count()
    # Never visited first on every database (PostgreSQL sorts NULL last by default).
    missing = qs.filter(Q(last_visited_on__isnull=True) | Q(last_visited_on__lt=since)).order_by(
        F("last_visited_on").asc(nulls_first=True), "id"
    )
    rows = missing.values("id", "last_visited_on", "head_name", "village__name", "number")
    if limit is not None:
        rows = rows[:limit]
    not_visited = [
        {
            "household_id": r["id"],
            "last_visited_on": r["last_visited_on"],
            "head_name": r["head_name"],
            "village_name": r["village__name"],
            "number": r["number"],
        }
        for r in rows
    ]
    missing_count = missing.count()
    return Coverage(
        days=n,
        since=since,
        households=total,
        visited=total - missing_count,
        not_visited=not_visited,
    )


def reported_household(report: SelfReport) -> Household | None:
    """The village household of the ID number the farmer gave, if any: shown to the village
    cadre who handles the report (never to the reporter)."""
    if not report.id_number:
        return None
    number = idcrypt.decrypt(report.id_number) if idcrypt.is_encrypted(report.id_number) else ""
    person = Person.objects.with_id_number(number).first() if number else None
    if person is None:
        return None
    membership = (
        person.memberships.filter(ended_on__isnull=True, household__village_id=report.village_id)
        .select_related("household")
        .first()
    )
    return membership.household if membership else None


def self_report_list(
    *, user: User, region: str | None = None, status: str | None = None
) -> QuerySet[SelfReport]:
    qs = scoped(SelfReport.objects.select_related("village", "case"), user, prefix=region)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "deadline", "id")


def _above_and_within(field: str, prefix: str) -> Q:
    """Rows whose region is `prefix`'s own region, one above it, or one inside it."""
    ancestors = [prefix[:n] for n in (4, 6, 9, 12) if n <= len(prefix)]
    padded = [a.ljust(12, "0") for a in ancestors]
    low, high = prefix.ljust(12, "0"), prefix.ljust(12, "9")
    return Q(**{f"{field}__in": padded}) | Q(**{f"{field}__gte": low, f"{field}__lte": high})


def _catalogue(qs: QuerySet, user: User, region: str | None):  # type: ignore[type-arg]
    own = user.region_prefix
    if own is None:
        return qs.none()
    where = _above_and_within("region__prefix_code", own)
    if region:
        if not (region.startswith(own) or own.startswith(region)):
            return qs.none()
        where &= _above_and_within("region__prefix_code", region)
    return qs.filter(where)


def policy_list(*, user: User, region: str | None = None) -> QuerySet[Policy]:
    """Policies on the boards of the user's region: those of the regions above it and in it."""
    return _catalogue(Policy.objects.select_related("region"), user, region).order_by(
        "department", "id"
    )


def liaison_list(*, user: User, region: str | None = None) -> QuerySet[Liaison]:
    return _catalogue(Liaison.objects.select_related("region"), user, region).order_by(
        "region_id", "sector", "id"
    )


# ----------------------------------------------------------------------- public (no login)


def public_village(code: str) -> Region | None:
    return (
        Region.objects.select_related("parent__parent")
        .filter(code=code, level=Level.VILLAGE)
        .first()
    )


def board_policies(village: Region) -> QuerySet[Policy]:
    """The policies on a village's board: the city's, its county's, township's and its own."""
    chain = [village.prefix[:n].ljust(12, "0") for n in (4, 6, 9, 12)]
    return Policy.objects.filter(region__prefix_code__in=chain).order_by("department", "id")


def board_liaisons(village: Region) -> QuerySet[Liaison]:
    chain = [village.prefix[:n].ljust(12, "0") for n in (4, 6, 9, 12)]
    return (
        Liaison.objects.select_related("region")
        .filter(region__prefix_code__in=chain)
        .order_by("region_id", "sector", "id")
    )
