"""Pages of the monitoring workflow: the 待办 queue, case list and page, action forms, the
report form, plan and measures, and the printable notices. Thin: reads through `selectors`,
writes through `services`; which buttons a cadre gets comes from `workflow.TRANSITIONS`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case as When_
from django.db.models import QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from fangpin.accounts.models import Role, User
from fangpin.core.errors import FangpinError, Forbidden, NotFound
from fangpin.core.idcard import mask, mask_phone
from fangpin.policy.services import parameter_int
from fangpin.regions.selectors import region_children, region_get
from fangpin.registry import selectors as registry_selectors
from fangpin.screening import selectors as screening_selectors
from fangpin.screening.models import Warning

from . import clock, notices, pdf, selectors, services, workflow
from .forms import (
    ACTION_FORMS,
    AnnouncementForm,
    MeasureForm,
    PlanForm,
    ReportForm,
)
from .guards import GuardCode
from .models import (
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

PAGE_SIZE = 50
QUEUE_LIMIT = 100

EVENT_LABELS: dict[str, str] = {
    **workflow.ACTION_LABELS,
    "report": "上报",
    "plan": "帮扶计划",
    "measure": "登记帮扶措施",
    "measure_update": "更新帮扶措施",
}

# What a cadre should do when the workflow refuses: the service says why, this says how on.
GUARD_ADVICE: dict[str, str] = {
    GuardCode.HOUSEHOLD_HAS_OPEN_CASE: "请在该户现有的监测记录上继续办理,不要重复上报。",
    GuardCode.ACTION_NOT_ALLOWED: "该记录已进入其他环节,请返回监测对象页面查看当前可办理的操作。",
    GuardCode.CASE_CHANGED: (
        "在您填写期间,他人已办理了该记录。请返回刷新页面,确认最新情况后再办理。"
    ),
    GuardCode.CONSENT_NOT_SIGNED: "请农户签署授权承诺书后勾选此项再提交;承诺书扫描件可上传到户档。",
    GuardCode.DELIBERATION_NOT_PASSED: (
        "同意票须超过参会人数的一半。未通过的,可选择「退回/不予纳入」。"
    ),
    GuardCode.NOTICE_TOO_SHORT: "请按规定的公示天数张贴公示,并按实际天数填写。",
    GuardCode.NOTICE_NOT_ENDED: "公示期满后才能审核,请到期后再办理。",
    GuardCode.CATEGORY_NEEDS_ALLEVIATED: "请退回村级,按正确的监测对象类别重新上报。",
    GuardCode.CATEGORY_NEEDS_ORDINARY: "请退回村级,按正确的监测对象类别重新上报。",
    GuardCode.INCOME_ABOVE_LINE: "请核实收入核算是否准确;确不符合条件的,请退回。",
    GuardCode.HOUSEHOLD_WITHOUT_LABOUR: "整户无劳动能力的家庭应继续落实兜底保障,保持监测帮扶。",
    GuardCode.NO_IMPLEMENTED_MEASURE: (
        "请先在帮扶措施中把已完成的措施标记为「已落实」,或选择「自然消除」。"
    ),
    GuardCode.INCOME_NOT_ABOVE_LINE: "请先录入最新收入核算;收入未稳定高于监测线的,继续帮扶。",
    GuardCode.GUARANTEE_NOT_MET: "请先解决两不愁三保障及饮水安全问题并在农户页面更新评估。",
    GuardCode.MONITORED_TOO_BRIEFLY: "纳入监测时间太短,请满规定月数后再提出风险消除。",
    GuardCode.INCOME_NOT_STABLE: "收入须连续稳定高于监测线达到规定月数,请继续监测。",
    "notice_start_too_early": "补录的公示开始日期不能早于 30 天前,请核对日期。",
    "invalid_votes": "请核对参会人数、同意票和反对票。",
    "reason_required": "请写明退回理由,便于村里和农户了解原因。",
    "invalid_risk_types": "请选择 1 至 5 项风险类型。",
}

BODY_LABELS: dict[str, str] = {
    "findings": "核实情况",
    "consent_signed": "已签授权承诺书",
    "votes_total": "参会人数",
    "votes_agree": "同意票",
    "votes_disagree": "反对票",
    "minutes": "评议记录",
    "starts_on": "开始日期",
    "days": "公示天数",
    "ends_on": "结束日期",
    "opinion": "意见",
    "reason": "理由",
    "mode": "消除方式",
    "channel": "发现渠道",
    "category": "类别",
    "risk_types": "风险类型",
    "description": "情况说明",
    "type": "措施类型",
    "content": "内容",
    "amount": "金额(元)",
    "status": "状态",
    "summary": "帮扶计划",
    "helper_name": "帮扶责任人",
    "helper_phone": "责任人电话",
    "helper_unit": "责任人单位",
    "contact_name": "监测联系人",
    "contact_phone": "联系人电话",
    "contact_unit": "联系人单位",
}
_CHOICES: dict[str, Any] = {
    "mode": EliminationMode,
    "channel": Channel,
    "category": Category,
    "type": MeasureType,
    "status": MeasureStatus,
}


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _raise_http(exc: FangpinError) -> None:
    """Scope and role refusals become the 404 and 403 pages."""
    if isinstance(exc, NotFound):
        raise Http404(exc.detail) from exc
    if isinstance(exc, Forbidden):
        raise PermissionDenied(exc.detail) from exc


def _case(request: HttpRequest, case_id: int) -> Case:
    try:
        return selectors.case_get(user=_user(request), case_id=case_id)
    except NotFound as exc:
        raise Http404(exc.detail) from exc


def _refusal(exc: FangpinError) -> dict[str, str]:
    return {"detail": exc.detail, "advice": GUARD_ADVICE.get(exc.code, ""), "code": exc.code}


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


# ---------------------------------------------------------------------------- 待办


def _acting_states(role: str) -> list[str]:
    """States in which the role moves a case on (the workflow table; refusals not counted).

    A monitored household is not waiting for anyone until it is due for elimination review:
    the village's queue lists those separately (see `todo`).
    """
    return sorted(
        {
            t.source
            for t in workflow.TRANSITIONS
            if role in t.roles and t.action != "reject" and t.source != State.MONITORED
        }
    )


def _oldest_overdue_first(qs: QuerySet[Case], today: dt.date) -> QuerySet[Case]:
    late = When_(When(selectors.overdue_q(today), then=Value(0)), default=Value(1))
    return qs.annotate(late=late).order_by("late", "deadline", "id")


@dataclass
class Row:
    case: Case
    overdue: bool
    actions: list[tuple[str, str]]

    @property
    def identifying(self) -> bool:
        """Still before county approval: the inclusion deadline is what matters."""
        return self.case.state in IDENTIFICATION_STATES


def _rows(cases: list[Case], user: User, today: dt.date) -> list[Row]:
    return [
        Row(
            case=c,
            overdue=selectors.is_overdue(c, today),
            actions=[(a, workflow.ACTION_LABELS[a]) for a in workflow.allowed_actions(c, user)],
        )
        for c in cases
    ]


@login_required
def todo(request: HttpRequest) -> HttpResponse:
    """What waits for this cadre now, oldest and overdue first."""
    user = _user(request)
    today = clock.today()
    states = _acting_states(user.role)
    context: dict[str, Any] = {"states": states}
    if states:
        qs = _oldest_overdue_first(selectors.case_list(user=user, state=",".join(states)), today)
        context["case_count"] = qs.count()
        context["case_rows"] = _rows(list(qs[:QUEUE_LIMIT]), user, today)
        context["overdue_count"] = qs.filter(selectors.overdue_q(today)).count()
    if user.role == Role.VILLAGE:
        warnings = screening_selectors.warning_list(user=user, status=Warning.Status.OPEN)
        context["warning_count"] = warnings.count()
        context["warnings"] = [
            (w, screening_selectors.is_overdue(w, today))
            for w in warnings.order_by("deadline", "id")[:QUEUE_LIMIT]
        ]
        months = parameter_int("elimination_min_months_monitored")
        due_by = clock.add_months(today, -months)
        review = selectors.case_list(user=user, state=State.MONITORED).filter(
            identified_on__lte=due_by
        )
        context["review_count"] = review.count()
        context["review_months"] = months
        context["review"] = list(review.order_by("identified_on", "id")[:QUEUE_LIMIT])
    context["queue_limit"] = QUEUE_LIMIT
    context["may_report"] = user.role in workflow.REPORT_ROLES
    return render(request, "monitoring/todo.html", context)


# ---------------------------------------------------------------------------- list


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    today = clock.today()
    state = request.GET.get("state", "")
    overdue = request.GET.get("overdue") == "1"
    try:
        qs = selectors.case_list(user=user, state=state or None, overdue=True if overdue else None)
    except FangpinError as exc:
        messages.error(request, exc.detail)
        qs = selectors.case_list(user=user)
        state = ""
    page = Paginator(_oldest_overdue_first(qs, today), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/case_list.html",
        {
            "page": page,
            "rows": _rows(list(page.object_list), user, today),
            "state": state,
            "overdue": overdue,
            "states": State.choices,
            "may_report": user.role in workflow.REPORT_ROLES,
        },
    )


# ---------------------------------------------------------------------------- case page


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
        body = [
            (BODY_LABELS.get(k, k), _shown_value(k, v))
            for k, v in event.body.items()
            if k in BODY_LABELS and v not in (None, "", [])
        ]
        out.append(
            {
                "label": EVENT_LABELS.get(event.action, event.action),
                "action": event.action,
                "at": event.at,
                "actor": (actor.get_full_name() or actor.username) if actor else "",
                "role": Role(actor.role).label if actor else "",
                # Plans and measures do not move the case: no state to show for them.
                "to_state": State(event.to_state).label
                if event.to_state in State.values
                and (event.action in workflow.ACTION_LABELS or event.action == "report")
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
    user = _user(request)
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
    }


@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    return render(request, "monitoring/case_detail.html", _detail_context(request, case))


@login_required
def case_action(request: HttpRequest, case_id: int, action: str) -> HttpResponse:
    """One form per workflow action; a refusal is shown on the form in plain words."""
    user = _user(request)
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404("未知的操作")
    case = _case(request, case_id)
    refusal: dict[str, str] | None = None
    status = 200
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                services.case_act(
                    user=user,
                    case_id=case.pk,
                    action=action,
                    body=form.body(),
                    expected_version=form.cleaned_data.get("version"),
                )
            except FangpinError as exc:
                _raise_http(exc)
                refusal, status = _refusal(exc), exc.status
            else:
                messages.success(request, f"已办理「{workflow.ACTION_LABELS[action]}」。")
                return redirect("monitoring:case_detail", case_id=case.pk)
        else:
            status = 400
    else:
        form = form_class(initial={"version": case.version})
        if action not in workflow.allowed_actions(case, user):
            if user.role not in workflow.roles_for_action(action):
                raise PermissionDenied(f"您的角色不能执行「{workflow.ACTION_LABELS[action]}」")
            refusal = {
                "detail": f"当前环节「{case.get_state_display()}」不能办理"
                f"「{workflow.ACTION_LABELS[action]}」。",
                "advice": GUARD_ADVICE[GuardCode.ACTION_NOT_ALLOWED],
                "code": GuardCode.ACTION_NOT_ALLOWED,
            }
    return render(
        request,
        "monitoring/case_action.html",
        {
            "case": case,
            "action": action,
            "action_label": workflow.ACTION_LABELS[action],
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


@login_required
def case_report(request: HttpRequest) -> HttpResponse:
    """Report a household (from its page, ?household=ID, or found by a search here)."""
    user = _user(request)
    if user.role not in workflow.REPORT_ROLES:
        raise PermissionDenied("您的角色不能上报监测对象")
    raw = request.POST.get("household") or request.GET.get("household")
    household = None
    if raw and raw.isdigit():
        try:
            household = registry_selectors.household_get(user=user, household_id=raw)
        except NotFound as exc:
            raise Http404(exc.detail) from exc
    refusal = None
    status = 200
    if request.method == "POST" and household is not None:
        form = ReportForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = services.case_create(
                    user=user,
                    household=household,
                    channel=data["channel"],
                    category=data["category"],
                    risk_types=data["risk_types"],
                    description=data["description"],
                )
            except FangpinError as exc:
                _raise_http(exc)
                refusal, status = _refusal(exc), exc.status
            else:
                messages.success(request, f"已上报,纳入监测时限为 {case.deadline:%Y年%m月%d日}。")
                return redirect("monitoring:case_detail", case_id=case.pk)
        else:
            status = 400
    else:
        initial: dict[str, Any] = {"channel": Channel.CADRE_VISIT}
        if household is not None:
            initial["household"] = household.pk
            initial["category"] = (
                Category.UNSTABLE if household.is_alleviated else Category.MARGINAL
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
        },
        status=status,
    )


# ---------------------------------------------------------------------------- assistance


@login_required
@require_POST
def plan_edit(request: HttpRequest, case_id: int) -> HttpResponse:
    form = PlanForm(request.POST)
    if form.is_valid():
        try:
            services.plan_set(user=_user(request), case_id=case_id, **form.cleaned_data)
        except FangpinError as exc:
            _raise_http(exc)
            messages.error(request, exc.detail)
        else:
            messages.success(request, "帮扶计划已保存。")
    else:
        messages.error(request, "帮扶计划填写有误,请检查。")
    return redirect(reverse("monitoring:case_detail", args=[case_id]) + "#plan")


@login_required
@require_POST
def measure_add(request: HttpRequest, case_id: int) -> HttpResponse:
    form = MeasureForm(request.POST, prefix="m")
    if form.is_valid():
        try:
            services.measure_create(user=_user(request), case_id=case_id, **form.cleaned_data)
        except FangpinError as exc:
            _raise_http(exc)
            messages.error(request, exc.detail)
        else:
            messages.success(request, "帮扶措施已登记。")
    else:
        problems = "；".join(
            f"{form.fields[name].label}:{' '.join(str(e) for e in errs)}"
            for name, errs in form.errors.items()
        )
        messages.error(request, f"帮扶措施填写有误:{problems}")
    return redirect(reverse("monitoring:case_detail", args=[case_id]) + "#measures")


@login_required
@require_POST
def measure_done(request: HttpRequest, case_id: int, measure_id: int) -> HttpResponse:
    """Mark a measure implemented (已落实)."""
    try:
        services.measure_update(
            user=_user(request),
            case_id=case_id,
            measure_id=measure_id,
            status=MeasureStatus.IMPLEMENTED,
        )
    except FangpinError as exc:
        _raise_http(exc)
        messages.error(request, exc.detail)
    else:
        messages.success(request, "措施已标记为已落实。")
    return redirect(reverse("monitoring:case_detail", args=[case_id]) + "#measures")


# ---------------------------------------------------------------------------- notices


@login_required
def case_notice(request: HttpRequest, case_id: int) -> HttpResponse:
    """村内公示 (A4, printable) of the case's identification or elimination."""
    case = _case(request, case_id)
    notice = notices.notice_for_case(case)
    if request.GET.get("format") == "pdf":
        return _pdf_response(pdf.notice_pdf(notice), f"{notice.title}_{notice.head_name}.pdf")
    return render(request, "monitoring/notice.html", {"case": case, "notice": notice})


