"""Opening a case and taking workflow actions on it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from fangpin.accounts.models import Role, User
from fangpin.core import idcrypt
from fangpin.core.deadlines import add_working_days
from fangpin.core.errors import BadValue, Conflict, Forbidden, NotFound
from fangpin.core.scoping import covers, get_scoped
from fangpin.dashboard.counters import counters_apply, elimination_deltas, identification_deltas
from fangpin.policy.services import parameter_int
from fangpin.registry.models import Household
from fangpin.screening.models import Warning

from .. import clock, workflow
from ..guards import GuardCode, GuardContext, latest_income, line_for
from ..models import (
    Case,
    Category,
    Channel,
    EliminationMode,
    State,
)
from .common import _choice, _event, _jsonable, clean_risk_types

NOTICE_BACKDATE_DAYS = 30


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
            # Encrypted like the registry's own copy (see core.idcrypt).
            "id_number": idcrypt.encrypt(m.person.id_number),
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
