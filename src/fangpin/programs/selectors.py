"""Reads of the programs app, always scoped by the user's region (core.scoping).

The figures (funds summary, workshops, 三有一持续 shares, the panel) are computed for a region
prefix by `*_figures` functions that take no user: the scoped readers resolve the region
through the user's scope first, and the indicator formulas (which have no user) call them
directly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet, Sum

from fangpin.core.scoping import region_q
from fangpin.core.tally import Kept, kept_figures
from fangpin.regions.models import Region
from fangpin.regions.selectors import region_get, scoped_in_region
from fangpin.registry.models import Household

from .models import (
    Asset,
    BenefitKind,
    BenefitLink,
    Entity,
    FundAllocation,
    FundLevel,
    Project,
    ProjectStatus,
    Purpose,
    Talent,
    Workshop,
)
from .selectors_assets import AssetWork, asset_work_figures
from .three_haves import Shares, ThreeHaves, evaluate, region_shares, targets

if TYPE_CHECKING:
    from fangpin.accounts.models import User

FOUR = Decimal("0.0001")
ZERO = Decimal("0.00")


def money(value: Decimal | None) -> str:
    return f"{(value or ZERO):.2f}"


def place(*, user: User, code: str | None) -> Region:
    """The region asked for (the user's own by default), 404 outside the user's scope."""
    return region_get(user=user, code=code or user.region_id or "")


# ---------------------------------------------------------------- funds


def fund_allocation_list(
    *, user: User, region: str | None = None, year: int | None = None
) -> QuerySet[FundAllocation]:
    qs = scoped_in_region(FundAllocation.objects.select_related("county"), user, region)
    return qs.filter(year=year) if year else qs


@dataclass(frozen=True)
class FundsSummary:
    region: str
    year: int
    total: Decimal
    by_level: dict[str, Decimal]
    by_purpose: dict[str, Decimal]
    industry_share: Decimal | None
    previous_year_total: Decimal
    change_rate: Decimal | None

    def as_json(self) -> dict[str, Any]:
        return {
            "region": self.region,
            "year": self.year,
            "total": money(self.total),
            "by_level": {k: money(v) for k, v in self.by_level.items()},
            "by_purpose": {k: money(v) for k, v in self.by_purpose.items()},
            "industry_share": None if self.industry_share is None else float(self.industry_share),
            "previous_year_total": money(self.previous_year_total),
            "change_rate": None if self.change_rate is None else float(self.change_rate),
        }


def funds_figures(prefix: str, code: str, year: int) -> FundsSummary:
    rows = FundAllocation.objects.filter(
        region_q("county__prefix_code", prefix), year__in=[year, year - 1]
    )
    by_level = {level: ZERO for level in FundLevel.values}
    by_purpose = {purpose: ZERO for purpose in Purpose.values}
    previous = ZERO
    for y, level, purpose, amount in rows.values_list("year", "level", "purpose", "amount"):
        if y == year:
            by_level[level] += amount
            by_purpose[purpose] += amount
        else:
            previous += amount
    total = sum(by_level.values(), ZERO)
    industry = (
        (by_purpose[Purpose.INDUSTRY] / total).quantize(FOUR, ROUND_HALF_UP) if total else None
    )
    change = ((total - previous) / previous).quantize(FOUR, ROUND_HALF_UP) if previous else None
    return FundsSummary(
        region=code,
        year=year,
        total=total,
        by_level=by_level,
        by_purpose=by_purpose,
        industry_share=industry,
        previous_year_total=previous,
        change_rate=change,
    )


def funds_summary(*, user: User, region: str | None, year: int) -> FundsSummary:
    where = place(user=user, code=region)
    return funds_figures(_prefix(user, where), where.code, year)


def _prefix(user: User, where: Region) -> str:
    # A region above the user's own (never reached: region_get refuses it) would widen scope.
    own = user.region_prefix or where.prefix
    return where.prefix if where.prefix.startswith(own) else own


# ---------------------------------------------------------------- projects and assets


def project_list(
    *, user: User, region: str | None = None, year: int | None = None
) -> QuerySet[Project]:
    qs = scoped_in_region(Project.objects.select_related("village"), user, region)
    return qs.filter(year=year) if year else qs


def project_lagging(project: Project, today: dt.date) -> bool:
    """Spending behind schedule: a project under way (or finished) that has spent less of its
    budget than the share of its year gone by (all of it once the year is over)."""
    if project.status not in (ProjectStatus.IN_PROGRESS, ProjectStatus.COMPLETED):
        return False
    if not project.budget or project.year > today.year:
        return False
    expected = Decimal(1) if project.year < today.year else Decimal(today.month) / Decimal(12)
    return project.spent / project.budget < expected


def asset_list(
    *, user: User, region: str | None = None, rights_complete: bool | None = None
) -> QuerySet[Asset]:
    qs = scoped_in_region(Asset.objects.select_related("village"), user, region)
    return qs if rights_complete is None else qs.filter(rights_complete=rights_complete)


def entity_list(*, user: User, region: str | None = None) -> QuerySet[Entity]:
    return scoped_in_region(Entity.objects.select_related("county"), user, region)


def benefit_link_list(
    *, user: User, region: str | None = None, year: int | None = None
) -> QuerySet[BenefitLink]:
    qs = scoped_in_region(BenefitLink.objects.select_related("entity", "household"), user, region)
    return qs.filter(year=year) if year else qs


# ---------------------------------------------------------------- workshops and talents


def _working(today: dt.date, extra: Q | None = None) -> Count:
    on = Q(workers__starts_on__lte=today) & (
        Q(workers__ends_on__isnull=True) | Q(workers__ends_on__gte=today)
    )
    return Count("workers", filter=on & extra if extra is not None else on, distinct=True)


def with_worker_counts(qs: QuerySet[Workshop], today: dt.date) -> QuerySet[Workshop]:
    """Workers at work today, and those of them from 脱贫户."""
    return qs.annotate(
        n_workers=_working(today),
        n_alleviated=_working(today, Q(workers__household__is_alleviated=True)),
    )


def workshop_list(*, user: User, region: str | None = None, today: dt.date) -> QuerySet[Workshop]:
    qs = scoped_in_region(Workshop.objects.select_related("village"), user, region)
    return with_worker_counts(qs, today)


def talent_list(*, user: User, region: str | None = None) -> QuerySet[Talent]:
    return scoped_in_region(Talent.objects.select_related("origin_village"), user, region)


def three_haves_list(
    *, user: User, region: str | None, today: dt.date
) -> list[tuple[Household, ThreeHaves]]:
    """Each target household of the region with its 三有一持续, in village order."""
    qs = scoped_in_region(targets().select_related("village"), user, region)
    households = list(qs.order_by("village_id", "number"))
    found = evaluate([h.pk for h in households], today)
    return [(h, found[h.pk]) for h in households]


# ---------------------------------------------------------------- the panel


@dataclass(frozen=True)
class Panel:
    """The programs panel of a region: the seed's kind of figures."""

    region: str
    name: str
    year: int
    funds: FundsSummary
    projects: int
    projects_budget: Decimal
    projects_spent: Decimal
    spending_progress: Decimal
    projects_lagging: int
    assets: int
    assets_value: Decimal
    assets_incomplete: int
    entities: int
    entities_leading: int
    linked_households: int
    links_amount: dict[str, Decimal]
    workshops: int
    workshop_workers: int
    workshop_alleviated_workers: int
    workshops_flagged: int
    talents: int
    talents_returned: int
    three_haves: Shares
    asset_work: AssetWork  # asset income distributed, disposals, yearly check, 联村共建
    # When the 三有一持续 shares were counted, if kept from an earlier view (core.tally).
    three_haves_counted_at: dt.datetime | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "region": self.region,
            "name": self.name,
            "year": self.year,
            "funds": self.funds.as_json(),
            "projects": self.projects,
            "projects_budget": money(self.projects_budget),
            "projects_spent": money(self.projects_spent),
            "spending_progress": float(self.spending_progress),
            "projects_lagging": self.projects_lagging,
            "assets": self.assets,
            "assets_value": money(self.assets_value),
            "assets_incomplete": self.assets_incomplete,
            "entities": self.entities,
            "entities_leading": self.entities_leading,
            "linked_households": self.linked_households,
            "links_amount": {k: money(v) for k, v in self.links_amount.items()},
            "workshops": self.workshops,
            "workshop_workers": self.workshop_workers,
            "workshop_alleviated_workers": self.workshop_alleviated_workers,
            "workshops_flagged": self.workshops_flagged,
            "talents": self.talents,
            "talents_returned": self.talents_returned,
            "three_haves": self.three_haves.as_json(),
            "asset_work": self.asset_work.as_json(),
        }


