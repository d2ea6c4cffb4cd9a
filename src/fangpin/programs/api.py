"""API of CONTRACT §8: funds, projects, assets, entities, benefit links, workshops, talents;
and the derived figures (三有一持续, the programs panel). Thin: selectors and services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from fangpin.auth import AuthedRequest
from fangpin.core.bounds import Id, SmallCount, Text16, Text20, Text64, Text100, Text200, Year, Yuan
from fangpin.core.errors import NotFound
from fangpin.core.scoping import get_scoped
from fangpin.policy.services import parameter_int
from fangpin.registry.models import Household

from . import selectors, services
from .api_employment import router as employment_router
from .models import Asset, BenefitLink, Entity, FundAllocation, Project, Talent, Workshop
from .models.assets import RIGHTS
from .three_haves import evaluate

router = Router(tags=["项目资金与产业就业"])
router.add_router("", "fangpin.programs.api_assets.router")  # asset income, disposal, check, groups
PAGE_SIZE = 50


def _today() -> dt.date:
    return timezone.localdate()


def _page(qs: QuerySet[Any], page: int, out: Any) -> dict[str, Any]:
    page = min(max(page, 1), 100_000)
    start = (page - 1) * PAGE_SIZE
    return {
        "items": [out(o) for o in qs[start : start + PAGE_SIZE]],
        "count": qs.count(),
        "page": page,
        "page_size": PAGE_SIZE,
    }


class Page(Schema):
    items: list[dict[str, Any]]
    count: int
    page: int
    page_size: int


class FundOut(Schema):
    id: int
    year: int
    level: str
    county_code: str
    county_name: str
    purpose: str
    amount: str = Field(description="金额(元,两位小数)")
    note: str


class FundPage(Page):
    items: list[FundOut]  # type: ignore[assignment]


class FundsSummaryOut(Schema):
    region: str
    year: int
    total: str = Field(description="当年资金总额(元)")
    by_level: dict[str, str] = Field(description="central / provincial / city / county 各级金额")
    by_purpose: dict[str, str]
    industry_share: float | None = Field(description="产业发展资金占比,4 位小数;无资金时为 null")
    previous_year_total: str
    change_rate: float | None = Field(description="较上年增减,4 位小数;上年无资金时为 null")


class ProjectOut(Schema):
    id: int
    name: str
    type: str
    year: int
    village_code: str
    village_name: str
    budget: str
    spent: str
    spending_progress: float = Field(description="已支出 ÷ 预算,4 位小数")
    lagging: bool = Field(description="支出滞后于进度(实施中或已完工,支出比例低于当年已过的比例)")
    fund_allocation_id: int | None
    status: str
    households_benefiting: int


class ProjectPage(Page):
    items: list[ProjectOut]  # type: ignore[assignment]


class AssetOut(Schema):
    id: int
    name: str
    class_: str = Field(alias="class")
    value: str
    village_code: str
    village_name: str
    project_id: int | None
    rights: dict[str, str] = Field(description="六权各自的责任方,空串为未明确")
    rights_complete: bool
    missing_rights: list[str]


class AssetPage(Page):
    items: list[AssetOut]  # type: ignore[assignment]


class WorkshopOut(Schema):
    id: int
    name: str
    type: str
    village_code: str
    village_name: str
    owner: str
    workers: int = Field(description="今日在岗务工人数")
    alleviated_workers: int = Field(description="其中脱贫户人员")
    flag_few_alleviated: bool = Field(description="吸纳脱贫人口少于 5 人(政策参数)")


class WorkshopPage(Page):
    items: list[WorkshopOut]  # type: ignore[assignment]


class TalentOut(Schema):
    id: int
    name: str
    origin_village_code: str
    origin_village_name: str
    skill: str
    location: str
    returned: bool
    phone: str
    project: str


class TalentPage(Page):
    items: list[TalentOut]  # type: ignore[assignment]


class ThreeHavesOut(Schema):
    household_id: int
    industry: bool
    employment: bool
    income: bool
    all_three: bool
    sustained: bool = Field(description="三者在最近 N 个月(政策参数)一直保持")


class RegionQuery(Schema):
    region: str | None = None
    page: int = 1


class YearQuery(RegionQuery):
    year: int | None = None


# ---------------------------------------------------------------- funds


class FundIn(Schema):
    year: Year
    level: Text16 = Field(description="central | provincial | city | county")
    county_code: Text20
    purpose: Text16 = Field(
        description="industry(产业发展) | employment | infrastructure | public_service | other"
    )
    amount: Yuan
    note: Text200 = ""


def fund_out(f: FundAllocation) -> dict[str, Any]:
    return {
        "id": f.pk,
        "year": f.year,
        "level": f.level,
        "county_code": f.county_id,
        "county_name": f.county.name,
        "purpose": f.purpose,
        "amount": selectors.money(f.amount),
        "note": f.note,
    }


@router.post("/fund-allocations", response={201: FundOut}, summary="登记衔接资金")
def fund_create(request: AuthedRequest, body: FundIn) -> Status[dict[str, Any]]:
    allocation = services.fund_allocation_create(user=request.auth, **body.dict())
    return Status(201, fund_out(allocation))


@router.get("/fund-allocations", response=FundPage, summary="衔接资金列表")
def fund_index(request: AuthedRequest, q: Query[YearQuery]) -> dict[str, Any]:
    qs = selectors.fund_allocation_list(user=request.auth, region=q.region, year=q.year)
    return _page(qs, q.page, fund_out)


class SummaryQuery(Schema):
    region: str | None = None
    year: int | None = None


@router.get(
    "/funds/summary",
    response=FundsSummaryOut,
    summary="衔接资金汇总(总额、分级、产业占比、同比)",
)
def funds_summary(request: AuthedRequest, q: Query[SummaryQuery]) -> dict[str, Any]:
    year = q.year or _today().year
    return selectors.funds_summary(user=request.auth, region=q.region, year=year).as_json()


# ---------------------------------------------------------------- projects


class ProjectIn(Schema):
    name: Text200
    type: Text16 = Field(
        description="industry | employment | infrastructure | public_service | other"
    )
    year: Year
    village_code: Text20
    budget: Yuan
    fund_allocation_id: Id | None = None
    status: Text16 = Field("planned", description="planned | in_progress | completed | suspended")
    households_benefiting: SmallCount = 0


def project_out(p: Project) -> dict[str, Any]:
    return {
        "id": p.pk,
        "name": p.name,
        "type": p.type,
        "year": p.year,
        "village_code": p.village_id,
        "village_name": p.village.name,
        "budget": selectors.money(p.budget),
        "spent": selectors.money(p.spent),
        "spending_progress": float(selectors.share_money(p.spent, p.budget)),
        "lagging": selectors.project_lagging(p, _today()),
        "fund_allocation_id": p.fund_allocation_id,
        "status": p.status,
        "households_benefiting": p.households_benefiting,
    }


@router.post("/projects", response={201: ProjectOut}, summary="项目入库")
def project_create(request: AuthedRequest, body: ProjectIn) -> Status[dict[str, Any]]:
    return Status(201, project_out(services.project_create(user=request.auth, **body.dict())))


@router.get("/projects", response=ProjectPage, summary="项目库(支出滞后的项目标记 lagging)")
def project_index(request: AuthedRequest, q: Query[YearQuery]) -> dict[str, Any]:
    qs = selectors.project_list(user=request.auth, region=q.region, year=q.year)
    return _page(qs, q.page, project_out)


class SpendingIn(Schema):
    amount: Yuan
    spent_on: dt.date | None = None


@router.post("/projects/{project_id}/spendings", response={201: ProjectOut}, summary="登记项目支出")
def project_spend(
    request: AuthedRequest, project_id: int, body: SpendingIn
) -> Status[dict[str, Any]]:
    spending = services.project_spending_record(
        user=request.auth, project_id=project_id, amount=body.amount, spent_on=body.spent_on
    )
    return Status(201, project_out(spending.project))


# ---------------------------------------------------------------- assets


class RightsIn(Schema):
    ownership: Text100 | None = None
    operation: Text100 | None = None
    management: Text100 | None = None
    income: Text100 | None = None
    supervision: Text100 | None = None
    disposal: Text100 | None = None


class AssetIn(Schema):
    name: Text200
    class_: Text16 = Field(alias="class", description="operating | public_welfare | household")
    value: Yuan
    village_code: Text20
    project_id: Id | None = None
    rights: RightsIn = Field(default_factory=RightsIn)


def asset_out(a: Asset) -> dict[str, Any]:
    return {
        "id": a.pk,
        "name": a.name,
        "class": a.asset_class,
        "value": selectors.money(a.value),
        "village_code": a.village_id,
        "village_name": a.village.name,
        "project_id": a.project_id,
        "rights": a.rights(),
        "rights_complete": a.rights_complete,
        "missing_rights": [key for key, _ in RIGHTS if not getattr(a, key)],
    }


@router.post("/assets", response={201: AssetOut}, by_alias=True, summary="登记项目资产(六权)")
def asset_create(request: AuthedRequest, body: AssetIn) -> Status[dict[str, Any]]:
    asset = services.asset_create(
        user=request.auth,
        name=body.name,
        asset_class=body.class_,
        value=body.value,
        village_code=body.village_code,
        project_id=body.project_id,
        rights=body.rights.dict(),
    )
    return Status(201, asset_out(asset))


class AssetQuery(RegionQuery):
    rights_complete: bool | None = None


@router.get(
    "/assets",
    response=AssetPage,
    by_alias=True,
    summary="项目资产(rights_complete=false 为六权未明晰)",
)
def asset_index(request: AuthedRequest, q: Query[AssetQuery]) -> dict[str, Any]:
    qs = selectors.asset_list(user=request.auth, region=q.region, rights_complete=q.rights_complete)
    return _page(qs, q.page, asset_out)


# ---------------------------------------------------------------- entities and links


class EntityIn(Schema):
    name: Text200
    type: Text16 = Field(
        description="enterprise(龙头企业) | cooperative | family_farm | large_household | other"
    )
    county_code: Text20
    level: Text16 | None = Field(None, description="national | provincial | city | county")
    industry: Text64 = ""


def entity_out(e: Entity) -> dict[str, Any]:
    return {
        "id": e.pk,
        "name": e.name,
        "type": e.type,
        "county_code": e.county_id,
        "level": e.level,
        "industry": e.industry,
    }


@router.post("/entities", response={201: dict[str, Any]}, summary="登记经营主体")
def entity_create(request: AuthedRequest, body: EntityIn) -> Status[dict[str, Any]]:
    entity = services.entity_create(user=request.auth, **body.dict())
    return Status(201, entity_out(entity))


@router.get("/entities", response=Page, summary="经营主体列表")
def entity_index(request: AuthedRequest, q: Query[RegionQuery]) -> dict[str, Any]:
    return _page(selectors.entity_list(user=request.auth, region=q.region), q.page, entity_out)


class LinkIn(Schema):
    household_id: Id
    entity_id: Id
    kind: Text16 = Field(description="rent | wage | dividend | asset_income")
    year: Year
    amount: Yuan


def link_out(link: BenefitLink) -> dict[str, Any]:
    return {
        "id": link.pk,
        "household_id": link.household_id,
        "entity_id": link.entity_id,  # null for a share of an asset's income
        "entity_name": link.entity.name if link.entity else "",
        "asset_income_id": link.asset_income_id,
        "kind": link.kind,
        "year": link.year,
        "amount": selectors.money(link.amount),
    }


@router.post(
    "/benefit-links",
    response={201: dict[str, Any]},
    summary="登记联农带农(四金),计入该户当年收入",
)
def link_create(request: AuthedRequest, body: LinkIn) -> Status[dict[str, Any]]:
    return Status(201, link_out(services.benefit_link_create(user=request.auth, **body.dict())))


@router.get("/benefit-links", response=Page, summary="联农带农列表")
def link_index(request: AuthedRequest, q: Query[YearQuery]) -> dict[str, Any]:
    qs = selectors.benefit_link_list(user=request.auth, region=q.region, year=q.year)
    return _page(qs, q.page, link_out)


# ---------------------------------------------------------------- workshops and talents


class WorkshopIn(Schema):
    name: Text200
    type: Text16 = Field(description="factory | home | farming | trade | tourism")
    village_code: Text20
    owner: Text200


def _minimum() -> int:
    return parameter_int("workshop_min_alleviated_workers")


def workshop_out(w: Workshop, minimum: int) -> dict[str, Any]:
    alleviated = getattr(w, "n_alleviated", 0)
    return {
        "id": w.pk,
        "name": w.name,
        "type": w.type,
        "village_code": w.village_id,
        "village_name": w.village.name,
        "owner": w.owner,
        "workers": getattr(w, "n_workers", 0),
        "alleviated_workers": alleviated,
        "flag_few_alleviated": alleviated < minimum,
    }


def _workshop(request: AuthedRequest, pk: int) -> dict[str, Any]:
    qs = selectors.workshop_list(user=request.auth, today=_today()).filter(pk=pk)
    found = qs.first()
    if found is None:
        raise NotFound()
    return workshop_out(found, _minimum())


@router.post("/workshops", response={201: WorkshopOut}, summary="登记帮扶车间")
def workshop_create(request: AuthedRequest, body: WorkshopIn) -> Status[dict[str, Any]]:
    workshop = services.workshop_create(user=request.auth, **body.dict())
    return Status(201, _workshop(request, workshop.pk))


class WorkerIn(Schema):
    person_id: Id
    starts_on: dt.date
    monthly_wage: Yuan
    ends_on: dt.date | None = None


@router.post(
    "/workshops/{workshop_id}/workers",
    response={201: dict[str, Any]},
    summary="车间吸纳务工人员(工资计入其家庭工资性收入)",
)
def worker_add(request: AuthedRequest, workshop_id: int, body: WorkerIn) -> Status[dict[str, Any]]:
    worker = services.workshop_worker_add(user=request.auth, workshop_id=workshop_id, **body.dict())
    out = {
        "id": worker.pk,
        "person_id": worker.person_id,
        "household_id": worker.household_id,
        "starts_on": worker.starts_on,
        "ends_on": worker.ends_on,
        "monthly_wage": selectors.money(worker.monthly_wage),
        "workshop": _workshop(request, workshop_id),
    }
    return Status(201, out)


class WorkerEndIn(Schema):
    ends_on: dt.date


@router.post(
    "/workshops/{workshop_id}/workers/{worker_id}/actions/end",
    response=WorkshopOut,
    summary="务工人员离岗(其家庭工资性收入随之调整)",
)
def worker_end(
    request: AuthedRequest, workshop_id: int, worker_id: int, body: WorkerEndIn
) -> dict[str, Any]:
    services.workshop_worker_end(
        user=request.auth, workshop_id=workshop_id, worker_id=worker_id, ends_on=body.ends_on
    )
    return _workshop(request, workshop_id)


@router.get("/workshops", response=WorkshopPage, summary="帮扶车间(吸纳脱贫人口不足 5 人的标记)")
def workshop_index(request: AuthedRequest, q: Query[RegionQuery]) -> dict[str, Any]:
    qs = selectors.workshop_list(user=request.auth, region=q.region, today=_today())
    minimum = _minimum()
    return _page(qs, q.page, lambda w: workshop_out(w, minimum))


class TalentIn(Schema):
    name: Text64
    origin_village_code: Text20
    skill: Text100
    location: Text100 = ""
    returned: bool = False
    phone: Text20 = ""
    project: Text200 = ""


def talent_out(t: Talent) -> dict[str, Any]:
    return {
        "id": t.pk,
        "name": t.name,
        "origin_village_code": t.origin_village_id,
        "origin_village_name": t.origin_village.name,
        "skill": t.skill,
        "location": t.location,
        "returned": t.returned,
        "phone": t.phone,
        "project": t.project,
    }


@router.post("/talents", response={201: TalentOut}, summary="登记人才")
def talent_create(request: AuthedRequest, body: TalentIn) -> Status[dict[str, Any]]:
    return Status(201, talent_out(services.talent_create(user=request.auth, **body.dict())))


@router.get("/talents", response=TalentPage, summary="人才库")
def talent_index(request: AuthedRequest, q: Query[RegionQuery]) -> dict[str, Any]:
    return _page(selectors.talent_list(user=request.auth, region=q.region), q.page, talent_out)


# ---------------------------------------------------------------- derived figures


@router.get(
    "/three-haves/households/{household_id}",
    response=ThreeHavesOut,
    summary="一户的三有一持续(有产业、有就业、有收入、持续)",
)
def three_haves_household(request: AuthedRequest, household_id: int) -> dict[str, Any]:
    household = get_scoped(Household.objects.all(), request.auth, pk=household_id)
    return evaluate([household.pk], _today())[household.pk].as_json()


@router.get("/programs/panel", response=dict[str, Any], summary="项目资金与产业就业看板数据")
def programs_panel(request: AuthedRequest, q: Query[SummaryQuery]) -> dict[str, Any]:
    year = q.year or _today().year
    return selectors.panel(user=request.auth, region=q.region, year=year, today=_today()).as_json()


# The employment half (labour force, training, transfer employment, public-welfare jobs).
router.add_router("", employment_router)
