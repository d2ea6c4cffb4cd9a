"""API of CONTRACT §7: census rounds, problems, ratings. Thin: services and selectors decide."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http.response import HttpResponseBase
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from fangpin.auth import AuthedRequest
from fangpin.core.bounds import Id, LongText, Text16, Text32, Text100
from fangpin.core.files.download import file_download

from .board import selectors, services
from .board.rating import REASON_LABELS, VillageRating, criteria_active
from .models import CensusRound, Problem

router = Router(tags=["村级工作"])

PAGE_SIZE = 50


class RoundIn(Schema):
    name: Text100
    region_code: Text16
    starts_on: dt.date
    ends_on: dt.date


class RoundOut(Schema):
    id: int
    name: str
    region_code: str
    region_name: str
    starts_on: dt.date
    ends_on: dt.date
    problem_count: int


class RoundListOut(Schema):
    items: list[RoundOut]
    count: int


class ProblemIn(Schema):
    round_id: Id | None = None
    village_code: Text16
    household_id: Id | None = None
    type: Text16 = Field(description="income, food_clothing, education, medical, housing, ...")
    description: LongText
    responsible_unit: Text100
    deadline: dt.date


class ProblemActionIn(Schema):
    measures: LongText = ""
    reason: LongText = ""
    version: int | None = Field(None, ge=1, le=2**31 - 1)


class HistoryOut(Schema):
    at: dt.datetime
    actor: str
    status: str
    status_label: str
    reason: str


class PhotoOut(Schema):
    id: int
    title: str
    url: str
    uploaded_at: dt.datetime


class ProblemOut(Schema):
    id: int
    round_id: int | None
    round_name: str
    village_code: str
    village_name: str
    household_id: int | None
    household_name: str
    type: str
    type_label: str
    description: str
    responsible_unit: str
    deadline: dt.date
    overdue: bool
    status: str
    status_label: str
    measures: str
    rectified_on: dt.date | None
    closed_on: dt.date | None
    reopen_reason: str
    version: int
    photos: list[PhotoOut] | None = None
    history: list[HistoryOut] | None = None


class ProblemListOut(Schema):
    items: list[ProblemOut]
    count: int
    page: int
    page_size: int


class ProblemFilters(Schema):
    region: Text16 | None = None
    status: Text16 | None = None
    overdue: bool | None = None
    round_id: Id | None = None
    type: Text16 | None = None
    page: int = 1


class ReasonOut(Schema):
    code: str
    label: str
    detail: str
    household_id: int | None = None
    url: str


class RatingOut(Schema):
    code: str
    name: str
    safe: bool
    benchmark: bool
    reasons: list[ReasonOut]
    criteria: dict[str, bool]


class CriterionIn(Schema):
    met: bool
    note: LongText = ""


class CriterionOut(Schema):
    village_code: str
    key: Text32
    met: bool
    note: str
    confirmed_on: dt.date


class RatingGroupOut(Schema):
    code: str
    name: str
    villages: int
    safe: int
    benchmark: int
    safe_share: Decimal = Field(description="放心村占比,4 位小数")
    benchmark_share: Decimal = Field(description="标杆村占比,4 位小数")


class RatingsOut(RatingGroupOut):
    items: list[RatingGroupOut] = Field(description="下一级各区划")


def round_out(census: CensusRound) -> dict[str, Any]:
    return {
        "id": census.pk,
        "name": census.name,
        "region_code": census.region_id,
        "region_name": census.region.name,
        "starts_on": census.starts_on,
        "ends_on": census.ends_on,
        "problem_count": getattr(census, "problem_count", 0),
    }


def problem_out(problem: Problem, *, history: bool = False) -> dict[str, Any]:
    today = selectors.today()
    return {
        "id": problem.pk,
        "round_id": problem.census_round_id,
        "round_name": problem.census_round.name if problem.census_round else "",
        "village_code": problem.village_id,
        "village_name": problem.village.name,
        "household_id": problem.household_id,
        "household_name": problem.household.head_name if problem.household else "",
        "type": problem.type,
        "type_label": problem.get_type_display(),
        "description": problem.description,
        "responsible_unit": problem.responsible_unit,
        "deadline": problem.deadline,
        "overdue": problem.is_overdue(today),
        "status": problem.status,
        "status_label": problem.get_status_display(),
        "measures": problem.measures,
        "rectified_on": problem.rectified_on,
        "closed_on": problem.closed_on,
        "reopen_reason": problem.reopen_reason,
        "version": problem.version,
        "photos": [photo_out(p) for p in problem.photos.all()] if history else None,
        "history": selectors.problem_history(problem) if history else None,
    }


def photo_out(photo: Any) -> dict[str, Any]:
    return {
        "id": photo.pk,
        "title": photo.title,
        "url": f"/api/v1/problems/{photo.problem_id}/photos/{photo.pk}",
        "uploaded_at": photo.uploaded_at,
    }


def rating_out(item: VillageRating) -> dict[str, Any]:
    return {
        "code": item.code,
        "name": item.name,
        "safe": item.safe,
        "benchmark": item.benchmark,
        "reasons": [{**r.out(), "label": REASON_LABELS[r.code]} for r in item.reasons],
        "criteria": {c.key: item.criteria.get(c.key, False) for c in criteria_active()},
    }


@router.post("/census-rounds", response={201: RoundOut})
def census_round_create(request: AuthedRequest, payload: RoundIn) -> Status:
    """Start a round of 围村普查 (township and county users)."""
    census = services.round_create(user=request.auth, **payload.dict())
    census = selectors.round_get(user=request.auth, round_id=census.pk)
    return Status(201, round_out(census))


@router.get("/census-rounds", response=RoundListOut)
def census_round_list(request: AuthedRequest, region: Text16 | None = None) -> dict[str, Any]:
    """Rounds in the region, and those of the regions above that cover it."""
    rounds = list(selectors.round_list(user=request.auth, region=region)[:500])
    return {"items": [round_out(r) for r in rounds], "count": len(rounds)}


@router.post("/problems", response={201: ProblemOut})
def problem_create(request: AuthedRequest, payload: ProblemIn) -> Status:
    """Record a problem found in a village; it starts `open`."""
    problem = services.problem_create(user=request.auth, **payload.dict())
    problem = selectors.problem_get(user=request.auth, problem_id=problem.pk)
    return Status(201, problem_out(problem))


@router.get("/problems", response=ProblemListOut)
def problem_list(request: AuthedRequest, filters: Query[ProblemFilters]) -> dict[str, Any]:
    """Problems of the region, earliest deadline first; `overdue` = open past the deadline."""
    qs = selectors.problem_list(
        user=request.auth,
        region=filters.region,
        status=filters.status,
        overdue=filters.overdue,
        round_id=filters.round_id,
        type=filters.type,
    )
    page = min(max(filters.page, 1), 100_000)
    start = (page - 1) * PAGE_SIZE
    return {
        "items": [problem_out(p) for p in qs[start : start + PAGE_SIZE]],
        "count": qs.count(),
        "page": page,
        "page_size": PAGE_SIZE,
    }


@router.get("/problems/{problem_id}", response=ProblemOut)
def problem_detail(request: AuthedRequest, problem_id: int) -> dict[str, Any]:
    """One problem with its history (who moved it, when, why)."""
    problem = selectors.problem_get(user=request.auth, problem_id=problem_id)
    return problem_out(problem, history=True)


@router.post("/problems/{problem_id}/actions/{action}", response=ProblemOut)
def problem_action(
    request: AuthedRequest, problem_id: int, action: str, payload: ProblemActionIn
) -> dict[str, Any]:
    """`rectify {measures}` (village) → rectified; `verify` (township) → closed;
    `reopen {reason}` (township) → open."""
    services.problem_act(user=request.auth, problem_id=problem_id, action=action, **payload.dict())
    problem = selectors.problem_get(user=request.auth, problem_id=problem_id)
    return problem_out(problem, history=True)


@router.post("/problems/{problem_id}/photos", response={201: PhotoOut})
def problem_photo_add(
    request: AuthedRequest,
    problem_id: int,
    file: File[UploadedFile],
    title: str = Form("", max_length=100),
) -> Status:
    """Upload evidence (a photo or scan) for a problem; it passes the upload gate."""
    photo = services.problem_photo_add(
        user=request.auth, problem_id=problem_id, file=file, title=title, filename=file.name
    )
    return Status(201, photo_out(photo))


@router.get(
    "/problems/{problem_id}/photos/{photo_id}",
    response={200: None},
    summary="下载佐证材料(以附件形式下载)",
)
def problem_photo_download(
    request: AuthedRequest, problem_id: int, photo_id: int
) -> HttpResponseBase:
    photo = selectors.problem_photo_get(user=request.auth, problem_id=problem_id, photo_id=photo_id)
    name = (photo.file.name or "evidence").rsplit("/", 1)[-1]
    return file_download(photo.file.open("rb"), filename=name)


@router.get("/villages/{code}/rating", response=RatingOut)
def village_rating(request: AuthedRequest, code: str) -> dict[str, Any]:
    """放心村 (`safe`) and 标杆村 (`benchmark`), with every reason that breaks 放心村."""
    return rating_out(selectors.village_rating(user=request.auth, code=code))


@router.put("/villages/{code}/criteria/{key}", response=CriterionOut)
def village_criterion_confirm(
    request: AuthedRequest, code: str, key: str, payload: CriterionIn
) -> dict[str, Any]:
    """The township confirms one 标杆村 criterion (leadership, environment, industry)."""
    mark = services.criterion_confirm(
        user=request.auth, village_code=code, key=key, met=payload.met, note=payload.note
    )
    return {
        "village_code": mark.village_id,
        "key": mark.criterion.key,
        "met": mark.met,
        "note": mark.note,
        "confirmed_on": mark.confirmed_on,
    }


@router.get("/ratings", response=RatingsOut)
def ratings(request: AuthedRequest, region: Text16 | None = None) -> dict[str, Any]:
    """Counts and shares of 放心村 and 标杆村 among the villages of the region (default: the
    user's own), and the same for each region one level below."""
    overview = selectors.ratings_overview(user=request.auth, region=region)
    return {**overview.total.out(), "items": [g.out() for g in overview.groups]}
