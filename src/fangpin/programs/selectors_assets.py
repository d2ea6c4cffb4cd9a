"""Reads about asset income, disposals, the yearly check and 联村共建, scoped by the user's
region; `asset_work_figures` gives the programs panel its figures for a region prefix."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet, Sum

from fangpin.core.scoping import region_q
from fangpin.regions.models import Region
from fangpin.regions.selectors import region_prefix, scoped_in_region

from .models import (
    Asset,
    AssetCheck,
    AssetDisposal,
    AssetIncome,
    BenefitLink,
    CheckRound,
    Condition,
    DisposalState,
    VillageGroup,
)
from .models.assets import OPEN_DISPOSAL_STATES
from .three_haves import share

if TYPE_CHECKING:
    from fangpin.accounts.models import User

ZERO = Decimal("0.00")


def _within(user: User, region: str | None) -> str | None:
    """The prefix to read: the region asked for when it overlaps the user's, else None."""
    own = user.region_prefix
    if own is None:
        return None
    if not region:
        return own
    prefix = region_prefix(region)
    if prefix is None or not (prefix.startswith(own) or own.startswith(prefix)):
        return None
    return prefix if len(prefix) > len(own) else own


# ---------------------------------------------------------------- income


def asset_income_list(
    *, user: User, region: str | None = None, year: int | None = None
) -> QuerySet[AssetIncome]:
    qs = AssetIncome.objects.select_related("asset__village").annotate(
        distributed=Sum("links__amount"), households=Count("links")
    )
    qs = scoped_in_region(qs, user, region)
    return qs.filter(year=year) if year else qs


def asset_income_shares(income: AssetIncome) -> list[BenefitLink]:
    return list(income.links.select_related("household").order_by("household_id"))


# ---------------------------------------------------------------- disposal


def disposal_list(
    *, user: User, region: str | None = None, state: str | None = None
) -> QuerySet[AssetDisposal]:
    qs = scoped_in_region(AssetDisposal.objects.select_related("asset__village"), user, region)
    return qs.filter(state=state) if state else qs


# ---------------------------------------------------------------- yearly check


def _county_q(prefix: str) -> Q:
    """Rows of the county holding `prefix`, or of every county under it."""
    if len(prefix) >= 6:
        return Q(county_id=prefix[:6])
    return Q(county_id__startswith=prefix)


def check_round_list(
    *, user: User, region: str | None = None, year: int | None = None
) -> QuerySet[CheckRound]:
    prefix = _within(user, region)
    if prefix is None:
        return CheckRound.objects.none()
    qs = CheckRound.objects.select_related("county").filter(_county_q(prefix))
    return qs.filter(year=year) if year else qs


def assets_due(prefix: str, year: int) -> QuerySet[Asset]:
    """The assets a year's check must find: those of the region not disposed before it."""
    return Asset.objects.filter(region_q("village_id", prefix)).filter(
        Q(disposed_on__isnull=True) | Q(disposed_on__gte=dt.date(year, 1, 1))
    )


@dataclass(frozen=True)
class CheckFigures:
    year: int
    assets: int
    checked: int
    unchecked: int
    missing: int  # not found where the register puts it
    poor: int
    idle: int  # not in use
    rights_unclear: int

    @property
    def coverage(self) -> Decimal:
        return share(self.checked, self.assets)

    def as_json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "assets": self.assets,
            "checked": self.checked,
            "unchecked": self.unchecked,
            "coverage": float(self.coverage),
            "missing": self.missing,
            "poor": self.poor,
            "idle": self.idle,
            "rights_unclear": self.rights_unclear,
        }


def check_figures(prefix: str, year: int) -> CheckFigures:
    due = assets_due(prefix, year)
    checks = AssetCheck.objects.filter(round__year=year, asset__in=due)
    agg = checks.aggregate(
        n=Count("id"),
        missing=Count("id", filter=Q(exists=False)),
        poor=Count("id", filter=Q(condition=Condition.POOR)),
        idle=Count("id", filter=Q(in_use=False)),
        rights=Count("id", filter=Q(rights_ok=False)),
    )
    total = due.count()
    return CheckFigures(
        year=year,
        assets=total,
        checked=agg["n"],
        unchecked=total - agg["n"],
        missing=agg["missing"],
        poor=agg["poor"],
        idle=agg["idle"],
        rights_unclear=agg["rights"],
    )


def check_rows(
    *, user: User, check_round: CheckRound, region: str | None = None
) -> list[tuple[Asset, AssetCheck | None]]:
    """Every asset of the round the user can see, with its check (None: not checked, flagged)."""
    asked = _within(user, region)
    county = check_round.county_id
    if asked is None or not (asked.startswith(county) or county.startswith(asked)):
        return []
    prefix = max(asked, county, key=len)
    assets = list(assets_due(prefix, check_round.year).select_related("village"))
    found = {c.asset_id: c for c in check_round.checks.filter(asset__in=[a.pk for a in assets])}
    return [(a, found.get(a.pk)) for a in assets]


