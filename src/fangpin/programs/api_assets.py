"""API of asset income and its distribution, disposals, the yearly check (年度清查) and
联村共建 groups. Thin: selectors_assets and services_assets."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from fangpin.auth import AuthedRequest
from fangpin.core.bounds import Id, Text20, Text64, Text200, Year, Yuan
from fangpin.core.scoping import get_scoped

from . import disposal as flow
from . import selectors_assets as selectors
from . import services_assets as services
from .models import AssetCheck, AssetDisposal, AssetIncome, CheckRound, VillageGroup
from .selectors import money

router = Router(tags=["项目资产收益、处置、清查与联村共建"])
PAGE_SIZE = 50


def _page(items: list[Any], count: int, page: int) -> dict[str, Any]:
    return {"items": items, "count": count, "page": page, "page_size": PAGE_SIZE}


def _slice(qs: Any, page: int) -> tuple[list[Any], int, int]:
    page = min(max(page, 1), 100_000)
    start = (page - 1) * PAGE_SIZE
    return list(qs[start : start + PAGE_SIZE]), qs.count(), page


class RegionYearQuery(Schema):
    region: str | None = None
    year: int | None = None
    page: int = 1


# ---------------------------------------------------------------- income and distribution


class IncomeIn(Schema):
    year: Year
    amount: Yuan
    source: Text200 = Field(description="收益来源,如“冷库出租租金”")
    received_on: dt.date | None = None


class ShareIn(Schema):
    household_id: Id
    amount: Yuan


class DistributionIn(Schema):
    rule: Literal["equal", "list"] = Field(
        description="equal:本村脱贫户和监测户平均分配;list:按 shares 名单分配"
    )
    total: Yuan | None = Field(None, description="equal 时分配的总额,默认为该笔收益全部")
    shares: list[ShareIn] = Field(default_factory=list, max_length=5000)


class ShareOut(Schema):
    household_id: int
    household_number: str
    amount: str
    benefit_link_id: int


class IncomeOut(Schema):
    id: int
    asset_id: int
    asset_name: str
    village_code: str
    year: int
    amount: str
    source: str
    received_on: dt.date
    rule: str = Field(description="最近一次分配方式;空串为尚未分配")
    distributed: str = Field(description="已分配到户的金额合计(元)")
    undistributed: str
    households: int
    shares: list[ShareOut] | None = Field(None, description="仅单笔收益的应答列出")


class IncomePage(Schema):
    items: list[IncomeOut]
    count: int
    page: int
    page_size: int


def income_out(income: AssetIncome, *, with_shares: bool = False) -> dict[str, Any]:
    if with_shares or not hasattr(income, "distributed"):
        links = selectors.asset_income_shares(income)
        distributed = sum((link.amount for link in links), income.amount * 0)
        households = len(links)
    else:
        links = []
        distributed = getattr(income, "distributed", None) or income.amount * 0
        households = getattr(income, "households", 0)
    return {
        "id": income.pk,
        "asset_id": income.asset_id,
        "asset_name": income.asset.name,
        "village_code": income.asset.village_id,
        "year": income.year,
        "amount": money(income.amount),
        "source": income.source,
        "received_on": income.received_on,
        "rule": income.rule,
        "distributed": money(distributed),
        "undistributed": money(income.amount - distributed),
        "households": households,
        "shares": [
            {
                "household_id": link.household_id,
                "household_number": link.household.number,
                "amount": money(link.amount),
                "benefit_link_id": link.pk,
            }
            for link in links
        ]
        if with_shares
        else None,
    }


@router.post("/assets/{asset_id}/incomes", response={201: IncomeOut}, summary="登记资产收益")
def income_create(request: AuthedRequest, asset_id: int, body: IncomeIn) -> Status[dict[str, Any]]:
    income = services.asset_income_record(user=request.auth, asset_id=asset_id, **body.dict())
    return Status(201, income_out(income, with_shares=True))


@router.get("/asset-incomes", response=IncomePage, summary="资产收益列表(含已分配金额)")
def income_index(request: AuthedRequest, q: Query[RegionYearQuery]) -> dict[str, Any]:
    qs = selectors.asset_income_list(user=request.auth, region=q.region, year=q.year)
    rows, count, page = _slice(qs, q.page)
    return _page([income_out(i) for i in rows], count, page)


def _income(request: AuthedRequest, income_id: int) -> AssetIncome:
    return get_scoped(AssetIncome.objects.select_related("asset"), request.auth, pk=income_id)


@router.get("/asset-incomes/{income_id}", response=IncomeOut, summary="一笔资产收益及其分配")
def income_detail(request: AuthedRequest, income_id: int) -> dict[str, Any]:
    return income_out(_income(request, income_id), with_shares=True)


@router.put(
    "/asset-incomes/{income_id}/distribution",
    response=IncomeOut,
    summary="分配资产收益到户(计入各户当年财产性收入;同一分配重复提交只办理一次)",
)
def income_distribute(
    request: AuthedRequest, income_id: int, body: DistributionIn
) -> dict[str, Any]:
    services.asset_income_distribute(
        user=request.auth,
        income_id=income_id,
        rule=body.rule,
        total=body.total,
        shares=[s.dict() for s in body.shares],
    )
    return income_out(_income(request, income_id), with_shares=True)


# ---------------------------------------------------------------- disposal


class DisposalIn(Schema):
    kind: Literal["sell", "scrap", "transfer"] = Field(
        description="sell 出售 | scrap 报废 | transfer 移交"
    )
    reason: Text200
    value: Yuan
    recipient: Text200 = Field("", description="受让或接收方(出售、移交时必填)")
    requested_on: dt.date | None = None


class DisposalActIn(Schema):
    opinion: Text200 = Field("", description="审核意见(不予批准时必填)")
    done_on: dt.date | None = None


class DisposalOut(Schema):
    id: int
    asset_id: int
    asset_name: str
    village_code: str
    kind: str
    reason: str
    value: str
    recipient: str
    state: str = Field(description="requested | township_approved | approved | rejected")
    requested_on: dt.date
    decided_on: dt.date | None
    opinion: str
    asset_disposed_on: dt.date | None
    actions: list[str] = Field(description="当前用户现在可以办理的操作")


class DisposalPage(Schema):
    items: list[DisposalOut]
    count: int
    page: int
    page_size: int


def disposal_out(d: AssetDisposal, role: str) -> dict[str, Any]:
    return {
        "id": d.pk,
        "asset_id": d.asset_id,
        "asset_name": d.asset.name,
        "village_code": d.asset.village_id,
        "kind": d.kind,
        "reason": d.reason,
        "value": money(d.value),
        "recipient": d.recipient,
        "state": d.state,
        "requested_on": d.requested_on,
        "decided_on": d.decided_on,
        "opinion": d.opinion,
        "asset_disposed_on": d.asset.disposed_on,
        "actions": flow.actions_for(d, role),
    }


@router.post(
    "/assets/{asset_id}/disposals", response={201: DisposalOut}, summary="村级提出资产处置申请"
)
def disposal_create(
    request: AuthedRequest, asset_id: int, body: DisposalIn
) -> Status[dict[str, Any]]:
    d = services.asset_disposal_request(user=request.auth, asset_id=asset_id, **body.dict())
    return Status(201, disposal_out(d, request.auth.role))


class DisposalQuery(RegionYearQuery):
    state: str | None = None


@router.get("/asset-disposals", response=DisposalPage, summary="资产处置申请列表")
def disposal_index(request: AuthedRequest, q: Query[DisposalQuery]) -> dict[str, Any]:
    qs = selectors.disposal_list(user=request.auth, region=q.region, state=q.state)
    rows, count, page = _slice(qs, q.page)
    return _page([disposal_out(d, request.auth.role) for d in rows], count, page)


@router.post(
    "/asset-disposals/{disposal_id}/actions/{action}",
    response=DisposalOut,
    summary="审核资产处置:approve_township(乡镇)、approve_county(县级,资产标记为已处置)、reject",
)
def disposal_act(
    request: AuthedRequest, disposal_id: int, action: str, body: DisposalActIn
) -> dict[str, Any]:
    d = services.asset_disposal_act(
        user=request.auth, disposal_id=disposal_id, action=action, **body.dict()
    )
    return disposal_out(d, request.auth.role)


# ---------------------------------------------------------------- yearly check


class RoundIn(Schema):
    year: Year
    county_code: Text20
    starts_on: dt.date | None = None


class CheckFiguresOut(Schema):
    year: int
    assets: int = Field(description="应清查资产(当年之前未处置的)")
    checked: int
    unchecked: int = Field(description="当年未清查的资产(标记)")
    coverage: float = Field(description="已清查 ÷ 应清查,4 位小数")
    missing: int = Field(description="清查时资产不存在")
    poor: int
    idle: int = Field(description="未正常使用")
    rights_unclear: int


class RoundOut(Schema):
    id: int
    year: int
    county_code: str
    county_name: str
    starts_on: dt.date
    figures: CheckFiguresOut
    unchecked_asset_ids: list[int] | None = Field(None, description="仅单次清查的应答列出")


class RoundPage(Schema):
    items: list[RoundOut]
    count: int
    page: int
    page_size: int


def round_out(request: AuthedRequest, r: CheckRound, *, detail: bool = False) -> dict[str, Any]:
    out = {
        "id": r.pk,
        "year": r.year,
        "county_code": r.county_id,
        "county_name": r.county.name,
        "starts_on": r.starts_on,
        "figures": selectors.check_round_figures(user=request.auth, check_round=r).as_json(),
        "unchecked_asset_ids": None,
    }
    if detail:
        rows = selectors.check_rows(user=request.auth, check_round=r)
        out["unchecked_asset_ids"] = [a.pk for a, check in rows if check is None]
    return out


@router.post("/asset-check-rounds", response={201: RoundOut}, summary="开始资产年度清查(县级)")
def round_create(request: AuthedRequest, body: RoundIn) -> Status[dict[str, Any]]:
    r = services.check_round_create(user=request.auth, **body.dict())
    return Status(201, round_out(request, r, detail=True))


@router.get("/asset-check-rounds", response=RoundPage, summary="资产年度清查列表(清查覆盖情况)")
def round_index(request: AuthedRequest, q: Query[RegionYearQuery]) -> dict[str, Any]:
    qs = selectors.check_round_list(user=request.auth, region=q.region, year=q.year)
    rows, count, page = _slice(qs, q.page)
    return _page([round_out(request, r) for r in rows], count, page)


@router.get(
    "/asset-check-rounds/{round_id}",
    response=RoundOut,
    summary="一次年度清查:各项计数和未清查的资产",
)
def round_detail(request: AuthedRequest, round_id: int) -> dict[str, Any]:
    r = services.check_round_get(user=request.auth, round_id=round_id)
    return round_out(request, r, detail=True)


class CheckIn(Schema):
    exists: bool
    condition: Literal["good", "fair", "poor"] = Field(
        description="good 良好 | fair 一般 | poor 较差"
    )
    in_use: bool
    rights_ok: bool
    notes: Text200 = ""
    checked_on: dt.date | None = None


class CheckOut(Schema):
    id: int
    round_id: int
    asset_id: int
    exists: bool
    condition: str
    in_use: bool
    rights_ok: bool
    notes: str
    checked_on: dt.date


def check_out(c: AssetCheck) -> dict[str, Any]:
    return {
        "id": c.pk,
        "round_id": c.round_id,
        "asset_id": c.asset_id,
        "exists": c.exists,
        "condition": c.condition,
        "in_use": c.in_use,
        "rights_ok": c.rights_ok,
        "notes": c.notes,
        "checked_on": c.checked_on,
    }


@router.put(
    "/asset-check-rounds/{round_id}/assets/{asset_id}",
    response=CheckOut,
    summary="登记一项资产的清查结果(再次登记即更新)",
)
def check_record(
    request: AuthedRequest, round_id: int, asset_id: int, body: CheckIn
) -> dict[str, Any]:
    c = services.asset_check_record(
        user=request.auth, round_id=round_id, asset_id=asset_id, **body.dict()
    )
    return check_out(c)


# ---------------------------------------------------------------- 联村共建


class GroupIn(Schema):
    name: Text200
    county_code: Text20
    lead_village_code: Text20
    village_codes: list[Text20] = Field(
        description="成员村(牵头村自动计入),至少两个村", max_length=200
    )
    industry: Text64
    year: Year
    project_ids: list[Id] = Field(default_factory=list, max_length=500)
    entity_ids: list[Id] = Field(default_factory=list, max_length=500)


class GroupOut(Schema):
    id: int
    name: str
    county_code: str
    lead_village_code: str
    lead_village_name: str
    village_codes: list[str]
    industry: str
    year: int
    project_ids: list[int]
    entity_ids: list[int]


class GroupPage(Schema):
    items: list[GroupOut]
    count: int
    page: int
    page_size: int


def group_out(g: VillageGroup) -> dict[str, Any]:
    return {
        "id": g.pk,
        "name": g.name,
        "county_code": g.county_id,
        "lead_village_code": g.lead_village_id,
        "lead_village_name": g.lead_village.name,
        "village_codes": sorted(v.code for v in g.villages.all()),
        "industry": g.industry,
        "year": g.year,
        "project_ids": sorted(p.pk for p in g.projects.all()),
        "entity_ids": sorted(e.pk for e in g.entities.all()),
    }


@router.post("/village-groups", response={201: GroupOut}, summary="登记联村共建")
def group_create(request: AuthedRequest, body: GroupIn) -> Status[dict[str, Any]]:
    g = services.village_group_create(user=request.auth, **body.dict())
    return Status(201, group_out(g))


@router.get("/village-groups", response=GroupPage, summary="联村共建列表(成员村在本辖区的)")
def group_index(request: AuthedRequest, q: Query[RegionYearQuery]) -> dict[str, Any]:
    qs = selectors.village_group_list(user=request.auth, region=q.region, year=q.year)
    rows, count, page = _slice(qs, q.page)
    return _page([group_out(g) for g in rows], count, page)


class GroupCountsOut(Schema):
    county_code: str
    county_name: str
    groups: int
    villages: int
    projects: int
    entities: int


class GroupSummaryOut(Schema):
    items: list[GroupCountsOut]


@router.get("/village-groups/summary", response=GroupSummaryOut, summary="联村共建按县计数")
def group_summary(request: AuthedRequest, q: Query[RegionYearQuery]) -> dict[str, Any]:
    qs = selectors.village_group_list(user=request.auth, region=q.region, year=q.year)
    return {"items": [c.as_json() for c in selectors.group_counts(qs)]}
