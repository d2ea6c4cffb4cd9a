"""API of CONTRACT §7: grids, visits, public village pages, self-reports, policies, liaisons."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from fangpin.auth import AuthedRequest
from fangpin.core.errors import BadValue, NotFound, TooManyAttempts

from .field import selectors, services
from .field.error_codes import FieldErrorCode
from .models import CHECKLIST, Grid, Liaison, Policy, SelfReport, Visit

router = Router(tags=["村级工作"])

PAGE_SIZE = 100


class GridIn(Schema):
    name: str = Field(..., min_length=1, max_length=64)
    level: str = Field(..., max_length=10)
    region_code: str = Field(..., max_length=12)
    parent_id: int | None = None
    worker_username: str | None = Field(None, max_length=150)


class GridOut(Schema):
    id: int
    name: str
    level: str
    level_label: str
    region_code: str
    region_name: str
    parent_id: int | None
    worker_username: str | None


class GridListOut(Schema):
    items: list[GridOut]
    count: int


class HouseholdGridIn(Schema):
    grid_id: int


class HouseholdGridOut(Schema):
    household_id: int
    grid_id: int
    grid_name: str


class ReportCaseIn(Schema):
    category: str = Field(..., max_length=16)
    risk_types: list[str] = Field(..., max_length=5)
    description: str = Field("", max_length=2000)


class VisitIn(Schema):
    household_id: int
    visited_on: dt.date | None = None
    met: str = Field(..., min_length=1, max_length=64)
    checklist: dict[str, bool] = Field(default_factory=dict)
    findings: str = Field("", max_length=2000)
    report_case: ReportCaseIn | None = None


class VisitCreatedOut(Schema):
    id: int
    case_id: int | None


class VisitOut(Schema):
    id: int
    household_id: int
    head_name: str
    village_code: str
    visited_on: dt.date
    met: str
    checklist: dict[str, bool]
    concerns: list[str]
    findings: str
    unchanged: bool
    case_id: int | None
    recorded_by: str


class VisitListOut(Schema):
    items: list[VisitOut]
    count: int


class NotVisitedOut(Schema):
    household_id: int
    last_visited_on: dt.date | None


# A city has hundreds of thousands of 脱贫 households: the list names the longest unvisited
# first and stops here; `households - visited` is the full number.
NOT_VISITED_LIMIT = 1000


class CoverageOut(Schema):
    days: int
    households: int
    visited: int
    share: float
    not_visited: list[NotVisitedOut] = Field(
        ...,
        description=f"未走访的农户,最久未走访的在前,最多 {NOT_VISITED_LIMIT} 户;"
        "总数为 households - visited",
    )


class PolicyIn(Schema):
    department: str = Field(..., min_length=1, max_length=64)
    title: str = Field(..., min_length=1, max_length=200)
    level: str = Field(..., max_length=12)
    eligibility: str = Field(..., min_length=1, max_length=2000)
    benefit: str = Field(..., min_length=1, max_length=2000)
    how_to_apply: str = Field(..., min_length=1, max_length=2000)
    region_code: str | None = Field(None, max_length=12)


class PolicyOut(Schema):
    id: int
    department: str
    title: str
    level: str
    level_label: str
    eligibility: str
    benefit: str
    how_to_apply: str
    region_code: str
    sample: bool


class PolicyListOut(Schema):
    items: list[PolicyOut]
    count: int


class LiaisonIn(Schema):
    sector: str = Field(..., min_length=1, max_length=64)
    region_code: str = Field(..., max_length=12)
    name: str = Field(..., min_length=1, max_length=32)
    phone: str = Field(..., min_length=1, max_length=20)


class LiaisonOut(Schema):
    id: int
    sector: str
    region_code: str
    region_name: str
    name: str
    phone: str


class LiaisonListOut(Schema):
    items: list[LiaisonOut]
    count: int


class PublicVillageOut(Schema):
    code: str
    name: str
    township: str
    county: str
    policies: list[PolicyOut]
    liaisons: list[LiaisonOut]


class PublicReportIn(Schema):
    name: str = Field(..., min_length=1, max_length=32)
    phone: str = Field(..., min_length=1, max_length=20)
    description: str = Field(..., min_length=1, max_length=1000)
    id_number: str | None = Field(None, max_length=18)


class ReceiptOut(Schema):
    receipt: str


class SelfReportOut(Schema):
    id: int
    receipt: str
    village_code: str
    village_name: str
    name: str
    phone: str
    description: str
    status: str
    status_label: str
    received_on: dt.date
    deadline: dt.date
    deadline_provisional: bool
    overdue: bool
    case_id: int | None
    reason: str


class SelfReportListOut(Schema):
    items: list[SelfReportOut]
    count: int


class AcceptIn(Schema):
    household_id: int
    category: str = Field(..., max_length=16)
    risk_types: list[str] = Field(..., max_length=5)


class DismissIn(Schema):
    reason: str = Field(..., min_length=1, max_length=500)


class ActionOut(Schema):
    id: int
    status: str
    case_id: int | None


def grid_out(g: Grid) -> dict[str, Any]:
    return {
        "id": g.pk,
        "name": g.name,
        "level": g.level,
        "level_label": g.get_level_display(),
        "region_code": g.region_id,
        "region_name": g.region.name,
        "parent_id": g.parent_id,
        "worker_username": g.worker.username if g.worker else None,
    }


def visit_out(v: Visit) -> dict[str, Any]:
    return {
        "id": v.pk,
        "household_id": v.household_id,
        "head_name": v.household.head_name,
        "village_code": v.household.village_id,
        "visited_on": v.visited_on,
        "met": v.met,
        "checklist": v.checklist,
        "concerns": v.concerns,
        "findings": v.findings,
        "unchanged": v.unchanged,
        "case_id": v.case_id,
        "recorded_by": v.created_by.get_full_name() or v.created_by.username,
    }


def policy_out(p: Policy) -> dict[str, Any]:
    return {
        "id": p.pk,
        "department": p.department,
        "title": p.title,
        "level": p.level,
        "level_label": p.get_level_display(),
        "eligibility": p.eligibility,
        "benefit": p.benefit,
        "how_to_apply": p.how_to_apply,
        "region_code": p.region_id,
        "sample": p.sample,
    }


def liaison_out(x: Liaison) -> dict[str, Any]:
    return {
        "id": x.pk,
        "sector": x.sector,
        "region_code": x.region_id,
        "region_name": x.region.name,
        "name": x.name,
        "phone": x.phone,
    }


def report_out(r: SelfReport, today: dt.date) -> dict[str, Any]:
    return {
        "id": r.pk,
        "receipt": r.receipt,
        "village_code": r.village_id,
        "village_name": r.village.name,
        "name": r.name,
        "phone": r.phone,
        "description": r.description,
        "status": r.status,
        "status_label": r.get_status_display(),
        "received_on": r.received_on,
        "deadline": r.deadline,
        "deadline_provisional": r.deadline_provisional,
        "overdue": r.status == SelfReport.Status.PENDING and r.deadline < today,
        "case_id": r.case_id,
        "reason": r.reason,
    }


def _page(page: int) -> slice:
    page = min(max(page, 1), 100_000)
    return slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE)


# ------------------------------------------------------------------------------ grids


@router.post("/grids", response={201: GridOut}, summary="建立网格(县、乡、村、组四级)")
def grid_create(request: AuthedRequest, body: GridIn) -> Status[dict[str, Any]]:
    grid = services.grid_create(user=request.auth, **body.dict())
    return Status(201, grid_out(Grid.objects.select_related("region", "worker").get(pk=grid.pk)))


@router.get("/grids", response=GridListOut, summary="网格列表")
def grid_list(request: AuthedRequest, region: str | None = None, page: int = 1) -> dict[str, Any]:
    qs = selectors.grid_list(user=request.auth, region=region)
    return {"items": [grid_out(g) for g in qs[_page(page)]], "count": qs.count()}


@router.put(
    "/households/{household_id}/grid", response=HouseholdGridOut, summary="设置农户所在网格"
)
def household_grid(
    request: AuthedRequest, household_id: int, body: HouseholdGridIn
) -> dict[str, Any]:
    link = services.household_grid_set(
        user=request.auth, household_id=household_id, grid_id=body.grid_id
    )
    return {"household_id": link.household_id, "grid_id": link.grid_id, "grid_name": link.grid.name}


# ------------------------------------------------------------------------------ visits


@router.post("/visits", response={201: VisitCreatedOut}, summary="登记走访(八必访),可同时上报风险")
def visit_create(request: AuthedRequest, body: VisitIn) -> Status[dict[str, Any]]:
    data = body.dict()
    visit = services.visit_record(user=request.auth, **data)
    return Status(201, {"id": visit.pk, "case_id": visit.case_id})


@router.get("/visits", response=VisitListOut, summary="走访记录")
def visit_list(
    request: AuthedRequest,
    region: str | None = None,
    household_id: int | None = None,
    page: int = 1,
) -> dict[str, Any]:
    qs = selectors.visit_list(user=request.auth, region=region, household_id=household_id)
    return {"items": [visit_out(v) for v in qs[_page(page)]], "count": qs.count()}


@router.get(
    "/visits/coverage", response=CoverageOut, summary="走访覆盖:N 天内未走访的监测户和脱贫户"
)
def visit_coverage(
    request: AuthedRequest, region: str | None = None, days: int | None = None
) -> dict[str, Any]:
    if days is not None and not 1 <= days <= 3660:
        raise BadValue("天数应在 1 到 3660 之间", code=FieldErrorCode.INVALID_DAYS)
    result = selectors.coverage(
        user=request.auth, region=region, days=days, limit=NOT_VISITED_LIMIT
    )
    return {
        "days": result.days,
        "households": result.households,
        "visited": result.visited,
        "share": result.share,
        "not_visited": result.not_visited,
    }


# ------------------------------------------------------------------- public (no login)


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def rate_limit(request: HttpRequest) -> None:
    """At most FANGPIN_PUBLIC_REPORTS_PER_MINUTE reports a minute from one client (429)."""
    limit = int(getattr(settings, "FANGPIN_PUBLIC_REPORTS_PER_MINUTE", 5))
    key = f"fangpin:public-report:{client_ip(request)}"
    cache.add(key, 0, timeout=60)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=60)
        count = 1
    if count > limit:
        raise TooManyAttempts(
            "提交过于频繁,请一分钟后再试", retry_after=60, code=FieldErrorCode.TOO_MANY_REPORTS
        )


def public_village_data(code: str) -> dict[str, Any]:
    village = selectors.public_village(code)
    if village is None:
        raise NotFound("没有这个村", code=FieldErrorCode.UNKNOWN_REGION)
    township = village.parent
    county = township.parent if township else None
    return {
        "code": village.code,
        "name": village.name,
        "township": township.name if township else "",
        "county": county.name if county else "",
        "policies": [policy_out(p) for p in selectors.board_policies(village)],
        "liaisons": [liaison_out(x) for x in selectors.board_liaisons(village)],
    }


@router.get(
    "/public/villages/{code}",
    response=PublicVillageOut,
    auth=None,
    summary="村公开页(无需登录):政策与联络员,不含任何农户信息",
)
def public_village(request: HttpRequest, code: str) -> dict[str, Any]:
    return public_village_data(code)


@router.post(
    "/public/villages/{code}/reports",
    response={202: ReceiptOut},
    auth=None,
    summary="农户自主申报(无需登录);回执相同,不透露身份证号是否登记",
)
def public_report(request: HttpRequest, code: str, body: PublicReportIn) -> Status[dict[str, Any]]:
    if selectors.public_village(code) is None:
        raise NotFound("没有这个村", code=FieldErrorCode.UNKNOWN_REGION)
    rate_limit(request)
    report = services.self_report_receive(
        village_code=code,
        name=body.name,
        phone=body.phone,
        description=body.description,
        id_number=body.id_number or "",
    )
    return Status(202, {"receipt": report.receipt})


# ------------------------------------------------------------------------------ self-reports


@router.get("/self-reports", response=SelfReportListOut, summary="农户自主申报受理队列")
def self_report_list(
    request: AuthedRequest, region: str | None = None, status: str | None = None, page: int = 1
) -> dict[str, Any]:
    from fangpin.monitoring import clock

    qs = selectors.self_report_list(user=request.auth, region=region, status=status)
    today = clock.today()
    return {"items": [report_out(r, today) for r in qs[_page(page)]], "count": qs.count()}


@router.post(
    "/self-reports/{report_id}/actions/accept", response=ActionOut, summary="受理申报并纳入发现"
)
def self_report_accept(request: AuthedRequest, report_id: int, body: AcceptIn) -> dict[str, Any]:
    report = services.self_report_accept(user=request.auth, report_id=report_id, **body.dict())
    return {"id": report.pk, "status": report.status, "case_id": report.case_id}


@router.post(
    "/self-reports/{report_id}/actions/dismiss", response=ActionOut, summary="不予受理(写明理由)"
)
def self_report_dismiss(request: AuthedRequest, report_id: int, body: DismissIn) -> dict[str, Any]:
    report = services.self_report_dismiss(
        user=request.auth, report_id=report_id, reason=body.reason
    )
    return {"id": report.pk, "status": report.status, "case_id": report.case_id}


# ------------------------------------------------------------------------------ catalogue


@router.get("/policies", response=PolicyListOut, summary="行业政策目录")
def policy_list(request: AuthedRequest, region: str | None = None, page: int = 1) -> dict[str, Any]:
    qs = selectors.policy_list(user=request.auth, region=region)
    return {"items": [policy_out(p) for p in qs[_page(page)]], "count": qs.count()}


@router.post("/policies", response={201: PolicyOut}, summary="登记行业政策")
def policy_create(request: AuthedRequest, body: PolicyIn) -> Status[dict[str, Any]]:
    return Status(201, policy_out(services.policy_create(user=request.auth, **body.dict())))


@router.get("/liaisons", response=LiaisonListOut, summary="行业政策联络员")
def liaison_list(
    request: AuthedRequest, region: str | None = None, page: int = 1
) -> dict[str, Any]:
    qs = selectors.liaison_list(user=request.auth, region=region)
    return {"items": [liaison_out(x) for x in qs[_page(page)]], "count": qs.count()}


@router.post("/liaisons", response={201: LiaisonOut}, summary="登记联络员")
def liaison_create(request: AuthedRequest, body: LiaisonIn) -> Status[dict[str, Any]]:
    return Status(201, liaison_out(services.liaison_create(user=request.auth, **body.dict())))


__all__ = ["CHECKLIST", "router"]