def workshop_figures(prefix: str, today: dt.date, minimum: int) -> tuple[int, int, int, int]:
    """(workshops, workers, 脱贫 workers, workshops with fewer than `minimum` 脱贫 workers)."""
    rows = with_worker_counts(Workshop.objects.filter(region_q("village_id", prefix)), today)
    counts = [(getattr(w, "n_workers", 0), getattr(w, "n_alleviated", 0)) for w in rows]
    return (
        len(counts),
        sum(c[0] for c in counts),
        sum(c[1] for c in counts),
        sum(1 for c in counts if c[1] < minimum),
    )


def spending_figures(prefix: str, year: int) -> tuple[int, Decimal, Decimal, Decimal]:
    agg = Project.objects.filter(region_q("village_id", prefix), year=year).aggregate(
        n=Count("id"), budget=Sum("budget"), spent=Sum("spent")
    )
    budget, spent = agg["budget"] or ZERO, agg["spent"] or ZERO
    return agg["n"], budget, spent, share_money(spent, budget)


def share_money(part: Decimal, whole: Decimal) -> Decimal:
    return (part / whole).quantize(FOUR, ROUND_HALF_UP) if whole else Decimal("0.0000")


def kept_shares(where: Region, today: dt.date) -> Kept[Shares]:
    """The region's 三有一持续 shares, kept for an hour above the township (core.tally)."""
    return kept_figures(
        where,
        "three_haves",
        today,
        count=lambda: region_shares(where.prefix, today),
        dump=asdict,
        load=lambda kept: Shares(**kept),
    )


