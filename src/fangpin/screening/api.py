"""Screening API: batches (`/api/v1/screening`) and warnings (`/api/v1/warnings`). Thin."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from fangpin.accounts.models import Role, User
from fangpin.auth import AuthedRequest
from fangpin.core.bounds import LongText, Text16
from fangpin.core.errors import BadValue, Forbidden
from fangpin.core.idcard import mask
from fangpin.core.keyset import keyset_page

from . import selectors, services
from .models import Batch, Warning
from .rules import rule_labels
from .selectors import WARNING_ORDER

warnings_router = Router(tags=["预警"])
batches_router = Router(tags=["部门筛查"])

PAGE_SIZE = 50


class BatchCreatedOut(Schema):
    id: int
    status: str


class BatchOut(Schema):
    id: int
    source: str
    source_label: str
    period: str
    region: str
    original_name: str
    status: str
    status_label: str
    progress: int
    engine: str
    rows_read: int
    rows_matched: int
    rows_unmatched: int
    rows_malformed: int
    warnings_made: int
    duration_ms: int | None
    error: str
    malformed_sample: list[dict[str, Any]]
    created_at: dt.datetime
    finished_at: dt.datetime | None


class BatchListOut(Schema):
    items: list[BatchOut]
    count: int


class WarningOut(Schema):
    id: int
    household_id: int
    household_number: str
    village_code: str
    village_name: str
    person_id: int | None
    person_name: str
    id_number: str
    rule: str
    rule_title: str
    rules: list[str]
    rule_titles: list[str]
    event: str
    period: str
    batch_id: int | None
    message: str
    risk_type: str
    evidence: list[dict[str, Any]]
    status: str
    status_label: str
    deadline: dt.date
    deadline_provisional: bool
    overdue: bool
    dismiss_reason: str
    case_ids: list[int]
    created_at: dt.datetime


class WarningListOut(Schema):
    items: list[WarningOut]
    count: int = Field(description="符合条件的数量;超过 10000 时为 10000,且 count_capped 为 true")
    count_capped: bool = Field(False, description="count 是否为上限值(实际更多)")
    next_cursor: str | None = Field(
        None, description="下一页的游标(作为 cursor= 传回,按时限、编号顺序);最后一页为 null"
    )


class WarningActionIn(Schema):
    reason: LongText = ""
    category: Text16 = ""
    risk_types: list[Text16] = Field([], max_length=10)


def batch_out(batch: Batch) -> dict[str, Any]:
    return {
        "id": batch.pk,
        "source": batch.source,
        "source_label": batch.get_source_display(),
        "period": batch.period,
        "region": batch.region_id,
        "original_name": batch.original_name,
        "status": batch.status,
        "status_label": batch.get_status_display(),
        "progress": batch.progress,
        "engine": batch.engine,
        "rows_read": batch.rows_read,
        "rows_matched": batch.rows_matched,
        "rows_unmatched": batch.rows_unmatched,
        "rows_malformed": batch.rows_malformed,
        "warnings_made": batch.warnings_made,
        "duration_ms": batch.duration_ms,
        "error": batch.error,
        "malformed_sample": batch.malformed_sample,
        "created_at": batch.created_at,
        "finished_at": batch.finished_at,
    }


def _require_reader(user: User) -> None:
    # CONTRACT §3: departments upload batches only; the warnings are the villages' work.
    if user.role == Role.DEPARTMENT:
        raise Forbidden("行业部门账号只能上传数据,无权查看预警")


def warning_out(warning: Warning, user: User, today: dt.date) -> dict[str, Any]:
    person = warning.person
    id_number = person.id_number if person else ""
    return {
        "id": warning.pk,
        "household_id": warning.household_id,
        "household_number": warning.household.number,
        "village_code": warning.household.village_id,
        "village_name": warning.household.village.name,
        "person_id": warning.person_id,
        "person_name": person.name if person else "",
        "id_number": id_number if user.sees_personal_data else mask(id_number),
        "rule": warning.rule,
        "rule_title": "、".join(rule_labels(warning)),
        "rules": warning.rules or [warning.rule],
        "rule_titles": rule_labels(warning),
        "event": warning.event,
        "period": warning.period,
        "batch_id": warning.batch_id,
        "message": warning.message,
        "risk_type": warning.risk_type,
        "evidence": warning.evidence,
        "status": warning.status,
        "status_label": warning.get_status_display(),
        "deadline": warning.deadline,
        "deadline_provisional": warning.deadline_provisional,
        "overdue": selectors.is_overdue(warning, today),
        "dismiss_reason": warning.dismiss_reason,
        "case_ids": [c.pk for c in warning.cases.all()],
        "created_at": warning.created_at,
    }


@batches_router.post("/batches", response={202: BatchCreatedOut})
def batch_create(
    request: AuthedRequest,
    file: File[UploadedFile],
    source: str = Form(..., max_length=16),
    period: str = Form(..., max_length=16),
    engine: str = Form(
        "", max_length=16, description="duckdb | spark;默认为服务器设置 FANGPIN_SCREENING_ENGINE"
    ),
) -> Status:
    """Upload a department file (csv, xlsx, parquet); it is screened in the background."""
    batch = services.batch_upload(
        user=request.auth, source=source, period=period, file=file, engine=engine or None
    )
    batch.refresh_from_db()
    return Status(202, {"id": batch.pk, "status": batch.status})


@batches_router.get("/batches", response=BatchListOut)
def batch_index(request: AuthedRequest, page: int = 1) -> dict[str, Any]:
    services.batches_recover()  # a run that died shows as failed, not running for ever
    qs = selectors.batch_list(user=request.auth)
    start = (min(max(page, 1), 100_000) - 1) * PAGE_SIZE  # no SQL OFFSET overflow
    return {"items": [batch_out(b) for b in qs[start : start + PAGE_SIZE]], "count": qs.count()}


@batches_router.get("/batches/{batch_id}", response=BatchOut)
def batch_detail(request: AuthedRequest, batch_id: int) -> dict[str, Any]:
    batch = selectors.batch_get(user=request.auth, batch_id=batch_id)
    return batch_out(services.batch_refresh(batch))


@batches_router.post("/batches/{batch_id}/actions/rerun", response={202: BatchCreatedOut})
def batch_rerun(request: AuthedRequest, batch_id: int) -> Status:
    batch = selectors.batch_get(user=request.auth, batch_id=batch_id)
    batch = services.batch_rerun(user=request.auth, batch=batch)
    batch.refresh_from_db()
    return Status(202, {"id": batch.pk, "status": batch.status})


@warnings_router.get("", response=WarningListOut)
def warning_index(
    request: AuthedRequest,
    region: str | None = None,
    status: str | None = None,
    overdue: bool | None = None,
    batch: int | None = None,
    page: int = 1,
    cursor: str | None = None,
) -> dict[str, Any]:
    """Warnings in the user's region, with response deadline and overdue flag."""
    _require_reader(request.auth)
    today = timezone.localdate()
    qs = selectors.warning_list(
        user=request.auth,
        region=region,
        status=status,
        overdue=overdue,
        today=today,
        batch=batch,
    ).prefetch_related("cases")
    found = keyset_page(qs, WARNING_ORDER, size=PAGE_SIZE, cursor=cursor, page=page)
    return {
        "items": [warning_out(w, request.auth, today) for w in found.rows],
        "count": found.count,
        "count_capped": found.count_capped,
        "next_cursor": found.next_cursor,
    }


@warnings_router.get("/{warning_id}", response=WarningOut)
def warning_detail(request: AuthedRequest, warning_id: int) -> dict[str, Any]:
    _require_reader(request.auth)
    warning = selectors.warning_get(user=request.auth, warning_id=warning_id)
    return warning_out(warning, request.auth, timezone.localdate())


@warnings_router.post("/{warning_id}/actions/{action}", response=WarningOut)
def warning_action(
    request: AuthedRequest, warning_id: int, action: str, body: WarningActionIn
) -> dict[str, Any]:
    """`dismiss {reason}` or `open_case {category, risk_types}`."""
    warning = selectors.warning_get(user=request.auth, warning_id=warning_id)
    if action == "dismiss":
        services.warning_dismiss(user=request.auth, warning=warning, reason=body.reason)
    elif action == "open_case":
        services.warning_open_case(
            user=request.auth,
            warning=warning,
            category=body.category,
            risk_types=body.risk_types or [warning.risk_type],
        )
    else:
        raise BadValue(f"未知的操作:{action}", code="unknown_action")
    warning = selectors.warning_get(user=request.auth, warning_id=warning_id)
    return warning_out(warning, request.auth, timezone.localdate())
