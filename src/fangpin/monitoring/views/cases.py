"""The case page, the workflow action forms and the report form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from fangpin.accounts.models import Role, User
from fangpin.core.errors import NotFound
from fangpin.core.idcard import mask, mask_phone
from fangpin.registry import selectors as registry_selectors
from fangpin.web.pages import Outcome, request_user, submit

from .. import clock, dates, notices, precheck, selectors, services, workflow
from ..error_codes import ADVICE
from ..forms import MeasureForm, PlanForm, ReportForm
from ..guards import GuardCode
from ..models import (
    ELIMINATION_STATES,
    IDENTIFICATION_STATES,
    IDENTIFIED_STATES,
    Case,
    Category,
    Channel,
    EliminationMode,
    MeasureStatus,
    MeasureType,
    State,
)
from .common import _case, _refusal

_CHOICES: dict[str, Any] = {
    "mode": EliminationMode,
    "channel": Channel,
    "category": Category,
    "previous_category": Category,
    "type": MeasureType,
    "status": MeasureStatus,
}


# ---------------------------------------------------------------------------- case page


def _outcome_refusal(done: Outcome[Any]) -> tuple[dict[str, str] | None, int]:
    """The refusal box and status of a form that did not go through (400: invalid form)."""
    if done.refusal is None:
        return None, 400
    return _refusal(done.refusal), done.refusal.status


def _shown_value(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if key == "risk_types" and isinstance(value, list):
        return "、".join(notices.risk_labels([str(v) for v in value]))
    choices = _CHOICES.get(key)
    if choices is not None and value in choices.values:
        return str(choices(value).label)
    if key in {"helper_phone", "contact_phone"}:
        return str(value or "")
    return "" if value is None else str(value)


def _history(case: Case) -> list[dict[str, Any]]:
    out = []
    for event in case.events.all():
        actor = event.actor
        labels = workflow.body_labels(event.action)
        body = [
            (labels[k], _shown_value(k, v))
            for k, v in event.body.items()
            if k in labels and v not in (None, "", [])
        ]
        out.append(
            {
                "label": workflow.event_label(event.action),
                "action": event.action,
                # The day the step happened (steps only), apart from when it was entered.
                "done_on": (
                    dates.event_day(event) if event.action in services.STEP_ACTIONS else None
                ),
                "at": event.at,
                "actor": (actor.get_full_name() or actor.username) if actor else "",
                "role": Role(actor.role).label if actor else "",
                # Plans and measures do not move the case: no state to show for them.
                "to_state": State(event.to_state).label
                if event.to_state in State.values
                and (event.action in workflow.ACTIONS or event.action == "report")
                else "",
                "body": body,
            }
        )
    return out


def _members(case: Case, user: User) -> list[dict[str, Any]]:
    full = user.sees_personal_data
    return [
        {
            "name": m.person.name,
            "relation": m.relation,
            "id_number": m.person.id_number if full else mask(m.person.id_number),
            "labour": m.person.labour,
            "health": m.person.health,
        }
        for m in case.household.current_memberships().order_by("id")
    ]


def _detail_context(request: HttpRequest, case: Case) -> dict[str, Any]:
    user = request_user(request)
    today = clock.today()
    household = case.household
    plan = selectors.household_plan(household)
    measures = selectors.household_measures(household)
    may_assist = user.role in services.PLAN_ROLES and case.state in selectors.PLAN_STATES
    plan_initial = {name: getattr(plan, name) for name in services.PLAN_FIELDS} if plan else {}
    return {
        "case": case,
        "household": household,
        "phone": household.phone if user.sees_personal_data else mask_phone(household.phone),
        "members": _members(case, user),
        "risk_labels": notices.risk_labels(case.risk_types),
        "overdue": selectors.is_overdue(case, today),
        "history": _history(case),
        "documents": registry_selectors.household_documents(household=household),
        "plan": plan,
        "measures": measures,
        "inconsistencies": selectors.consistency_warnings(case, measures=measures, plan=plan),
        "actions": [(a, workflow.ACTION_LABELS[a]) for a in workflow.allowed_actions(case, user)],
        "may_assist": may_assist,
        "plan_form": PlanForm(initial=plan_initial) if may_assist else None,
        "measure_form": MeasureForm(prefix="m") if may_assist else None,
        "in_elimination": case.state in ELIMINATION_STATES or case.state == State.ELIMINATED,
        "identifying": case.state in IDENTIFICATION_STATES,
        "identified": case.state in IDENTIFIED_STATES,
        "has_notice": case.notice_starts_on is not None
        or any(e.action == "publicize" for e in case.events.all()),
        "latest_income": registry_selectors.household_latest_income(household=household),
        "comparison": case.comparison,
        **_advice_context(case, user, today),
    }


def _advice_context(case: Case, user: User, today: Any) -> dict[str, Any]:
    """The advisory pre-check, the suggested category and the way on after a refusal."""
    findings = precheck.precheck(case, user, today)
    suggestion = precheck.suggested_category(case.household, today)
    next_case = case.next_cases.first()
    return {
        "precheck": findings,
        "suggested_category": suggestion,
        "suggested_label": Category(suggestion).label,
        "suggestion_differs": suggestion != case.category
        and case.state in IDENTIFICATION_STATES | {State.REJECTED},
        "next_case": next_case,
        "may_re_report": case.state == State.REJECTED
        and next_case is None
        and user.role in workflow.REPORT_ROLES
        and registry_selectors.household_open_case(household=case.household) is None,
    }


@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    return render(request, "monitoring/case_detail.html", _detail_context(request, case))


@login_required
def case_action(request: HttpRequest, case_id: int, action: str) -> HttpResponse:
    """One form per workflow action; a refusal is shown on the form in plain words."""
    user = request_user(request)
    spec = workflow.ACTIONS.get(action)
    if spec is None:
        raise Http404("未知的操作")
    form_class = spec.form
    case = _case(request, case_id)
    refusal: dict[str, str] | None = None
    status = 200
    if request.method == "POST":
        form = form_class(request.POST)
        done = submit(
            form,
            lambda data: services.case_act(
                user=user,
                case_id=case.pk,
                action=action,
                body=form.body(),
                expected_version=data.get("version"),
            ),
            on_form=False,
        )
        if done.ok:
            messages.success(request, f"已办理「{spec.label}」。")
            return redirect("monitoring:case_detail", case_id=case.pk)
        refusal, status = _outcome_refusal(done)
    else:
        form = form_class(initial={"version": case.version})
        if action not in workflow.allowed_actions(case, user):
            if user.role not in workflow.roles_for_action(action):
                raise PermissionDenied(f"您的角色不能执行「{spec.label}」")
            refusal = {
                "detail": f"当前环节「{case.get_state_display()}」不能办理「{spec.label}」。",
                "advice": ADVICE[GuardCode.ACTION_NOT_ALLOWED],
                "code": GuardCode.ACTION_NOT_ALLOWED,
            }
    return render(
        request,
        "monitoring/case_action.html",
        {
            "case": case,
            "action": action,
            "action_label": spec.label,
            "form": form,
            "refusal": refusal,
            "elimination": case.state in ELIMINATION_STATES,
            "risk_labels": notices.risk_labels(case.risk_types),
            "overdue": selectors.is_overdue(case),
            "identifying": case.state in IDENTIFICATION_STATES,
        },
        status=status,
    )


# ---------------------------------------------------------------------------- report


def _previous_case(request: HttpRequest, user: User) -> Case | None:
    """The refused case a re-report continues (?previous=ID or the form's field)."""
    raw = request.POST.get("previous") or request.GET.get("previous")
    if not raw or not raw.isdigit():
        return None
    try:
        return selectors.case_get(user=user, case_id=int(raw))
    except NotFound as exc:
        raise Http404(exc.detail) from exc


@login_required
def case_report(request: HttpRequest) -> HttpResponse:
    """Report a household (from its page, ?household=ID, or found by a search here), or
    re-report a refused case (?previous=ID) with what it recorded carried over."""
    user = request_user(request)
    if user.role not in workflow.REPORT_ROLES:
        raise PermissionDenied("您的角色不能上报监测对象")
    previous = _previous_case(request, user)
    raw = request.POST.get("household") or request.GET.get("household")
    household = None
    if previous is not None:
        household = previous.household
    elif raw and raw.isdigit():
        try:
            household = registry_selectors.household_get(user=user, household_id=raw)
        except NotFound as exc:
            raise Http404(exc.detail) from exc
    refusal = None
    status = 200
    if request.method == "POST" and household is not None:
        form = ReportForm(request.POST)
        done = submit(
            form,
            lambda data: services.case_create(
                user=user,
                household=household,
                channel=data["channel"],
                category=data["category"],
                risk_types=data["risk_types"],
                description=data["description"],
                reported_on=data.get("reported_on"),
                previous_case=previous,
            ),
            on_form=False,
        )
        if done.value is not None:
            case = done.value
            messages.success(request, f"已上报,纳入监测时限为 {case.deadline:%Y年%m月%d日}。")
            return redirect("monitoring:case_detail", case_id=case.pk)
        refusal, status = _outcome_refusal(done)
    else:
        initial: dict[str, Any] = {"channel": Channel.CADRE_VISIT}
        if household is not None:
            initial["household"] = household.pk
            initial["category"] = precheck.suggested_category(household)
        if previous is not None:
            initial.update(
                previous=previous.pk,
                channel=previous.channel,
                risk_types=list(previous.risk_types),
                description=previous.description,
            )
        form = ReportForm(initial=initial)
    q = request.GET.get("q", "").strip()
    found = (
        list(registry_selectors.household_list(user=user, q=q)[:20]) if q and not household else []
    )
    open_case = registry_selectors.household_open_case(household=household) if household else None
    return render(
        request,
        "monitoring/case_report.html",
        {
            "household": household,
            "form": form,
            "refusal": refusal,
            "q": q,
            "found": found,
            "open_case": open_case,
            "previous": previous,
            "suggested": precheck.suggested_category(household) if household else "",
        },
        status=status,
    )
