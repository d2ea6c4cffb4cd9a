"""Opening a case and taking workflow actions on it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from fangpin.accounts.models import Role, User
from fangpin.core import metrics
from fangpin.core.deadlines import add_working_days
from fangpin.core.errors import BadValue, Conflict, Forbidden, NotFound
from fangpin.core.scoping import covers, get_scoped
from fangpin.policy.services import parameter_int
from fangpin.registry.models import Household
from fangpin.screening.models import Warning

from .. import clock, dates, workflow
from ..error_codes import MonitoringErrorCode as Code
from ..guards import GuardCode, GuardContext
from ..models import Case, CaseEvent, Category, Channel, State
from .common import _choice, _event, _jsonable, check_risk_types_fit, clean_risk_types

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
    reported_on: dt.date | None = None,
    previous_case: Case | None = None,
) -> Case:
    """Open a case (state `reported`) with its inclusion deadline in working days.

    `reported_on` (default today) is the day the household was reported; the deadline counts
    from it, or from the warning's day if that is earlier.

    `previous_case`: a re-report after a refusal (未纳入) of the same household, with the
    corrected category. The new case is linked to it and carries over what it recorded: the
    description (when none is given), the verification findings, the 信息比对 and the
    department evidence, so nothing is typed twice.

    Works inside a caller's transaction (screening opens cases from warnings): the insert runs
    in a savepoint, so a refused case leaves the caller's transaction usable.
    """
    if user.role not in workflow.REPORT_ROLES:
        raise Forbidden("您的角色不能上报监测对象")
    if not covers(user, household.village_id):
        raise NotFound()
    _choice(channel, Channel, "发现渠道", Code.INVALID_CHANNEL)
    _choice(category, Category, "监测对象类别", Code.INVALID_CATEGORY)
    codes = clean_risk_types(risk_types)
    today = clock.today()
    reported = reported_on or today
    dates.check_day(reported, today=today, previous=None, what="上报日期")
    check_risk_types_fit(household, codes, reported)
    if warning is not None and warning.household_id != household.pk:
        raise BadValue("预警与农户不一致", code=Code.WARNING_HOUSEHOLD_MISMATCH)
    if previous_case is not None and previous_case.household_id != household.pk:
        raise BadValue("前次上报的记录与农户不一致", code=Code.PREVIOUS_CASE_MISMATCH)

    with transaction.atomic():
        # Lock the household so two reports of one household queue up behind each other.
        Household.objects.select_for_update().filter(pk=household.pk).first()
        carried: dict[str, Any] = {}
        if previous_case is not None:
            previous_case = Case.objects.select_for_update().get(pk=previous_case.pk)
            carried = _carried_over(previous_case)
            if not description:
                description = previous_case.description
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
            min(reported, timezone.localdate(warning.created_at))
            if warning is not None and warning.created_at
            else reported
        )
        days = parameter_int("inclusion_deadline_working_days", year=discovered.year)
        due = add_working_days(discovered, days)
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
                    previous_case=previous_case,
                    comparison=previous_case.comparison if previous_case else None,
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
                dates.REPORT_DAY: reported.isoformat(),
                **carried,
            },
        )
        if previous_case is not None:
            _copy_evidence(previous_case, case)
        transaction.on_commit(lambda: metrics.case_transition(action="report", to_state=case.state))
    return case


def _carried_over(previous: Case) -> dict[str, Any]:
    """What the refused case recorded that its re-report keeps (refuses what cannot go on)."""
    if previous.state != State.REJECTED:
        raise Conflict(
            "只有未纳入(被退回)的记录可以重新上报", code=GuardCode.PREVIOUS_CASE_NOT_REFUSED
        )
    if previous.next_cases.exists():
        raise Conflict("该记录已重新上报过", code=GuardCode.PREVIOUS_CASE_CONTINUED)
    carried: dict[str, Any] = {
        "previous_case_id": previous.pk,
        "previous_category": previous.category,
        "previous_reason": previous.rejected_reason,
    }
    verify = previous.events.filter(action="verify").order_by("-id").first()
    if verify is not None and verify.body.get("findings"):
        carried["findings"] = verify.body["findings"]
    return carried


def _copy_evidence(previous: Case, case: Case) -> None:
    """Department evidence attached to the refused case goes on with the new one."""
    CaseEvent.objects.bulk_create(
        CaseEvent(
            case=case,
            actor=e.actor,
            action=e.action,
            from_state=case.state,
            to_state=case.state,
            body={**e.body, "carried_from_case_id": previous.pk},
        )
        for e in previous.events.filter(action="department_evidence").order_by("id")
    )


# --- acting on a case -----------------------------------------------------------------------


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
    spec = workflow.ACTIONS.get(action)
    if spec is None:
        raise NotFound(f"未知的操作 {action}", code=Code.UNKNOWN_ACTION)
    with transaction.atomic():
        case = get_scoped(
            Case.objects.select_for_update().select_related("household"), user, pk=case_id
        )
        if user.role not in workflow.roles_for_action(action):
            raise Forbidden(f"您的角色不能执行「{spec.label}」")
        if expected_version is not None and expected_version != case.version:
            raise Conflict("该记录已被他人更新,请刷新后重试", code=GuardCode.CASE_CHANGED)
        transition = workflow.transition_for(case.state, action)
        if transition is None:
            raise Conflict(
                f"当前状态「{case.get_state_display()}」不能执行「{spec.label}」",
                code=GuardCode.ACTION_NOT_ALLOWED,
            )
        if user.role not in transition.roles:
            # The role takes this action at another step: the case is not where it expected.
            raise Conflict(
                f"当前环节「{case.get_state_display()}」的「{spec.label}」须由"
                f"{'、'.join(str(Role(r).label) for r in sorted(transition.roles))}用户办理",
                code=GuardCode.ACTION_NOT_ALLOWED,
            )
        today = clock.today()
        day = _step_day(spec, body, today)
        for check in spec.checks:
            check(body, today)
        dates.check_day(day, today=today, previous=_previous_day(case), what=_day_name(spec))
        # Guards and effects judge the case as of the day the step happened.
        ctx = GuardContext(case=case, user=user, body=body, today=day)
        for guard in transition.guards:
            guard(ctx)
        from_state = case.state
        fields = ["state", "version", "updated_at"]
        if spec.effect is not None:
            fields += spec.effect(case, transition, body, day)
        case.state = transition.target
        case.version += 1
        case.save(update_fields=fields)
        _event(case=case, user=user, action=action, from_state=from_state, body=_jsonable(body))
        to_state = case.state
        transaction.on_commit(lambda: metrics.case_transition(action=action, to_state=to_state))
    return case


STEP_ACTIONS = frozenset({"report", *workflow.ACTIONS})


def _step_day(spec: workflow.Action, body: dict[str, Any], today: dt.date) -> dt.date:
    """The day the step happened, written into the body: `done_on` (for a notice, its start)."""
    if spec.name == "publicize":
        day = body.get("starts_on") or body.get(dates.ACTION_DAY) or today
        body["starts_on"] = day
    else:
        day = body.get(dates.ACTION_DAY) or today
    body[dates.ACTION_DAY] = day
    return day  # type: ignore[no-any-return]


def _day_name(spec: workflow.Action) -> str:
    return "公示开始日期" if spec.name == "publicize" else f"「{spec.label}」的办理日期"


def _previous_day(case: Case) -> dt.date:
    return dates.previous_step_day(case, STEP_ACTIONS)