def panel_figures(
    where: Region, prefix: str, year: int, today: dt.date, *, kept: bool = False
) -> Panel:
    """The panel's figures; with `kept`, the 三有一持续 shares may come from an earlier view
    (the panel page: evaluating every target household of a county is the costly part)."""
    from fangpin.policy.services import parameter_int

    minimum = parameter_int("workshop_min_alleviated_workers")
    n_projects, budget, spent, progress = spending_figures(prefix, year)
    projects = Project.objects.filter(region_q("village_id", prefix), year=year)
    lagging = sum(
        1 for p in projects.only("status", "budget", "spent", "year") if project_lagging(p, today)
    )
    assets = Asset.objects.filter(region_q("village_id", prefix))
    asset_agg = assets.aggregate(n=Count("id"), value=Sum("value"))
    entities = Entity.objects.filter(region_q("county__prefix_code", prefix))
    links = BenefitLink.objects.filter(region_q("household__village_id", prefix), year=year)
    amounts = {kind: ZERO for kind in BenefitKind.values}
    for kind, total in links.values("kind").annotate(t=Sum("amount")).values_list("kind", "t"):
        amounts[kind] = total
    workshops, workers, alleviated, flagged = workshop_figures(prefix, today, minimum)
    talents = Talent.objects.filter(region_q("origin_village_id", prefix))
    shares = (
        kept_shares(where, today)
        if kept and prefix == where.prefix
        else Kept(region_shares(prefix, today))
    )
    return Panel(
        region=where.code,
        name=where.name,
        year=year,
        funds=funds_figures(prefix, where.code, year),
        projects=n_projects,
        projects_budget=budget,
        projects_spent=spent,
        spending_progress=progress,
        projects_lagging=lagging,
        assets=asset_agg["n"],
        assets_value=asset_agg["value"] or ZERO,
        assets_incomplete=assets.filter(rights_complete=False).count(),
        entities=entities.count(),
        entities_leading=entities.filter(type="enterprise").count(),
        linked_households=links.values("household_id").distinct().count(),
        links_amount=amounts,
        workshops=workshops,
        workshop_workers=workers,
        workshop_alleviated_workers=alleviated,
        workshops_flagged=flagged,
        talents=talents.count(),
        talents_returned=talents.filter(returned=True).count(),
        three_haves=shares.value,
        asset_work=asset_work_figures(prefix, year),
        three_haves_counted_at=shares.counted_at,
    )


def panel(
    *, user: User, region: str | None, year: int, today: dt.date, kept: bool = False
) -> Panel:
    where = place(user=user, code=region)
    return panel_figures(where, _prefix(user, where), year, today, kept=kept)
