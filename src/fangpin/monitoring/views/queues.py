"""The 待办 queue and the case list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case as When_
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fangpin.accounts.models import Role, User
from fangpin.core.errors import FangpinError
from fangpin.policy.services import parameter_int
from fangpin.regions.models import Region
from fangpin.regions.selectors import region_children, region_columns, region_get
from fangpin.screening import selectors as screening_selectors
from fangpin.screening.models import Warning
from fangpin.web.pages import request_user

from .. import clock, guards, precheck, selectors, workflow
from ..models import (
    IDENTIFICATION_STATES,
    IDENTIFIED_STATES,
    Case,
    CaseEvent,
    Category,
    RiskType,
    State,
)

PAGE_SIZE = 50
QUEUE_LIMIT = 100


# ---------------------------------------------------------------------------- 待办


def _oldest_overdue_first(qs: QuerySet[Case], today: dt.date) -> QuerySet[Case]:
    late = When_(When(selectors.overdue_q(today), then=Value(0)), default=Value(1))
    return qs.annotate(late=late).order_by("late", "deadline", "id")


@dataclass
class Row:
    case: Case
    overdue: bool
    actions: list[tuple[str, str]]
    regions: list[str] = field(default_factory=list)
    # The advisory pre-check in one line ("县级审定时将不予通过:…;建议类别:…").
    advice: str = ""

    @property
    def identifying(self) -> bool:
        """Still before county approval: the inclusion deadline is what matters."""
        return self.case.state in IDENTIFICATION_STATES


def _rows(cases: list[Case], user: User, today: dt.date, *, advise: bool = False) -> list[Row]:
    """The rows of a case table, with the county / township / village names below the user's
    own region (one query for the page); `advise`: with the advisory pre-check of each."""
    columns = region_columns(above=user.region_prefix or "", villages=[c.village_id for c in cases])
    if advise:
        precheck.prefetch_facts(cases)
    with guards.memo():
        return [
            Row(
                case=c,
                overdue=selectors.is_overdue(c, today),
                actions=[(a, workflow.ACTION_LABELS[a]) for a in workflow.allowed_actions(c, user)],
                regions=columns.get(c.village_id, []),
                advice=_advice(c, user, today) if advise else "",
            )
            for c in cases
        ]


def _advice(case: Case, user: User, today: dt.date) -> str:
    suggestion = (
        precheck.suggested_category(case.household, today)
        if case.state in IDENTIFICATION_STATES
        else None
    )
    return precheck.summary(precheck.precheck(case, user, today), suggestion, case.category)


@dataclass
class Returned:
    """A case refused (未纳入) or an elimination sent back, for the village to take up again."""

    case: Case
    reason: str
    refused: bool  # identification refused (re-report) rather than elimination sent back
    suggested_label: str = ""


def _returned(user: User, today: dt.date) -> tuple[int, list[Returned]]:
    """Cases refused or sent back within `refusal_followup_days` and not yet taken up again:
    a refused household with no case since, an elimination sent back and not proposed again."""
    days = parameter_int("refusal_followup_days", year=today.year)
    since = today - dt.timedelta(days=days)
    steps = CaseEvent.objects.filter(
        case=OuterRef("pk"), action__in=[*workflow.ACTIONS, "report"]
    ).order_by("-id")
    open_case = Case.objects.open().filter(household=OuterRef("household"))
    qs = (
        selectors.case_list(user=user)
        .filter(state__in=[State.REJECTED, State.MONITORED])
        .annotate(last_step=Subquery(steps.values("action")[:1]))
        .filter(last_step="reject", updated_at__date__gte=since)
        .exclude(Q(state=State.REJECTED) & (Q(next_cases__isnull=False) | Exists(open_case)))
        .order_by("-updated_at", "-id")
    )
    cases = list(qs[:QUEUE_LIMIT])
    reasons: dict[int, str] = {}
    for event in CaseEvent.objects.filter(case__in=cases, action="reject").order_by("id"):
        reasons[event.case_id] = str(event.body.get("reason", ""))
    precheck.prefetch_facts(cases)
    out = []
    with guards.memo():
        for c in cases:
            refused = c.state == State.REJECTED
            suggestion = precheck.suggested_category(c.household, today) if refused else c.category
            out.append(
                Returned(
                    case=c,
                    reason=reasons.get(c.pk) or c.rejected_reason,
                    refused=refused,
                    suggested_label=Category(suggestion).label if suggestion != c.category else "",
                )
            )
    return qs.count(), out


# The dashboard's 纳入监测户数: every case that reached county approval.
STATE_GROUPS = {"identified": ",".join(sorted(IDENTIFIED_STATES))}
REGION_HEADERS = {
    2: ["市", "县(市、区)", "乡镇", "村"],
    4: ["县(市、区)", "乡镇", "村"],
    6: ["乡镇", "村"],
    9: ["村"],
    12: [],
}
CASE_SORTS = {
    "discovered": ("-discovered_on", "-id"),
    "village": ("village_id", "deadline", "id"),
}
CASE_SORT_CHOICES = (("", "逾期优先、时限最早"), ("discovered", "最近发现"), ("village", "按村"))


@login_required
def todo(request: HttpRequest) -> HttpResponse:
    """What waits for this cadre now, oldest and overdue first."""
    user = request_user(request)
    today = clock.today()
    states = selectors.acting_states(user.role)
    context: dict[str, Any] = {"states": states}
    waiting = selectors.waiting_q(user.role, today)
    if waiting is not None:
        qs = _oldest_overdue_first(selectors.case_list(user=user).filter(waiting), today)
        context["case_count"] = qs.count()
        context["case_rows"] = _rows(list(qs[:QUEUE_LIMIT]), user, today, advise=True)
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
        context["returned_count"], context["returned"] = _returned(user, today)
    context["queue_limit"] = QUEUE_LIMIT
    context["may_report"] = user.role in workflow.REPORT_ROLES
    return render(request, "monitoring/todo.html", context)


# ---------------------------------------------------------------------------- list


def _filter_region(request: HttpRequest, user: User) -> tuple[Region, str]:
    """The region chosen in the list's filter (the user's own when none or not theirs)."""
    code = request.GET.get("region", "").strip()
    own = user.region
    if own is None:
        raise PermissionDenied("您的账号未绑定区划")
    if not code:
        return own, ""
    try:
        return region_get(user=user, code=code), code
    except FangpinError:
        return own, ""


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    today = clock.today()
    region, code = _filter_region(request, user)
    get = request.GET
    filters = {k: get.get(k, "").strip()[:64] for k in ("state", "q", "category", "risk", "sort")}
    overdue = get.get("overdue") == "1"
    try:
        qs = selectors.case_list(
            user=user,
            region=code or None,
            state=STATE_GROUPS.get(filters["state"], filters["state"]) or None,
            overdue=True if overdue else None,
            q=filters["q"] or None,
            category=filters["category"] or None,
            risk=filters["risk"] or None,
        )
    except FangpinError as exc:
        messages.error(request, exc.detail)
        qs = selectors.case_list(user=user)
        filters.update(state="", category="", risk="")
    sort = filters["sort"] if filters["sort"] in CASE_SORTS else ""
    qs = qs.order_by(*CASE_SORTS[sort]) if sort else _oldest_overdue_first(qs, today)
    page = Paginator(qs, PAGE_SIZE).get_page(get.get("page"))
    return render(
        request,
        "monitoring/case_list.html",
        {
            "page": page,
            "rows": _rows(list(page.object_list), user, today),
            **filters,
            "sort": sort,
            "overdue": overdue,
            "states": [("identified", "已纳入监测(含已消除)"), *State.choices],
            "categories": Category.choices,
            "risks": RiskType.choices,
            "sorts": CASE_SORT_CHOICES,
            "region": region,
            "children": list(region_children(user=user, code=region.code)),
            "region_headers": REGION_HEADERS.get(len(user.region_prefix or ""), []),
            "may_report": user.role in workflow.REPORT_ROLES,
        },
    )
