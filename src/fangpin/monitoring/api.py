"""Cases API (`/api/v1/cases`): thin — parse, call a service or selector, shape the answer."""

from __future__ import annotations

import json
from typing import Any

from django.http.response import HttpResponseBase
from ninja import File, Form, Router
from ninja.errors import ValidationError
from ninja.files import UploadedFile
from ninja.responses import Status
from pydantic import ValidationError as PydanticError

from fangpin.accounts.models import Role, User
from fangpin.auth import AuthedRequest
from fangpin.core import idcrypt
from fangpin.core.errors import BadValue, NotFound
from fangpin.core.files.download import file_download
from fangpin.core.idcard import mask
from fangpin.core.keyset import keyset_page
from fangpin.core.scoping import get_scoped
from fangpin.registry.models import Household
from fangpin.screening.models import Warning

from . import clock, dates, precheck, selectors, services, workflow
from .error_codes import MonitoringErrorCode
from .models import Case, CaseEvent, Measure, Plan, RiskType
from .schemas import (
    ActionIn,
    AttachmentOut,
    CaseCreatedOut,
    CaseIn,
    CaseListOut,
    CaseOut,
    MeasureIn,
    MeasureOut,
    MeasureUpdateIn,
    PlanIn,
    PlanOut,
)
from .selectors import CASE_ORDER

cases_router = Router(tags=["监测帮扶"])

PAGE_SIZE = 50


def _item(case: Case, user: User, today: Any) -> dict[str, Any]:
    household = case.household
    return {
        "id": case.pk,
        "household_id": household.pk,
        "household_number": household.number,
        "head_name": household.head_name,
        "village_code": case.village_id,
        "village_name": case.village.name,
        "state": case.state,
        "state_label": case.state_label,
        "channel": case.channel,
        "category": case.category,
        "category_label": case.get_category_display(),
        "risk_types": list(case.risk_types),
        "risk_labels": [RiskType(code).label for code in case.risk_types],
        "discovered_on": case.discovered_on,
        "deadline": case.deadline,
        "deadline_provisional": case.deadline_provisional,
        "overdue": selectors.is_overdue(case, today),
        "version": case.version,
        "allowed_actions": workflow.allowed_actions(case, user),
    }


def _measure(m: Measure) -> dict[str, Any]:
    return {
        "id": m.pk,
        "case_id": m.case_id,
        "type": m.type,
        "type_label": m.get_type_display(),
        "content": m.content,
        "amount": m.amount,
        "starts_on": m.starts_on,
        "ends_on": m.ends_on,
        "status": m.status,
        "status_label": m.get_status_display(),
    }


def _plan(plan: Plan | None, warnings: list[selectors.Inconsistency]) -> dict[str, Any] | None:
    if plan is None:
        return None
    fields = {name: getattr(plan, name) for name in services.PLAN_FIELDS}
    return {**fields, "warnings": [w.__dict__ for w in warnings]}


def _event(event: CaseEvent) -> dict[str, Any]:
    actor = event.actor
    return {
        "action": event.action,
        "action_label": workflow.event_label(event.action),
        "from_state": event.from_state,
        "to_state": event.to_state,
        "actor": actor.get_full_name() or actor.username if actor else None,
        "actor_role": Role(actor.role).label if actor else None,
        "done_on": dates.event_day(event),
        "at": event.at,
        "time": event.at,
        "body": event.body,
    }


def _document_url(case_id: int, document_id: int) -> str:
    # Served through the case's scope as a download, never from a public media URL.
    return f"/api/v1/cases/{case_id}/attachments/{document_id}"


def _snapshot_id(stored: str, user: User) -> str:
    number = idcrypt.decrypt(stored) if idcrypt.is_encrypted(stored) else stored
    return number if user.sees_personal_data else mask(number)


