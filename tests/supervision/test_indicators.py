"""Each computed indicator of the catalogue, from generated data, against an independent count
(made here from the cases' audit events and the warnings' own fields, not from the formulas)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import timezone

from fangpin.core.indicators import FORMULAS, period_bounds
from fangpin.dashboard.summary import SummaryQuery
from fangpin.monitoring.models import Case, CaseEvent
from fangpin.monitoring.seeding import seed as seed_cases
from fangpin.regions.models import Region
from fangpin.registry.models import Household
from fangpin.registry.seeding import registry_seed
from fangpin.screening.models import Warning
from tests.conftest import BAOFENG, BAOFENG_TOWN, CITY, YEXIAN, YEXIAN_TOWN

pytestmark = pytest.mark.django_db

REGIONS = (CITY, BAOFENG, BAOFENG_TOWN, YEXIAN)


def share(part: int, whole: int, empty: str = "1") -> Decimal:
    if not whole:
        return Decimal(empty).quantize(Decimal("0.0001"))
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def months_back(today: dt.date, count: int) -> list[str]:
    out, year, month = [], today.year, today.month
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out


def prefix(code: str) -> str:
    return Region.objects.get(code=code).prefix


@pytest.fixture
def generated_cases() -> dt.date:
    registry_seed(households=900, random_seed=11, regions=[BAOFENG_TOWN, YEXIAN_TOWN])
    today = timezone.localdate()
    for rng_seed in (5, 6):
        seed_cases(
            rng=random.Random(rng_seed), households=Household.objects.order_by("id"), today=today
        )
    assert Case.objects.count() >= 30
    return today


def step_days(case: Case) -> dict[str, dt.date]:
    """The first day each state was reached, from the case's audit events."""
    days: dict[str, dt.date] = {}
    for event in CaseEvent.objects.filter(case=case).order_by("id"):
        if event.action in ("report", "plan", "measure"):
            continue  # not a step of the procedure
        days.setdefault(event.to_state, dt.date.fromisoformat(event.body["done_on"]))
    return days


def test_elimination_rate_households_matches_a_count_from_the_events(generated_cases):
    today = generated_cases
    cases = [(c, step_days(c)) for c in Case.objects.all()]
    seen = 0
    for code in REGIONS:
        start = prefix(code)
        for period in months_back(today, 8):
            _, last = period_bounds(period)
            mine = [(c, d) for c, d in cases if c.village_id.startswith(start)]
            identified = [(c, d) for c, d in mine if "monitored" in d and d["monitored"] <= last]
            eliminated = [
                c
                for c, d in identified
                if c.state == "eliminated" and d.get("eliminated", today) <= last
            ]
            got = FORMULAS["elimination_rate_households"].compute(code, period)
            assert got.value == share(len(eliminated), len(identified), "0"), (code, period)
            assert (got.numerator, got.denominator) == (len(eliminated), len(identified))
            seen += len(identified)
    assert seen > 0


def test_elimination_rate_of_this_month_equals_the_dashboard(generated_cases):
    today = generated_cases
    for code in REGIONS:
        summary = SummaryQuery(region=Region.objects.get(code=code), today=today).calculate()
        got = FORMULAS["elimination_rate_households"].compute(code, f"{today:%Y-%m}")
        assert got.value == summary.elimination_rate_households, code


def test_identification_on_time_rate_matches_a_count_from_the_events(generated_cases):
    today = generated_cases
    cases = [(c, step_days(c)) for c in Case.objects.all()]
    due_total = late_total = 0
    for code in REGIONS:
        start = prefix(code)
        for period in months_back(today, 8):
            first, last = period_bounds(period)
            due = on_time = 0
            for case, days in cases:
                if not case.village_id.startswith(start) or not first <= case.deadline <= last:
                    continue
                done = days.get("monitored") or days.get("rejected")
                if done is None and case.deadline >= today:
                    continue
                due += 1
                on_time += done is not None and done <= case.deadline
            got = FORMULAS["identification_on_time_rate"].compute(code, period)
            assert (got.numerator, got.denominator) == (on_time, due), (code, period)
            assert got.value == share(on_time, due)
            if code == CITY:
                due_total += due
                late_total += due - on_time
    assert due_total > 0 and late_total > 0  # the data has both kinds


def test_the_drill_down_lists_the_late_cases(generated_cases):
    today = generated_cases
    for period in months_back(today, 8):
        got = FORMULAS["identification_on_time_rate"].compute(CITY, period)
        assert len(got.records) == min(50, int(got.denominator or 0) - int(got.numerator or 0))
        for record in got.records:
            assert record["url"] == f"/monitoring/cases/{record['case_id']}/"


@pytest.fixture
def generated_warnings() -> dt.date:
    registry_seed(households=300, random_seed=3, regions=[BAOFENG_TOWN, YEXIAN_TOWN])
    today = timezone.localdate()
    rng = random.Random(9)
    for household in Household.objects.order_by("id")[:250]:
        deadline = today + dt.timedelta(days=rng.randint(-100, 20))
        status = rng.choice(["open", "dismissed", "case_opened"])
        resolved = None
        if status != "open":
            day = deadline + dt.timedelta(days=rng.randint(-8, 6))
            resolved = timezone.make_aware(dt.datetime.combine(day, dt.time(rng.randint(0, 23))))
        Warning.objects.create(
            household=household,
            rule="medical_out_of_pocket",
            period=f"{today:%Y-%m}",
            message="自付医疗费用较高",
            deadline=deadline,
            status=status,
            resolved_at=resolved,
        )
    return today


def test_warning_response_rate_matches_an_independent_count(generated_warnings):
    today = generated_warnings
    warnings = list(Warning.objects.select_related("household"))
    checked = 0
    for code in REGIONS:
        start = prefix(code)
        for period in months_back(today, 5):
            first, last = period_bounds(period)
            due = on_time = 0
            for w in warnings:
                if not w.household.village_id.startswith(start):
                    continue
                if not first <= w.deadline <= last:
                    continue
                if w.status == "open" and w.deadline >= today:
                    continue
                due += 1
                if w.status != "open" and timezone.localtime(w.resolved_at).date() <= w.deadline:
                    on_time += 1
            got = FORMULAS["warning_response_rate"].compute(code, period)
            assert (got.numerator, got.denominator) == (on_time, due), (code, period)
            assert got.value == share(on_time, due)
            checked += due
    assert checked > 0


def test_a_region_with_nothing_due_reports_one(db):
    got = FORMULAS["warning_response_rate"].compute(BAOFENG, "2020-01")
    assert got.value == Decimal("1.0000") and got.denominator == 0
