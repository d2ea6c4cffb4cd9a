"""The demo seeder produces cases the workflow itself could have produced."""

from __future__ import annotations

import random

from django.db.models import Count
from django.utils import timezone

from fangpin.dashboard.summary import SummaryQuery
from fangpin.monitoring.guards import income_above_line, latest_income
from fangpin.monitoring.models import Case, CaseEvent, State
from fangpin.monitoring.seeding import seed
from fangpin.regions.models import Region
from fangpin.registry.models import Household
from fangpin.registry.seeding import registry_seed
from tests.conftest import BAOFENG_TOWN


def test_demo_cases_span_the_workflow_and_agree_with_the_guards(db):
    registry_seed(households=900, random_seed=7, regions=[BAOFENG_TOWN])
    today = timezone.localdate()
    seed(rng=random.Random(3), households=Household.objects.order_by("id"), today=today)

    cases = Case.objects.all()
    assert 15 <= cases.count() <= 40
    states = dict(cases.values_list("state").annotate(n=Count("id")))
    assert {State.MONITORED, State.ELIMINATED, State.REPORTED} <= set(states)
    for case in cases:
        events = list(CaseEvent.objects.filter(case=case).order_by("id"))
        assert events[0].action == "report"
        assert events[-1].to_state == case.state or events[-1].action in ("plan", "measure")
        if case.state == State.ELIMINATED:
            assert case.eliminated_on is not None
            record = latest_income(case.household, case.eliminated_on)
            assert income_above_line(record)
        if case.state in (State.MONITORED, State.ELIMINATED):
            assert case.members_at_approval and case.household.plan.helper_name
            assert case.household.measures.exists()

    summary = SummaryQuery(region=Region.objects.get(code="410421"), today=today).calculate()
    identified = cases.identified()
    assert summary.identified_households == identified.count()
    assert summary.eliminated_households == cases.filter(state=State.ELIMINATED).count()
