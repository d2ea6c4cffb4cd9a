"""Reads of cases, always through `core.scoping`: what lies outside the user's region is absent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from fangpin.accounts.models import Role, User
from fangpin.core.errors import BadValue, Forbidden
from fangpin.core.scoping import get_scoped
from fangpin.regions.selectors import scoped_in_region
from fangpin.registry.choices import CAN_WORK
from fangpin.registry.models import Household

from . import clock
from .models import (
    FINAL_STATES,
    IDENTIFICATION_STATES,
    Case,
    CaseEvent,
    Category,
    Measure,
    MeasureType,
    Plan,
    RiskType,
    State,
)

ILLNESS_MEASURES = frozenset(
    {MeasureType.HEALTH, MeasureType.SOCIAL_GUARANTEE, MeasureType.SOCIAL_HELP}
)
EDUCATION_MEASURES = frozenset({MeasureType.COMPULSORY_EDUCATION, MeasureType.OTHER_EDUCATION})
PLAN_STATES = frozenset(State) - IDENTIFICATION_STATES - {State.REJECTED}


def overdue_q(today: dt.date) -> Q:
    """Still in identification after the inclusion deadline."""
    return Q(state__in=IDENTIFICATION_STATES, deadline__lt=today)


def risk_type_q(risk: str) -> Q:
    """Cases whose risk types include `risk` (JSON containment where the database has it;
    otherwise the quoted code in the stored list, which no other code contains)."""
    if connection.features.supports_json_field_contains:
        return Q(risk_types__contains=[risk])
    return Q(risk_types__icontains=f'"{risk}"')


def is_overdue(case: Case, today: dt.date | None = None) -> bool:
    return case.state in IDENTIFICATION_STATES and case.deadline < (today or clock.today())


def _require_reader(user: User) -> None:
    # CONTRACT §3: departments deliver data and nothing else; cases are not theirs to read.
    if user.role == Role.DEPARTMENT:
        raise Forbidden("行业部门账号只能上传数据,无权查看监测案件")


# The case list's order; indexes case_deadline_id and case_village_deadline_id follow it.
CASE_ORDER = ("deadline", "id")


def case_list(
    *,
    user: User,
    region: str | None = None,
    state: str | None = None,
    overdue: bool | None = None,
    q: str | None = None,
    category: str | None = None,
    risk: str | None = None,
) -> QuerySet[Case]:
    """Cases in the user's region (and `region`), oldest deadline first; `q` is the start of
    the 户主 name or of the 户编号, `category` a Category, `risk` a RiskType code."""
    _require_reader(user)
    qs = scoped_in_region(Case.objects.all(), user, region)
    if category:
        if category not in Category.values:
            raise BadValue(f"未知的监测对象类别:{category}", code="invalid_category")
        qs = qs.filter(category=category)
    if risk:
        if risk not in RiskType.values:
            raise BadValue(f"未知的风险类型:{risk}", code="invalid_risk_types")
        qs = qs.filter(risk_type_q(risk))
    text = (q or "").strip()
    if text:
        qs = qs.filter(
            Q(household__head_name__startswith=text) | Q(household__number__startswith=text)
        )
    if state:
        states = [s.strip() for s in state.split(",") if s.strip()]
        unknown = [s for s in states if s not in State.values]
        if unknown:
            raise BadValue(f"未知的状态:{'、'.join(unknown)}", code="invalid_state")
        qs = qs.filter(state__in=states)
    if overdue is not None:
        late = overdue_q(clock.today())
        qs = qs.filter(late) if overdue else qs.exclude(late)
    return qs.select_related("household", "village").order_by(*CASE_ORDER)


def case_get(*, user: User, case_id: int) -> Case:
    """One case with its history, plan and measures (404 outside the user's region)."""
    _require_reader(user)
    qs = Case.objects.select_related("household", "village", "warning").prefetch_related(
        Prefetch("events", queryset=CaseEvent.objects.select_related("actor").order_by("at", "id"))
    )
    return get_scoped(qs, user, pk=case_id)


def household_plan(household: Household) -> Plan | None:
    return Plan.objects.filter(household=household).first()


def household_measures(household: Household) -> list[Measure]:
    return list(Measure.objects.filter(household=household).order_by("starts_on", "id"))


@dataclass(frozen=True)
class Inconsistency:
    code: str
    message: str


def consistency_warnings(
    case: Case, *, measures: list[Measure] | None = None, plan: Plan | None = None
) -> list[Inconsistency]:
    """DOMAIN §4 consistency rules between risk types, measures and the household."""
    household = case.household
    if measures is None:
        measures = household_measures(household)
    types = {m.type for m in measures}
    risks = set(case.risk_types or [])
    found: list[Inconsistency] = []
    if RiskType.ILLNESS in risks:
        if not types & ILLNESS_MEASURES:
            found.append(
                Inconsistency(
                    "illness_without_health_measure",
                    "风险类型为「因病」,但没有健康帮扶、综合保障或社会帮扶措施",
                )
            )
        latest = household.incomes.order_by("-year", "-recorded_on", "-id").first()
        if latest is not None and latest.out_of_pocket_medical <= 0:
            found.append(
                Inconsistency(
                    "illness_without_medical_spending",
                    "风险类型为「因病」,但最新收入核算中合规自付医疗支出为 0",
                )
            )
    if RiskType.SCHOOLING in risks and not types & EDUCATION_MEASURES:
        found.append(
            Inconsistency(
                "schooling_without_education_measure",
                "风险类型为「因学」,但没有义务教育保障或其他教育帮扶措施",
            )
        )
    if RiskType.UNSTABLE_EMPLOYMENT in risks:
        labours = [m.person.labour for m in household.current_memberships()]
        if not any(labour in CAN_WORK for labour in labours):
            found.append(
                Inconsistency(
                    "employment_risk_without_labour",
                    "风险类型为「因务工就业不稳」,但家庭成员中没有具备劳动能力的人",
                )
            )
    if case.state in PLAN_STATES:
        if plan is None:
            plan = household_plan(household)
        if plan is None or not plan.helper_name:
            found.append(Inconsistency("plan_without_helper", "尚未落实帮扶责任人(一户一策)"))
    return found


# ------------------------------------------------------- the household list's status filter

HOUSEHOLD_STATUS_CHOICES = (
    ("identifying", "识别中"),
    ("monitored", "监测对象(已纳入)"),
    ("eliminated", "风险已消除"),
    ("none", "未纳入监测"),
)


def _household_status_q(status: str) -> Q:
    if status == "identifying":
        return Q(state__in=IDENTIFICATION_STATES)
    if status == "eliminated":
        return Q(state=State.ELIMINATED)
    # Monitored: identified and not finished (monitored, or on the way to elimination).
    return Q(state__in=[s for s in State if s not in FINAL_STATES | IDENTIFICATION_STATES])


def households_by_status(qs: QuerySet[Household], status: str) -> QuerySet[Household]:
    """Households (of the registry's list) by the state of their cases; registered with the
    registry when monitoring starts (registry.selectors.register_status_filter)."""
    if status == "none":
        return qs.exclude(Exists(Case.objects.filter(household_id=OuterRef("pk"))))
    cases = Case.objects.filter(household_id=OuterRef("pk"))
    return qs.filter(Exists(cases.filter(_household_status_q(status))))


# ------------------------------------------------------------------ what waits for a role

NOTICE_STATES = (State.PUBLICIZED, State.ELIMINATION_PUBLICIZED)


def acting_states(role: str) -> list[str]:
    """States in which the role moves a case on (the workflow table; refusals not counted).

    A monitored household is not waiting for anyone until it is due for elimination review:
    the village's queue lists those separately (views/queues.todo).
    """
    from . import workflow

    return sorted(
        {
            t.source
            for t in workflow.TRANSITIONS
            if role in t.roles and t.moves and t.action != "reject" and t.source != State.MONITORED
        }
    )


def waiting_q(role: str, today: dt.date) -> Q | None:
    """Cases that wait for the role now (None: the role moves no case on). A case in its
    notice waits for no one until the notice has ended; an objection heard during the notice
    waits for the village."""
    states = acting_states(role)
    if not states:
        return None
    in_notice = Q(state__in=NOTICE_STATES, notice_ends_on__gte=today)
    waiting = Q(state__in=states) & ~in_notice
    if role == Role.VILLAGE:
        waiting |= ~Q(objection="")
    return waiting
