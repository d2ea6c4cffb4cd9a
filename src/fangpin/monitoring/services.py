"""Writes of the monitoring workflow: open a case, act on it, plan and record assistance.

Every use case runs in one transaction, locks the case row first (`select_for_update`; on
SQLite the IMMEDIATE transaction serialises writers), checks the table in `workflow.py` and
its guards, changes the state with `save(update_fields=...)` and writes one `CaseEvent`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from fangpin.accounts.models import Role, User
from fangpin.core.deadlines import add_working_days
from fangpin.core.errors import BadValue, Conflict, Forbidden, NotFound
from fangpin.core.scoping import covers, get_scoped
from fangpin.dashboard.counters import counters_apply, elimination_deltas, identification_deltas
from fangpin.policy.services import parameter_int
from fangpin.registry.models import ArchiveDocument, Household
from fangpin.registry.services import archive_document_add
from fangpin.screening.models import Warning

from . import clock, workflow
from .guards import GuardCode, GuardContext, latest_income, line_for
from .models import (
    IDENTIFICATION_STATES,
    Case,
    CaseEvent,
    Category,
    Channel,
    EliminationMode,
    Measure,
    MeasureStatus,
    MeasureType,
    Plan,
    RiskType,
    State,
)

MAX_RISK_TYPES = 5
NOTICE_BACKDATE_DAYS = 30
PLAN_ROLES = frozenset({Role.VILLAGE, Role.TOWNSHIP})
MEASURE_ROLES = frozenset({Role.VILLAGE, Role.TOWNSHIP})


# --- validation -----------------------------------------------------------------------------


def clean_risk_types(raw: Iterable[str]) -> list[str]:
    codes = [str(code).strip() for code in raw]
    if not 1 <= len(codes) <= MAX_RISK_TYPES:
        raise BadValue("风险类型须填写 1 至 5 项", code="invalid_risk_types")
    unknown = [code for code in codes if code not in RiskType.values]
    if unknown:
        raise BadValue(
            f"未知的风险类型代码:{'、'.join(unknown)}(应为全国系统代码,如 01、0201、07)",
            code="invalid_risk_types",
        )
    if len(set(codes)) != len(codes):
        raise BadValue("风险类型不能重复", code="invalid_risk_types")
    return codes


def _choice(value: str, choices: Any, what: str, code: str) -> str:
    if value not in choices.values:
        raise BadValue(f"{what}取值无效:{value}", code=code)
    return value


def _event(
    *, case: Case, user: User | None, action: str, from_state: str, body: dict[str, Any]
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, actor=user, action=action, from_state=from_state, to_state=case.state, body=body
    )


def _jsonable(body: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in body.items():
        if isinstance(value, dt.date):
            out[key] = value.isoformat()
        elif isinstance(value, Decimal):
            out[key] = str(value)
        else:
            out[key] = value
    return out


# --- opening a case -------------------------------------------------------------------------


def case_create(
    *,
    user: User,
    household: Household,
    channel: str,
    category: str,
    risk_types: Iterable[str],
    description: str = "",
    warning: Warning | None = None,
) -> Case:
    """Open a case (state `reported`) with its inclusion deadline in working days.

    Works inside a caller's transaction (screening opens cases from warnings): the insert runs
    in a savepoint, so a refused case leaves the caller's transaction usable.
    """
    if user.role not in workflow.REPORT_ROLES:
        raise Forbidden("您的角色不能上报监测对象")
    if not covers(user, household.village_id):
        raise NotFound()
    _choice(channel, Channel, "发现渠道", "invalid_channel")
    _choice(category, Category, "监测对象类别", "invalid_category")
    codes = clean_risk_types(risk_types)
    if warning is not None and warning.household_id != household.pk:
        raise BadValue("预警与农户不一致", code="warning_household_mismatch")

    with transaction.atomic():
        # Lock the household so two reports of one household queue up behind each other.
        Household.objects.select_for_update().filter(pk=household.pk).first()
        if Case.objects.open().filter(household=household).exists():
            raise Conflict(
                "该户已有正在办理或监测中的记录,不能重复纳入",
                code=GuardCode.HOUSEHOLD_HAS_OPEN_CASE,
            )
        if warning is not None:
            warning = Warning.objects.select_for_update().get(pk=warning.pk)
            if warning.status == Warning.Status.DISMISSED or warning.cases.exists():
                raise Conflict("该预警已处理", code=GuardCode.WARNING_NOT_OPEN)
        discovered = (
            timezone.localdate(warning.created_at)
            if warning is not None and warning.created_at
            else clock.today()
        )
        due = add_working_days(discovered, parameter_int("inclusion_deadline_working_days"))
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    household=household,
                    village_id=household.village_id,
                    channel=channel,
                    category=category,
                    risk_types=codes,
                    description=description,
                    warning=warning,
                    discovered_on=discovered,
                    deadline=due.due_on,
                    deadline_provisional=due.provisional,
                    created_by=user,
                )
        except IntegrityError:
            raise Conflict(
                "该户已有正在办理或监测中的记录,不能重复纳入",
                code=GuardCode.HOUSEHOLD_HAS_OPEN_CASE,
            ) from None
        if warning is not None and warning.status == Warning.Status.OPEN:
            warning.status = Warning.Status.CASE_OPENED
            warning.resolved_by = user
            warning.resolved_at = timezone.now()
            warning.save(update_fields=["status", "resolved_by", "resolved_at"])
        _event(
            case=case,
            user=user,
            action="report",
            from_state="",
            body={
                "channel": channel,
                "category": category,
                "risk_types": codes,
                "description": description,
                "warning_id": warning.pk if warning else None,
            },
        )
    return case


def deadlines_recompute() -> int:
    """Recompute provisional inclusion deadlines (after the holiday calendar was updated).

    Returns how many cases changed. Only cases still in identification are touched: a
    deadline that has done its work is history.
    """
    days = parameter_int("inclusion_deadline_working_days")
    changed = 0
    with transaction.atomic():
        open_cases = Case.objects.select_for_update().filter(
            deadline_provisional=True, state__in=IDENTIFICATION_STATES
        )
        for case in open_cases:
            due = add_working_days(case.discovered_on, days)
            if (due.due_on, due.provisional) != (case.deadline, case.deadline_provisional):
                case.deadline, case.deadline_provisional = due.due_on, due.provisional
                case.save(update_fields=["deadline", "deadline_provisional", "updated_at"])
                changed += 1
    return changed


# --- acting on a case -----------------------------------------------------------------------


def _check_body(action: str, body: dict[str, Any], today: dt.date) -> None:
    """Values a schema cannot check alone (400)."""
    if action == "deliberate":
        total, agree = body["votes_total"], body["votes_agree"]
        disagree = body["votes_disagree"]
        if total <= 0 or agree < 0 or disagree < 0 or agree + disagree > total:
            raise BadValue("表决票数不正确:同意与反对票之和不能超过参会人数", code="invalid_votes")
    elif action == "publicize":
        starts: dt.date = body["starts_on"]
        if starts < today - dt.timedelta(days=NOTICE_BACKDATE_DAYS):
            raise BadValue(
                f"公示开始日期最多可补录 {NOTICE_BACKDATE_DAYS} 天前的日期",
                code="notice_start_too_early",
            )
        if body["days"] <= 0:
            raise BadValue("公示天数须为正数", code="invalid_notice_days")
        # A notice runs days or weeks; past a year the end date is a typo (or overflows).
        if body["days"] > 366 or starts > today + dt.timedelta(days=366):
            raise BadValue("公示开始日期或天数超出合理范围,请核对", code="invalid_notice_days")
    elif action == "reject":
        if not str(body.get("reason") or "").strip():
            raise BadValue("退回须填写理由", code="reason_required")
    elif action == "propose_elimination":
        _choice(body.get("mode", ""), EliminationMode, "消除方式", "invalid_mode")


def _snapshot(case: Case, today: dt.date) -> None:
    """Keep the members and the income the county decided on."""
    members = [
        {
            "person_id": m.person_id,
            "name": m.person.name,
            "id_number": m.person.id_number,
            "relation": m.relation,
            "health": m.person.health,
            "labour": m.person.labour,
        }
        for m in case.household.current_memberships().order_by("id")
    ]
    case.members_snapshot = members
    case.members_at_approval = len(members)
    record = latest_income(case.household, today)
    line = line_for(record) if record is not None else None
    case.income_snapshot = (
        {
            "year": record.year,
            "recorded_on": record.recorded_on.isoformat(),
            "net_income": str(record.net_income),
            "per_capita_net": str(record.per_capita_net),
            "members": record.members,
            "line": str(line) if line is not None else None,
        }
        if record is not None
        else None
    )


def _apply(
    case: Case, transition: workflow.Transition, body: dict[str, Any], today: dt.date
) -> list[str]:
    """Set the fields the transition changes; returns them for `update_fields`."""
    action = transition.action
    fields = ["state", "version", "updated_at"]
    if action == "publicize":
        case.notice_starts_on = body["starts_on"]
        case.notice_ends_on = body["starts_on"] + dt.timedelta(days=int(body["days"]) - 1)
        fields += ["notice_starts_on", "notice_ends_on"]
    elif action == "approve_county" and transition.target == State.MONITORED:
        _snapshot(case, today)
        case.identified_on = today
        fields += ["members_snapshot", "members_at_approval", "income_snapshot", "identified_on"]
        counters_apply(
            village_id=case.village_id,
            deltas=identification_deltas(
                category=case.category,
                risk_types=case.risk_types,
                persons=case.members_at_approval or 0,
            ),
        )
    elif action == "approve_county" and transition.target == State.ELIMINATED:
        case.eliminated_on = today
        fields.append("eliminated_on")
        counters_apply(
            village_id=case.village_id,
            deltas=elimination_deltas(persons=case.members_at_approval or 0),
        )
    elif action == "propose_elimination":
        case.elimination_mode = body["mode"]
        case.notice_starts_on = case.notice_ends_on = None
        fields += ["elimination_mode", "notice_starts_on", "notice_ends_on"]
    elif action == "reject":
        if transition.target == State.REJECTED:
            case.rejected_reason = body["reason"]
            fields.append("rejected_reason")
        else:
            # Back to monitoring: the elimination attempt is over, its notice with it.
            case.elimination_mode = ""
            case.notice_starts_on = case.notice_ends_on = None
            fields += ["elimination_mode", "notice_starts_on", "notice_ends_on"]
    case.state = transition.target
    case.version += 1
    return fields


def case_act(
    *,
    user: User,
    case_id: int,
    action: str,
    body: dict[str, Any] | None = None,
    expected_version: int | None = None,
) -> Case:
    """Take one workflow action on a case, as the table in `workflow.py` allows."""
    body = dict(body or {})
    if action not in workflow.ACTIONS:
        raise NotFound(f"未知的操作 {action}", code="unknown_action")
    with transaction.atomic():
        case = get_scoped(
            Case.objects.select_for_update().select_related("household"), user, pk=case_id
        )
        if user.role not in workflow.roles_for_action(action):
            raise Forbidden(f"您的角色不能执行「{workflow.ACTION_LABELS[action]}」")
        if expected_version is not None and expected_version != case.version:
            raise Conflict("该记录已被他人更新,请刷新后重试", code=GuardCode.CASE_CHANGED)
        transition = workflow.transition_for(case.state, action)
        if transition is None:
            raise Conflict(
                f"当前状态「{case.get_state_display()}」不能执行「{workflow.ACTION_LABELS[action]}」",
                code=GuardCode.ACTION_NOT_ALLOWED,
            )
        if user.role not in transition.roles:
            # The role takes this action at another step: the case is not where it expected.
            raise Conflict(
                f"当前环节「{case.get_state_display()}」的「{workflow.ACTION_LABELS[action]}」须由"
                f"{'、'.join(str(Role(r).label) for r in sorted(transition.roles))}用户办理",
                code=GuardCode.ACTION_NOT_ALLOWED,
            )
        today = clock.today()
        _check_body(action, body, today)
        ctx = GuardContext(case=case, user=user, body=body, today=today)
        for guard in transition.guards:
            guard(ctx)
        from_state = case.state
        fields = _apply(case, transition, body, today)
        case.save(update_fields=fields)
        _event(case=case, user=user, action=action, from_state=from_state, body=_jsonable(body))
    return case


# --- attachments ----------------------------------------------------------------------------

# Documents of the procedure, kept in the household archive (户档) under these kinds.
ATTACHMENT_KINDS: dict[str, str] = {
    "visit_form": "入户核实表",
    "consent": "授权承诺书",
    "minutes": "民主评议记录",
    "notice_photo": "公示照片",
    "other": "其他",
}
ATTACHMENT_ROLES = frozenset({Role.VILLAGE, Role.TOWNSHIP, Role.COUNTY})


@transaction.atomic
def case_attachment_add(
    *, user: User, case_id: int, kind: str, file: Any, title: str = "", filename: str | None = None
) -> ArchiveDocument:
    """File a procedure document (visit form, consent, minutes, notice photo) for the case."""
    case = get_scoped(Case.objects.select_related("household"), user, pk=case_id)
    if user.role not in ATTACHMENT_ROLES:
        raise Forbidden("您的角色不能上传办理材料")
    if kind not in ATTACHMENT_KINDS:
        raise BadValue(
            f"材料类别应为:{'、'.join(ATTACHMENT_KINDS)}", code="invalid_attachment_kind"
        )
    label = ATTACHMENT_KINDS[kind]
    document = archive_document_add(
        user=user,
        household_id=case.household_id,
        kind=label,
        title=title.strip() or f"{label}({case.get_state_display()})",
        file=file,
        filename=filename,
    )
    _event(
        case=case,
        user=user,
        action="attach",
        from_state=case.state,
        body={"document_id": document.pk, "kind": kind, "title": document.title},
    )
    return document


# --- plan and measures ----------------------------------------------------------------------


PLAN_FIELDS = (
    "summary",
    "helper_name",
    "helper_phone",
    "helper_unit",
    "contact_name",
    "contact_phone",
    "contact_unit",
)


def _case_for_assistance(user: User, case_id: int, roles: frozenset[str]) -> Case:
    case = get_scoped(Case.objects.select_related("household"), user, pk=case_id)
    if user.role not in roles:
        raise Forbidden("您的角色不能登记帮扶计划或措施")
    if case.state == State.REJECTED:
        raise Conflict("未纳入监测的记录不能登记帮扶", code=GuardCode.ACTION_NOT_ALLOWED)
    return case


@transaction.atomic
def plan_set(*, user: User, case_id: int, **values: str) -> Plan:
    """Set the household's plan (一户一策): helper, contact and the plan text."""
    case = _case_for_assistance(user, case_id, PLAN_ROLES)
    unknown = set(values) - set(PLAN_FIELDS)
    if unknown:
        raise BadValue(f"未知字段:{'、'.join(sorted(unknown))}", code="invalid_field")
    plan, _ = Plan.objects.select_for_update().get_or_create(household=case.household)
    for key, value in values.items():
        setattr(plan, key, (value or "").strip())
    plan.save()
    _event(case=case, user=user, action="plan", from_state=case.state, body=dict(values))
    return plan