@login_required
def case_card(request: HttpRequest, case_id: int) -> HttpResponse:
    """明白卡 of a monitored household."""
    case = _case(request, case_id)
    if case.state not in IDENTIFIED_STATES:
        raise Http404("尚未纳入监测,没有明白卡")
    card = notices.card_for_case(case)
    if request.GET.get("format") == "pdf":
        return _pdf_response(pdf.card_pdf(card), f"明白卡_{card.head_name}.pdf")
    return render(request, "monitoring/card.html", {"case": case, "card": card})


@login_required
def announcement(request: HttpRequest) -> HttpResponse:
    """乡镇/县级结果公告: households approved in a region over a period."""
    user = _user(request)
    if not user.region_id:
        raise Http404()
    own = region_get(user=user, code=user.region_id)
    regions = [(own.code, own.name)] + [
        (r.code, r.name) for r in region_children(user=user, code=own.code)
    ]
    form = AnnouncementForm(request.GET or None, regions=regions)
    data = form.cleaned_data if request.GET and form.is_valid() else {}
    try:
        region = region_get(user=user, code=data.get("region") or own.code)
    except FangpinError as exc:
        raise Http404(exc.detail) from exc
    date_to = data.get("date_to") or clock.today()
    date_from = data.get("date_from") or date_to.replace(day=1)
    kind = data.get("kind") or "identified"
    result = notices.announcement(
        region=region,
        kind=kind,
        cases=selectors.case_list(user=user, region=region.code),
        date_from=date_from,
        date_to=date_to,
    )
    if request.GET.get("format") == "pdf":
        return _pdf_response(pdf.announcement_pdf(result), f"{result.title}.pdf")
    shown = {
        "kind": kind,
        "region": region.code,
        "date_from": date_from.isoformat(),
        "date_to": date_to.isoformat(),
    }
    query = QueryDict(mutable=True)
    query.update({**shown, "format": "pdf"})
    return render(
        request,
        "monitoring/announcement.html",
        {
            "form": AnnouncementForm(shown, regions=regions),
            "ann": result,
            "pdf_query": query.urlencode(),
        },
    )
