"""The monitoring workflow as one table (CONTRACT §4).

Each row: from state, action, next state, roles allowed, guards. The API, the permission
checks, the buttons on the case page (`allowed_actions`) and the tests all read this table;
nothing else decides what may happen to a case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fangpin.accounts.models import Role

from . import guards as g
from .models import State

if TYPE_CHECKING:
    from fangpin.accounts.models import User

    from .models import Case


@dataclass(frozen=True)
class Transition:
    source: State
    action: str
    target: State
    roles: frozenset[str]
    guards: tuple[g.Guard, ...] = ()


ACTION_LABELS: dict[str, str] = {
    "verify": "入户核实",
    "deliberate": "民主评议",
    "publicize": "公示",
    "approve_township": "乡镇审核通过",
    "approve_county": "县级审定通过",
    "propose_elimination": "提出风险消除",
    "reject": "退回/不予纳入",
}

# Who may open a case (report). Villages report; township and county cadres who find a
# household in need may report it too.
REPORT_ROLES = frozenset({Role.VILLAGE, Role.TOWNSHIP, Role.COUNTY})

VILLAGE = frozenset({Role.VILLAGE})
TOWNSHIP = frozenset({Role.TOWNSHIP})
COUNTY = frozenset({Role.COUNTY})
S = State

TRANSITIONS: tuple[Transition, ...] = (
    # 识别程序: 入户核实 → 民主评议 → 公示 → 乡镇审核 → 县级审定
    Transition(S.REPORTED, "verify", S.VERIFIED, VILLAGE, (g.consent_signed,)),
    Transition(S.VERIFIED, "deliberate", S.DELIBERATED, VILLAGE, (g.deliberation_passed,)),
    Transition(S.DELIBERATED, "publicize", S.PUBLICIZED, VILLAGE, (g.notice_long_enough,)),
    Transition(S.PUBLICIZED, "approve_township", S.TOWNSHIP_APPROVED, TOWNSHIP, (g.notice_ended,)),
    Transition(
        S.TOWNSHIP_APPROVED,
        "approve_county",
        S.MONITORED,
        COUNTY,
        (g.category_fits_household, g.within_line_or_guarantee_problem),
    ),
    # Each step can refuse: the village after its visit or vote, the township, the county.
    Transition(S.REPORTED, "reject", S.REJECTED, VILLAGE),
    Transition(S.VERIFIED, "reject", S.REJECTED, VILLAGE),
    Transition(S.DELIBERATED, "reject", S.REJECTED, VILLAGE),
    Transition(S.PUBLICIZED, "reject", S.REJECTED, TOWNSHIP),
    Transition(S.TOWNSHIP_APPROVED, "reject", S.REJECTED, COUNTY),
    # 风险消除: 提出 → 入户核查 → 民主评议 → 公示 → 乡镇审核 → 县级审定
    Transition(
        S.MONITORED,
        "propose_elimination",
        S.ELIMINATION_REPORTED,
        VILLAGE,
        (g.household_has_labour, g.assisted_has_measure),
    ),
    Transition(S.ELIMINATION_REPORTED, "verify", S.ELIMINATION_VERIFIED, VILLAGE),
    Transition(
        S.ELIMINATION_VERIFIED,
        "deliberate",
        S.ELIMINATION_DELIBERATED,
        VILLAGE,
        (g.deliberation_passed,),
    ),
    Transition(
        S.ELIMINATION_DELIBERATED,
        "publicize",
        S.ELIMINATION_PUBLICIZED,
        VILLAGE,
        (g.notice_long_enough,),
    ),
    Transition(
        S.ELIMINATION_PUBLICIZED,
        "approve_township",
        S.ELIMINATION_TOWNSHIP_APPROVED,
        TOWNSHIP,
        (g.notice_ended,),
    ),
    Transition(
        S.ELIMINATION_TOWNSHIP_APPROVED,
        "approve_county",
        S.ELIMINATED,
        COUNTY,
        (
            g.household_has_labour,
            g.income_above_line_now,
            g.all_guarantees_met,
            g.monitored_long_enough,
            g.income_stable_long_enough,
        ),
    ),
    # A refused elimination sends the household back to monitoring.
    Transition(S.ELIMINATION_REPORTED, "reject", S.MONITORED, VILLAGE),
    Transition(S.ELIMINATION_VERIFIED, "reject", S.MONITORED, VILLAGE),
    Transition(S.ELIMINATION_DELIBERATED, "reject", S.MONITORED, VILLAGE),
    Transition(S.ELIMINATION_PUBLICIZED, "reject", S.MONITORED, TOWNSHIP),
    Transition(S.ELIMINATION_TOWNSHIP_APPROVED, "reject", S.MONITORED, COUNTY),
)

ACTIONS: frozenset[str] = frozenset(t.action for t in TRANSITIONS)
_BY_KEY: dict[tuple[str, str], Transition] = {(t.source, t.action): t for t in TRANSITIONS}
assert len(_BY_KEY) == len(TRANSITIONS), "one row per (state, action)"


def transition_for(state: str, action: str) -> Transition | None:
    return _BY_KEY.get((state, action))


def roles_for_action(action: str) -> frozenset[str]:
    """Every role that may take `action` in some state."""
    roles: set[str] = set()
    for t in TRANSITIONS:
        if t.action == action:
            roles |= t.roles
    return frozenset(roles)


def allowed_actions(case: Case, user: User) -> list[str]:
    """Actions the user's role may take on the case in its current state (guards not run)."""
    return [t.action for t in TRANSITIONS if t.source == case.state and user.role in t.roles]