def check_round_figures(*, user: User, check_round: CheckRound) -> CheckFigures:
    own = user.region_prefix or ""
    prefix = own if own.startswith(check_round.county_id) else check_round.county_id
    return check_figures(prefix, check_round.year)


# ---------------------------------------------------------------- 联村共建


def village_group_list(
    *, user: User, region: str | None = None, year: int | None = None
) -> QuerySet[VillageGroup]:
    """Groups with a member village in the region (a village sees the groups it is in)."""
    prefix = _within(user, region)
    if prefix is None:
        return VillageGroup.objects.none()
    ids = VillageGroup.objects.filter(region_q("villages__code", prefix)).values("pk")
    qs = (
        VillageGroup.objects.filter(pk__in=ids)
        .select_related("county", "lead_village")
        .prefetch_related("villages", "projects", "entities")
    )
    return qs.filter(year=year) if year else qs


@dataclass(frozen=True)
class GroupCounts:
    county: str
    name: str
    groups: int
    villages: int
    projects: int
    entities: int

    def as_json(self) -> dict[str, Any]:
        return {
            "county_code": self.county,
            "county_name": self.name,
            "groups": self.groups,
            "villages": self.villages,
            "projects": self.projects,
            "entities": self.entities,
        }


def group_counts(groups: QuerySet[VillageGroup]) -> list[GroupCounts]:
    """Per county: groups, distinct villages in them, linked projects and entities."""
    by_county: dict[str, dict[str, set[Any]]] = {}
    for g in groups:
        row = by_county.setdefault(
            g.county_id, {"groups": set(), "villages": set(), "projects": set(), "entities": set()}
        )
        row["groups"].add(g.pk)
        row["villages"] |= {v.code for v in g.villages.all()}
        row["projects"] |= {p.pk for p in g.projects.all()}
        row["entities"] |= {e.pk for e in g.entities.all()}
    names = dict(Region.objects.filter(code__in=by_county).values_list("code", "name"))
    return [
        GroupCounts(
            county=code,
            name=names.get(code, code),
            groups=len(row["groups"]),
            villages=len(row["villages"]),
            projects=len(row["projects"]),
            entities=len(row["entities"]),
        )
        for code, row in sorted(by_county.items())
    ]


# ---------------------------------------------------------------- the panel's figures


@dataclass(frozen=True)
class AssetWork:
    """Asset income distributed, disposals, check coverage and groups of a region in a year."""

    income: Decimal
    distributed: Decimal
    distributed_households: int
    disposals_open: int
    disposals_approved: int
    disposals_rejected: int
    check: CheckFigures
    groups: int
    group_villages: int

    def as_json(self) -> dict[str, Any]:
        return {
            "income": f"{self.income:.2f}",
            "distributed": f"{self.distributed:.2f}",
            "distributed_households": self.distributed_households,
            "disposals_open": self.disposals_open,
            "disposals_approved": self.disposals_approved,
            "disposals_rejected": self.disposals_rejected,
            "check": self.check.as_json(),
            "groups": self.groups,
            "group_villages": self.group_villages,
        }


def asset_work_figures(prefix: str, year: int) -> AssetWork:
    incomes = AssetIncome.objects.filter(region_q("asset__village_id", prefix), year=year)
    links = BenefitLink.objects.filter(
        region_q("household__village_id", prefix), asset_income__isnull=False, year=year
    )
    disposals = AssetDisposal.objects.filter(region_q("asset__village_id", prefix))
    decided = disposals.filter(decided_on__year=year)
    groups = VillageGroup.objects.filter(
        pk__in=VillageGroup.objects.filter(region_q("villages__code", prefix)).values("pk"),
        year=year,
    )
    villages = (
        VillageGroup.villages.through.objects.filter(villagegroup__in=groups)
        .filter(region_q("region_id", prefix))
        .values("region_id")
        .distinct()
        .count()
    )
    return AssetWork(
        income=incomes.aggregate(s=Sum("amount"))["s"] or ZERO,
        distributed=links.aggregate(s=Sum("amount"))["s"] or ZERO,
        distributed_households=links.values("household_id").distinct().count(),
        disposals_open=disposals.filter(state__in=OPEN_DISPOSAL_STATES).count(),
        disposals_approved=decided.filter(state=DisposalState.APPROVED).count(),
        disposals_rejected=decided.filter(state=DisposalState.REJECTED).count(),
        check=check_figures(prefix, year),
        groups=groups.count(),
        group_villages=villages,
    )
