"""The demo seeder makes a task list, reports in every state and a sample, quickly."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from fangpin.monitoring import clock
from fangpin.regions.models import Region
from fangpin.registry.models import Household
from fangpin.registry.seeding import registry_seed
from fangpin.supervision.models import AssessmentSample, Indicator, IndicatorReport
from fangpin.supervision.ranking import ranking_for
from fangpin.supervision.seeding import TASKS, seed
from tests.conftest import BAOFENG_TOWN, CITY, YEXIAN_TOWN

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_task_list_reports_a_ranking_and_a_sample(monkeypatch):
    registry_seed(households=200, random_seed=4, regions=[BAOFENG_TOWN, YEXIAN_TOWN])
    today = dt.date(2026, 6, 15)
    monkeypatch.setattr(clock, "today", lambda: today)
    seed(rng=random.Random(1), households=Household.objects.order_by("id"), today=today)
    assert Indicator.objects.filter(year=2026).count() == len(TASKS)
    statuses = set(IndicatorReport.objects.values_list("status", flat=True))
    assert statuses == {"approved", "returned", "submitted"}
    assert set(IndicatorReport.objects.values_list("period", flat=True)) == {"2026-05", "2026-04"}
    standings = ranking_for(Region.objects.get(code=CITY), "2026-05").standings
    assert standings[0].score > 0
    assert any(s.deduction > 0 for s in standings)
    assert AssessmentSample.objects.count() == 1
    seed(rng=random.Random(1), households=Household.objects.order_by("id"), today=today)
    assert Indicator.objects.filter(year=2026).count() == len(TASKS)  # kept, not doubled