def _detail(case: Case, user: User) -> dict[str, Any]:
    today = clock.today()
    plan = selectors.household_plan(case.household)
    measures = selectors.household_measures(case.household)
    warnings = selectors.consistency_warnings(case, measures=measures, plan=plan)
    members = [
        {**m, "id_number": _snapshot_id(m["id_number"], user)} if m.get("id_number") else m
        for m in case.members_snapshot
    ]
    return {
        **_item(case, user, today),
        "description": case.description,
        "warning_id": case.warning_id,
        "previous_case_id": case.previous_case_id,
        "next_case_id": case.next_cases.values_list("pk", flat=True).first(),
        "precheck": [f.__dict__ for f in precheck.precheck(case, user, today)],
        "suggested_category": precheck.suggested_category(case.household, today),
        "notice_starts_on": case.notice_starts_on,
        "notice_ends_on": case.notice_ends_on,
        "identified_on": case.identified_on,
        "eliminated_on": case.eliminated_on,
        "elimination_mode": case.elimination_mode,
        "rejected_reason": case.rejected_reason,
        "objection": case.objection,
        "comparison": case.comparison,
        "members_at_approval": case.members_at_approval,
        "members_snapshot": members,
        "income_snapshot": case.income_snapshot,
        "plan": _plan(plan, warnings),
        "measures": [_measure(m) for m in measures],
        "consistency_warnings": [w.__dict__ for w in warnings],
        "attachments": [
            {
                "id": d.pk,
                "kind": d.kind,
                "title": d.title,
                "url": _document_url(case.pk, d.pk),
                "uploaded_at": d.uploaded_at,
            }
            for d in case.household.documents.order_by("-uploaded_at", "-id")
        ],
        "history": [_event(e) for e in case.events.all()],
    }


@cases_router.post("", response={201: CaseCreatedOut}, summary="上报监测对象(发现)")
def case_create(request: AuthedRequest, body: CaseIn) -> Status[dict[str, Any]]:
    user = request.auth
    household = get_scoped(Household.objects.all(), user, pk=body.household_id)
    warning = None
    if body.warning_id is not None:
        warning = get_scoped(Warning.objects.all(), user, pk=body.warning_id)
    previous = None
    if body.previous_case_id is not None:
        previous = get_scoped(Case.objects.all(), user, pk=body.previous_case_id)
    case = services.case_create(
        user=user,
        household=household,
        channel=body.channel,
        category=body.category,
        risk_types=body.risk_types,
        description=body.description,
        warning=warning,
        reported_on=body.reported_on,
        previous_case=previous,
    )
    return Status(
        201,
        {
            "id": case.pk,
            "state": case.state,
            "deadline": case.deadline,
            "deadline_provisional": case.deadline_provisional,
        },
    )


@cases_router.get("", response=CaseListOut, summary="监测对象列表(按时限排序,标注逾期)")
def case_list(
    request: AuthedRequest,
    region: str | None = None,
    state: str | None = None,
    overdue: bool | None = None,
    page: int = 1,
    q: str | None = None,
    category: str | None = None,
    risk: str | None = None,
    cursor: str | None = None,
) -> dict[str, Any]:
    user = request.auth
    qs = selectors.case_list(
        user=user,
        region=region,
        state=state,
        overdue=overdue,
        q=q,
        category=category,
        risk=risk,
    )
    found = keyset_page(qs, CASE_ORDER, size=PAGE_SIZE, cursor=cursor, page=page)
    today = clock.today()
    return {
        "items": [_item(c, user, today) for c in found.rows],
        "count": found.count,
        "count_capped": found.count_capped,
        "next_cursor": found.next_cursor,
    }


@cases_router.get("/{case_id}", response=CaseOut, summary="监测对象详情与办理记录")
def case_detail(request: AuthedRequest, case_id: int) -> dict[str, Any]:
    case = selectors.case_get(user=request.auth, case_id=case_id)
    return _detail(case, request.auth)


def _action_body(request: AuthedRequest) -> dict[str, Any]:
    """The action's JSON body; none at all is an empty body (approvals need no fields)."""
    if request.content_type != "application/json":
        # No body, or a form post: its fields (if any) are the body.
        return request.POST.dict() if request.method == "POST" and request.POST else {}
    if not request.body.strip():
        return {}
    try:
        raw = json.loads(request.body)
    except ValueError:
        raise ValidationError([{"loc": ["body"], "msg": "请求体不是合法的 JSON"}]) from None
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ValidationError([{"loc": ["body"], "msg": "请求体应为 JSON 对象"}])
    return raw


