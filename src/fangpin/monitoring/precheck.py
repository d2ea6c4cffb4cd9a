"""Early, advisory eligibility: what a later step will refuse, told from the report onward.

The guards of the workflow table (`workflow.py`, `guards.py`) decide at their step; those of
them that depend only on the household and the case (not on what a step's form says nor on
the step's own moment) can be run on any day before it. This module walks the steps still
ahead of a case, runs those guards as of today and collects their refusals: nothing is
refused early, the cadre is only told. A rule is written once, in `guards.py`.

It also suggests the category the household's data supports (DOMAIN §3), for the report
form, a case opened from a warning and a re-report after a refusal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch, prefetch_related_objects

from fangpin.core.errors import Conflict
from fangpin.registry.models import Household, Membership

from . import clock, workflow
from . import guards as g
from .models import ELIMINATION_STATES, IDENTIFICATION_STATES, Case, Category, State

if TYPE_CHECKING:
    from fangpin.accounts.models import User

# Guards that read only the case and its household: they can be evaluated before their step.
# (The others read the step's own body or moment: consent, votes, notice days and end,
# objections, the elimination mode.)
ADVISORY: frozenset[g.Guard] = frozenset(
    {
        g.category_fits_household,
        g.guarantees_on_record,
        g.within_line_or_guarantee_problem,
        g.household_has_labour,
        g.income_above_line_now,
        g.rigid_spending_resolved,
        g.all_guarantees_met,
        g.monitored_long_enough,
        g.income_stable_long_enough,
    }
)

# How the step is named in the sentence "…时将不予通过".
STEP_NAMES: dict[str, str] = {
    "approve_county": "县级审定",
    "approve_township": "乡镇审核",
    "propose_elimination": "提出风险消除",
}
END_STATES = frozenset({State.MONITORED, State.ELIMINATED, State.REJECTED})


@dataclass(frozen=True)
class Finding:
    code: str
    detail: str
    step: str  # the action that will refuse

    @property
    def step_label(self) -> str:
        return STEP_NAMES.get(self.step, workflow.ACTION_LABELS.get(self.step, self.step))


def steps_ahead(state: str) -> list[workflow.Transition]:
    """The forward transitions from `state` to the end of its stage (identification or
    elimination), in order; none for a case monitored, eliminated or refused."""
    out: list[workflow.Transition] = []
    seen: set[str] = set()
    while state not in END_STATES and state not in seen:
        seen.add(state)
        forward = [
            t
            for t in workflow.TRANSITIONS
            if t.source == state and t.moves and t.action != "reject"
        ]
        if not forward:
            break
        out.append(forward[0])
        state = forward[0].target
    return out


def precheck(case: Case, user: User, today: dt.date | None = None) -> list[Finding]:
    """The refusals the case's later steps would give, judged on today's data."""
    if case.state not in IDENTIFICATION_STATES and case.state not in ELIMINATION_STATES:
        return []
    ctx = g.GuardContext(case=case, user=user, body={}, today=today or clock.today())
    found: list[Finding] = []
    seen: set[str] = set()
    for transition in steps_ahead(case.state):
        for guard in transition.guards:
            if guard not in ADVISORY:
                continue
            try:
                guard(ctx)
            except Conflict as refusal:
                if refusal.code not in seen:
                    seen.add(refusal.code)
                    found.append(Finding(refusal.code, refusal.detail, transition.action))
    return found


def prefetch_facts(cases: Sequence[Case]) -> None:
    """Load what the guards read of the cases' households in a few queries (for a queue);
    run the checks inside `guards.memo()` so that policy values are read once too."""
    prefetch_related_objects(
        cases,
        "household__incomes",
        "household__guarantee",
        Prefetch("household__memberships", queryset=Membership.objects.select_related("person")),
    )


def suggested_category(household: Household, today: dt.date | None = None) -> str:
    """The category the household's data supports (DOMAIN §3).

    A 脱贫户 is 脱贫不稳定户 and a 一般农户 边缘易致贫户 when the income is within the line (or
    unknown, or a 三保障/water need is open); when only rigid spending (合规自付支出) brings
    the per-capita income to or below the line, 突发严重困难户.
    """
    base = Category.UNSTABLE if household.is_alleviated else Category.MARGINAL
    record = g.latest_income(household, today or clock.today())
    if record is None or not g.income_above_line(record):
        return base
    if not g.guarantees_met(household):
        return base
    if not g.income_above_line(record, g.per_capita_after_spending(record)):
        return Category.SUDDEN
    return base


def summary(findings: list[Finding], suggestion: str | None, current: str) -> str:
    """One line for a queue row: "县级审定时将不予通过:…;建议类别:…" ("" when all is well)."""
    parts: list[str] = []
    by_step: dict[str, list[str]] = {}
    for f in findings:
        by_step.setdefault(f.step_label, []).append(f.detail)
    for step, details in by_step.items():
        parts.append(f"{step}时将不予通过:{';'.join(details)}")
    if suggestion and suggestion != current:
        parts.append(f"建议类别:{Category(suggestion).label}")
    return ";".join(parts)