def _check_measure_dates(starts_on: dt.date, ends_on: dt.date | None) -> None:
    if ends_on is not None and ends_on < starts_on:
        raise BadValue("结束日期不能早于开始日期", code="invalid_dates")


@transaction.atomic
def measure_create(
    *,
    user: User,
    case_id: int,
    type: str,
    content: str,
    starts_on: dt.date,
    status: str = MeasureStatus.PLANNED,
    amount: Decimal | None = None,
    ends_on: dt.date | None = None,
) -> Measure:
    case = _case_for_assistance(user, case_id, MEASURE_ROLES)
    _choice(type, MeasureType, "帮扶类型", "invalid_measure_type")
    _choice(status, MeasureStatus, "措施状态", "invalid_measure_status")
    if not content.strip():
        raise BadValue("请填写帮扶内容", code="content_required")
    if amount is not None and amount < 0:
        raise BadValue("金额不能为负数", code="invalid_amount")
    # The column holds 12 digits (10 before the point): a larger sum would fail in the database.
    if amount is not None and amount >= Decimal(10) ** 10:
        raise BadValue("金额过大,请核对", code="invalid_amount")
    _check_measure_dates(starts_on, ends_on)
    measure = Measure.objects.create(
        household=case.household,
        case=case,
        type=type,
        content=content.strip(),
        amount=amount,
        starts_on=starts_on,
        ends_on=ends_on,
        status=status,
        created_by=user,
    )
    _event(
        case=case,
        user=user,
        action="measure",
        from_state=case.state,
        body=_jsonable(
            {
                "measure_id": measure.pk,
                "type": type,
                "content": measure.content,
                "amount": amount,
                "starts_on": starts_on,
                "ends_on": ends_on,
                "status": status,
            }
        ),
    )
    return measure


@transaction.atomic
def measure_update(
    *,
    user: User,
    case_id: int,
    measure_id: int,
    status: str | None = None,
    ends_on: dt.date | None = None,
) -> Measure:
    """Mark a measure implemented or end it: measures end only by such an explicit decision."""
    case = _case_for_assistance(user, case_id, MEASURE_ROLES)
    try:
        measure = Measure.objects.select_for_update().get(pk=measure_id, household=case.household)
    except Measure.DoesNotExist:
        raise NotFound() from None
    changes: dict[str, Any] = {}
    if status is not None:
        measure.status = _choice(status, MeasureStatus, "措施状态", "invalid_measure_status")
        changes["status"] = status
    if ends_on is not None:
        _check_measure_dates(measure.starts_on, ends_on)
        measure.ends_on = ends_on
        changes["ends_on"] = ends_on
    measure.save()
    _event(
        case=case,
        user=user,
        action="measure_update",
        from_state=case.state,
        body=_jsonable({"measure_id": measure.pk, **changes}),
    )
    return measure