@cases_router.post(
    "/{case_id}/actions/{action}",
    response=CaseOut,
    summary="办理环节:" + "/".join(workflow.ACTIONS),
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {"application/json": {"schema": ActionIn.model_json_schema()}},
        }
    },
)
def case_action(request: AuthedRequest, case_id: int, action: str) -> dict[str, Any]:
    spec = workflow.ACTIONS.get(action)
    if spec is None:
        raise NotFound(f"未知的操作 {action}", code=MonitoringErrorCode.UNKNOWN_ACTION)
    raw = _action_body(request)
    try:
        body = spec.body.model_validate(raw).model_dump(exclude={"version"})
    except PydanticError as exc:
        raise ValidationError([dict(e) for e in exc.errors()]) from None
    services.case_act(
        user=request.auth,
        case_id=case_id,
        action=action,
        body=body,
        expected_version=raw.get("version"),
    )
    return _detail(selectors.case_get(user=request.auth, case_id=case_id), request.auth)


@cases_router.get("/{case_id}/plan", response=PlanOut, summary="一户一策帮扶计划")
def plan_get(request: AuthedRequest, case_id: int) -> dict[str, Any]:
    case = selectors.case_get(user=request.auth, case_id=case_id)
    plan = selectors.household_plan(case.household) or Plan(household=case.household)
    return _plan(plan, selectors.consistency_warnings(case, plan=plan)) or {}


@cases_router.put("/{case_id}/plan", response=PlanOut, summary="设置帮扶责任人与监测联系人")
def plan_put(request: AuthedRequest, case_id: int, body: PlanIn) -> dict[str, Any]:
    plan = services.plan_set(user=request.auth, case_id=case_id, **body.dict())
    case = selectors.case_get(user=request.auth, case_id=case_id)
    return _plan(plan, selectors.consistency_warnings(case, plan=plan)) or {}


@cases_router.post("/{case_id}/measures", response={201: MeasureOut}, summary="登记帮扶措施")
def measure_create(request: AuthedRequest, case_id: int, body: MeasureIn) -> Status[dict[str, Any]]:
    if body.amount is not None and not body.amount.is_finite():
        raise BadValue("金额无效", code=MonitoringErrorCode.INVALID_AMOUNT)
    measure = services.measure_create(user=request.auth, case_id=case_id, **body.dict())
    return Status(201, _measure(measure))


@cases_router.put(
    "/{case_id}/measures/{measure_id}", response=MeasureOut, summary="更新措施状态或结束日期"
)
def measure_update(
    request: AuthedRequest, case_id: int, measure_id: int, body: MeasureUpdateIn
) -> dict[str, Any]:
    measure = services.measure_update(
        user=request.auth, case_id=case_id, measure_id=measure_id, **body.dict()
    )
    return _measure(measure)


@cases_router.post(
    "/{case_id}/attachments",
    response={201: AttachmentOut},
    summary="上传办理材料(入户核实表、授权承诺书、评议记录、公示照片),存入户档",
)
def attachment_add(
    request: AuthedRequest,
    case_id: int,
    file: File[UploadedFile],
    kind: str = Form(..., max_length=32),
    title: str = Form("", max_length=200),
) -> Status[dict[str, Any]]:
    document = services.case_attachment_add(
        user=request.auth, case_id=case_id, kind=kind, title=title, file=file, filename=file.name
    )
    return Status(
        201,
        {
            "id": document.pk,
            "kind": document.kind,
            "title": document.title,
            "url": _document_url(case_id, document.pk),
            "uploaded_at": document.uploaded_at,
        },
    )


@cases_router.get(
    "/{case_id}/attachments/{document_id}",
    response={200: None},
    summary="下载办理材料(以附件形式下载,不在浏览器中打开)",
)
def attachment_download(request: AuthedRequest, case_id: int, document_id: int) -> HttpResponseBase:
    case = selectors.case_get(user=request.auth, case_id=case_id)
    document = case.household.documents.filter(pk=document_id).first()
    if document is None or not document.file:
        raise NotFound("材料不存在")
    name = (document.file.name or "document").rsplit("/", 1)[-1]
    return file_download(document.file.open("rb"), filename=name)
