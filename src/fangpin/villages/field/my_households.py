"""The grid worker's households and what each needs now (the field app's first screen).

One row per household of the worker's village- and group-level grids: a visit due (none in
`visit_coverage_days`), open warnings, a case waiting for the village (a step the village
role takes in its state, a notice that has ended, an objection to resolve) and open problems
to rectify. The households that need most come first; counts are read in four grouped
queries, whatever the number of households.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Max

from fangpin.accounts.models import Role, User
from fangpin.core.scoping import scoped
from fangpin.monitoring import clock
from fangpin.monitoring.models import Case
from fangpin.monitoring.selectors import waiting_q
from fangpin.policy.services import parameter_int
from fangpin.registry.models import Household
from fangpin.screening.models import Warning

from ..models import Grid, Problem, ProblemStatus
from .services import HOUSEHOLD_GRID_LEVELS


@dataclass
class Need:
    household: Household
    last_visited_on: dt.date | None
    visit_due: bool
    warnings: int = 0
    cases: list[Case] = field(default_factory=list)
    problems: int = 0

    @property
    def count(self) -> int:
        return int(self.visit_due) + self.warnings + len(self.cases) + self.problems


def my_households(*, user: User, limit: int = 500) -> tuple[list[Need], int]:
    """(the households of the user's grids with their needs, most needy first; how many)."""
    today = clock.today()
    days = parameter_int("visit_coverage_days", year=today.year)
    since = today - dt.timedelta(days=days)
    grids = Grid.objects.filter(worker=user, level__in=HOUSEHOLD_GRID_LEVELS)
    homes = (
        scoped(Household.objects.select_related("village"), user)
        .filter(grid_link__grid__in=grids)
        .annotate(last_visited_on=Max("visits__visited_on"))
        .order_by("village_id", "number")
    )
    total = homes.count()
    rows = list(homes[:limit])
    ids = [h.pk for h in rows]
    warnings = dict(
        Warning.objects.filter(household_id__in=ids, status=Warning.Status.OPEN)
        .values_list("household_id")
        .annotate(n=Count("id"))
    )
    problems = dict(
        Problem.objects.filter(household_id__in=ids, status=ProblemStatus.OPEN)
        .values_list("household_id")
        .annotate(n=Count("id"))
    )
    waiting = waiting_q(Role.VILLAGE, today)
    cases: dict[int, list[Case]] = {}
    for case in Case.objects.filter(household_id__in=ids).filter(waiting).order_by("id"):
        cases.setdefault(case.household_id, []).append(case)
    needs = [
        Need(
            household=h,
            last_visited_on=h.last_visited_on,  # type: ignore[attr-defined]
            visit_due=h.last_visited_on is None or h.last_visited_on < since,  # type: ignore[attr-defined]
            warnings=warnings.get(h.pk, 0),
            cases=cases.get(h.pk, []),
            problems=problems.get(h.pk, 0),
        )
        for h in rows
    ]
    needs.sort(key=lambda n: -n.count)
    return needs, total
