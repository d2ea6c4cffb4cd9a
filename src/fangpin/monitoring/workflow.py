"""The monitoring workflow (CONTRACT §4): one entry per action.

An `Action` holds all that action means: its transitions (from state, to state, roles,
guards), the API body schema, the page's form, its labels, the body checks, the effect on the
case and the label of its event in the history. The API, the service, the pages, the history
and the tests read this table; nothing else decides what may happen to a case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fangpin.accounts.models import Role

from . import effects
from . import forms as f
from . import guards as g
from . import schemas as s
from .models import State

if TYPE_CHECKING:
    from fangpin.accounts.models import User

    from .models import Case

Check = Callable[[dict[str, Any], dt.date], None]
Effect = Callable[["Case", "Transition", dict[str, Any], dt.date], list[str]]


@dataclass(frozen=True)
class Transition:
    source: State
    action: str
    target: State
    roles: frozenset[str]
    guards: tuple[g.Guard, ...] = ()

    @property
    def moves(self) -> bool:
        """Whether the case goes to another state (objections keep it where it is)."""
        return self.source != self.target


@dataclass(frozen=True)
class Action:
    name: str
    label: str  # buttons, form titles, refusals
    event_label: str  # the history
    body: type[s.ActionBody]
    form: type[f.ActionForm]
    labels: Mapping[str, str]  # body field -> its name in the history
    transitions: tuple[Transition, ...]
    checks: tuple[Check, ...] = ()
    effect: Effect | None = None
    # Whether the case page offers the button (a hint only: the guards decide).
    offered: Callable[[Case], bool] | None = None


VILLAGE = frozenset({Role.VILLAGE})
TOWNSHIP = frozenset({Role.TOWNSHIP})
COUNTY = frozenset({Role.COUNTY})
S = State

# Who may open a case (report). Villages report; township and county cadres who find a
# household in need may report it too.
REPORT_ROLES = frozenset({Role.VILLAGE, Role.TOWNSHIP, Role.COUNTY})


def _t(
    action: str, source: State, target: State, roles: frozenset[str], *guards: g.Guard
) -> Transition:
    return Transition(source, action, target, roles, tuple(guards))


_ACTIONS: tuple[Action, ...] = (
    Action(
        name="verify",
        label="入户核实",
        event_label="入户核实",
        body=s.VerifyIn,
        form=f.VerifyForm,
        labels={"findings": "核实情况", "consent_signed": "已签授权承诺书"},
        transitions=(
            _t("verify", S.REPORTED, S.VERIFIED, VILLAGE, g.consent_signed),
            _t("verify", S.ELIMINATION_REPORTED, S.ELIMINATION_VERIFIED, VILLAGE),
        ),
        effect=effects.compare,
    ),
    Action(
        name="deliberate",
        label="民主评议",
        event_label="民主评议",
        body=s.DeliberateIn,
        form=f.DeliberateForm,
        labels={
            "votes_total": "参会人数",
            "votes_agree": "同意票",
            "votes_disagree": "反对票",
            "minutes": "评议记录",
        },
        transitions=(
            _t("deliberate", S.VERIFIED, S.DELIBERATED, VILLAGE, g.deliberation_passed),
            _t(
                "deliberate",
                S.ELIMINATION_VERIFIED,
                S.ELIMINATION_DELIBERATED,
                VILLAGE,
                g.deliberation_passed,
            ),
        ),
        checks=(effects.check_votes,),
    ),
    Action(
        name="publicize",
        label="公示",
        event_label="公示",
        body=s.PublicizeIn,
        form=f.PublicizeForm,
        labels={"starts_on": "开始日期", "days": "公示天数"},
        transitions=(
            _t("publicize", S.DELIBERATED, S.PUBLICIZED, VILLAGE, g.notice_long_enough),
            _t(
                "publicize",
                S.ELIMINATION_DELIBERATED,
                S.ELIMINATION_PUBLICIZED,
                VILLAGE,
                g.notice_long_enough,
            ),
        ),
        checks=(effects.check_notice,),
        effect=effects.start_notice,
    ),
    Action(
        name="object",
        label="登记公示异议",
        event_label="公示异议",
        body=s.ObjectIn,
        form=f.ObjectForm,
        labels={"summary": "异议内容"},
        transitions=(
            _t("object", S.PUBLICIZED, S.PUBLICIZED, VILLAGE, g.no_open_objection),
            _t(
                "object",
                S.ELIMINATION_PUBLICIZED,
                S.ELIMINATION_PUBLICIZED,
                VILLAGE,
                g.no_open_objection,
            ),
        ),
        checks=(effects.check_summary,),
        effect=effects.raise_objection,
        offered=lambda case: not case.objection,
    ),
    Action(
        name="resolve_objection",
        label="处理公示异议",
        event_label="异议处理",
        body=s.ResolveObjectionIn,
        form=f.ResolveObjectionForm,
        labels={"resolution": "处理结果"},
        transitions=(
            _t("resolve_objection", S.PUBLICIZED, S.PUBLICIZED, VILLAGE, g.objection_to_resolve),
            _t(
                "resolve_objection",
                S.ELIMINATION_PUBLICIZED,
                S.ELIMINATION_PUBLICIZED,
                VILLAGE,
                g.objection_to_resolve,
            ),
        ),
        checks=(effects.check_resolution,),
        effect=effects.settle_objection,
        offered=lambda case: bool(case.objection),
    ),
    Action(
        name="approve_township",
        label="乡镇审核通过",
        event_label="乡镇审核通过",
        body=s.ApproveIn,
        form=f.ApproveForm,
        labels={"opinion": "意见"},
        transitions=(
            _t(
                "approve_township",
                S.PUBLICIZED,
                S.TOWNSHIP_APPROVED,
                TOWNSHIP,
                g.notice_ended,
                g.no_open_objection,
            ),
            _t(
                "approve_township",
                S.ELIMINATION_PUBLICIZED,
                S.ELIMINATION_TOWNSHIP_APPROVED,
                TOWNSHIP,
                g.notice_ended,
                g.no_open_objection,
            ),
        ),
        # Offered once the notice has ended: no step can be dated after today.
        offered=lambda case: case.notice_over,
    ),
    Action(
        name="approve_county",
        label="县级审定通过",
        event_label="县级审定通过",
        body=s.ApproveIn,
        form=f.ApproveForm,
        labels={"opinion": "意见"},
        transitions=(
            _t(
                "approve_county",
                S.TOWNSHIP_APPROVED,
                S.MONITORED,
                COUNTY,
                g.category_fits_household,
                g.guarantees_on_record,
                g.within_line_or_guarantee_problem,
            ),
            _t(
                "approve_county",
                S.ELIMINATION_TOWNSHIP_APPROVED,
                S.ELIMINATED,
                COUNTY,
                g.household_has_labour,
                g.income_above_line_now,
                g.rigid_spending_resolved,
                g.all_guarantees_met,
                g.monitored_long_enough,
                g.income_stable_long_enough,
            ),
        ),
        effect=effects.approve_county,
    ),
    Action(
        name="propose_elimination",
        label="提出风险消除",
        event_label="提出风险消除",
        body=s.ProposeEliminationIn,
        form=f.ProposeEliminationForm,
        labels={"mode": "消除方式"},
        transitions=(
            _t(
                "propose_elimination",
                S.MONITORED,
                S.ELIMINATION_REPORTED,
                VILLAGE,
                g.household_has_labour,
                g.assisted_has_measure,
            ),
        ),
        checks=(effects.check_mode,),
        effect=effects.propose_elimination,
    ),
    Action(
        name="reject",
        label="退回/不予纳入",
        event_label="退回/不予纳入",
        body=s.RejectIn,
        form=f.RejectForm,
        labels={"reason": "理由"},
        transitions=(
            # Each step can refuse: the village after its visit or vote, the township, the
            # county. A refused identification ends; a refused elimination goes back to
            # monitoring.
            _t("reject", S.REPORTED, S.REJECTED, VILLAGE),
            _t("reject", S.VERIFIED, S.REJECTED, VILLAGE),
            _t("reject", S.DELIBERATED, S.REJECTED, VILLAGE),
            _t("reject", S.PUBLICIZED, S.REJECTED, TOWNSHIP),
            _t("reject", S.TOWNSHIP_APPROVED, S.REJECTED, COUNTY),
            _t("reject", S.ELIMINATION_REPORTED, S.MONITORED, VILLAGE),
            _t("reject", S.ELIMINATION_VERIFIED, S.MONITORED, VILLAGE),
            _t("reject", S.ELIMINATION_DELIBERATED, S.MONITORED, VILLAGE),
            _t("reject", S.ELIMINATION_PUBLICIZED, S.MONITORED, TOWNSHIP),
            _t("reject", S.ELIMINATION_TOWNSHIP_APPROVED, S.MONITORED, COUNTY),
        ),
        checks=(effects.check_reason,),
        effect=effects.reject,
    ),
)

ACTIONS: dict[str, Action] = {a.name: a for a in _ACTIONS}
TRANSITIONS: tuple[Transition, ...] = tuple(t for a in _ACTIONS for t in a.transitions)
ACTION_LABELS: dict[str, str] = {a.name: a.label for a in _ACTIONS}
_BY_KEY: dict[tuple[str, str], Transition] = {(t.source, t.action): t for t in TRANSITIONS}
assert len(_BY_KEY) == len(TRANSITIONS), "one row per (state, action)"
assert all(t.action == a.name for a in _ACTIONS for t in a.transitions)

# Events that are not workflow actions, and the body fields they record.
OTHER_EVENTS: dict[str, str] = {
    "report": "上报",
    "plan": "帮扶计划",
    "measure": "登记帮扶措施",
    "measure_update": "更新帮扶措施",
    "attach": "上传办理材料",
    "department_evidence": "部门筛查证据",
}
OTHER_BODY_LABELS: dict[str, str] = {
    "channel": "发现渠道",
    "category": "类别",
    "risk_types": "风险类型",
    "description": "情况说明",
    "type": "措施类型",
    "content": "内容",
    "amount": "金额(元)",
    "starts_on": "开始日期",
    "ends_on": "结束日期",
    "status": "状态",
    "summary": "帮扶计划",
    "helper_name": "帮扶责任人",
    "helper_phone": "责任人电话",
    "helper_unit": "责任人单位",
    "contact_name": "监测联系人",
    "contact_phone": "联系人电话",
    "contact_unit": "联系人单位",
    "title": "材料名称",
    "period": "数据期间",
    "rule_titles": "触发规则",
    "finding": "筛查发现",
    "previous_category": "前次上报类别",
    "previous_reason": "前次未纳入理由",
    "findings": "前次入户核实情况",
}


def event_label(action: str) -> str:
    spec = ACTIONS.get(action)
    return spec.event_label if spec is not None else OTHER_EVENTS.get(action, "其他办理")


def body_labels(action: str) -> Mapping[str, str]:
    """The body fields of an event worth showing, with their names."""
    spec = ACTIONS.get(action)
    return spec.labels if spec is not None else OTHER_BODY_LABELS


def transition_for(state: str, action: str) -> Transition | None:
    return _BY_KEY.get((state, action))


def roles_for_action(action: str) -> frozenset[str]:
    """Every role that may take `action` in some state."""
    spec = ACTIONS.get(action)
    return frozenset().union(*(t.roles for t in spec.transitions)) if spec else frozenset()


def allowed_actions(case: Case, user: User) -> list[str]:
    """Actions the user's role may take on the case in its current state (guards not run)."""
    return [
        t.action
        for t in TRANSITIONS
        if t.source == case.state
        and user.role in t.roles
        and (ACTIONS[t.action].offered is None or ACTIONS[t.action].offered(case))  # type: ignore[misc]
    ]
