"""放心村 and 标杆村 (CONTRACT §7): each kind of reason breaks 放心村, and resolving it
restores it; 标杆村 needs the township's criteria too; region shares match a count made
independently of the rating code."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from fangpin.core.indicators import FORMULAS
from fangpin.monitoring import services as monitoring
from fangpin.registry import services as registry
from fangpin.screening.models import Warning
from fangpin.screening.services import warning_dismiss
from fangpin.villages.board import services as board
from tests.conftest import BAOFENG, BAOFENG_TOWN, BAOFENG_VILLAGE, YEXIAN_VILLAGE
from tests.registry.helpers import make_household
from tests.villages.board.helpers import make_problem, villages_of

pytestmark = pytest.mark.django_db

GOOD = {
    "food_ok": True,
    "clothing_ok": True,
    "education_ok": True,
    "medical_ok": True,
    "housing_grade": "A",
    "water_ok": True,
}


@pytest.fixture
def clerk(make_user):
    return make_user("village", BAOFENG_VILLAGE, "zz-clerk")


@pytest.fixture
def reader(api_as):
    return api_as("county", BAOFENG)


def rating(reader, village=BAOFENG_VILLAGE):
    response = reader.api("GET", f"/villages/{village}/rating")
    assert response.status_code == 200, response.json()
    return response.json()


def test_a_village_with_nothing_wrong_is_safe(reader, clerk):
    home = make_household(clerk, BAOFENG_VILLAGE)
    registry.guarantees_set(user=clerk, household_id=home.pk, **GOOD)
    body = rating(reader)
    assert body["safe"] is True and body["reasons"] == []
    assert body["benchmark"] is False  # no criterion confirmed yet


@pytest.mark.parametrize(
    "failed", [{"water_ok": False}, {"housing_grade": "C"}, {"medical_ok": False}]
)
def test_a_failed_guarantee_without_a_case_breaks_it_until_a_case_is_opened(reader, clerk, failed):
    home = make_household(clerk, BAOFENG_VILLAGE, head_name="李水生")
    registry.guarantees_set(user=clerk, household_id=home.pk, **{**GOOD, **failed})
    body = rating(reader)
    assert body["safe"] is False
    assert [(r["code"], r["household_id"]) for r in body["reasons"]] == [
        ("guarantee_failed", home.pk)
    ]
    assert "李水生" in body["reasons"][0]["detail"]
    assert body["reasons"][0]["url"] == f"/households/{home.pk}/"

    monitoring.case_create(
        user=clerk, household=home, channel="cadre_visit", category="marginal", risk_types=["01"]
    )
    assert rating(reader)["safe"] is True


def test_a_case_past_its_deadline_breaks_it_until_it_moves_on(reader, clerk):
    home = make_household(clerk, BAOFENG_VILLAGE)
    registry.guarantees_set(user=clerk, household_id=home.pk, **GOOD)
    case = monitoring.case_create(
        user=clerk,
        household=home,
        channel="self_report",
        category="marginal",
        risk_types=["01"],
        reported_on=timezone.localdate() - dt.timedelta(days=30),
    )
    body = rating(reader)
    assert body["safe"] is False
    assert [(r["code"], r["household_id"]) for r in body["reasons"]] == [("case_overdue", home.pk)]
    assert body["reasons"][0]["url"] == f"/monitoring/cases/{case.pk}/"

    monitoring.case_act(user=clerk, case_id=case.pk, action="reject", body={"reason": "收入稳定"})
    assert rating(reader)["safe"] is True


def test_an_open_warning_past_its_deadline_breaks_it_until_dismissed(reader, clerk):
    home = make_household(clerk, BAOFENG_VILLAGE)
    warning = Warning.objects.create(
        household=home,
        rule="medical_out_of_pocket",
        period="2026-01",
        message="自付医疗费用较高",
        deadline=timezone.localdate() - dt.timedelta(days=1),
    )
    body = rating(reader)
    assert body["safe"] is False
    assert [r["code"] for r in body["reasons"]] == ["warning_overdue"]

    warning_dismiss(user=clerk, warning=warning, reason="已报销,负担不重")
    assert rating(reader)["safe"] is True


def test_an_open_warning_within_its_deadline_does_not_break_it(reader, clerk):
    home = make_household(clerk, BAOFENG_VILLAGE)
    Warning.objects.create(
        household=home,
        rule="medical_out_of_pocket",
        period="2026-01",
        message="自付医疗费用较高",
        deadline=timezone.localdate() + dt.timedelta(days=3),
    )
    assert rating(reader)["safe"] is True


def test_an_open_problem_past_its_deadline_breaks_it_until_rectified(reader, clerk):
    problem = make_problem(
        clerk, BAOFENG_VILLAGE, deadline=timezone.localdate() - dt.timedelta(days=2)
    )
    body = rating(reader)
    assert body["safe"] is False
    assert [r["code"] for r in body["reasons"]] == ["problem_overdue"]
    assert body["reasons"][0]["url"] == f"/villages/problems/{problem.pk}/"

    board.problem_act(user=clerk, problem_id=problem.pk, action="rectify", measures="已整改")
    assert rating(reader)["safe"] is True


def test_every_reason_is_listed_at_once(reader, clerk):
    home = make_household(clerk, BAOFENG_VILLAGE)
    registry.guarantees_set(user=clerk, household_id=home.pk, **{**GOOD, "water_ok": False})
    make_problem(clerk, BAOFENG_VILLAGE, deadline=timezone.localdate() - dt.timedelta(days=2))
    other = make_household(clerk, BAOFENG_VILLAGE)
    Warning.objects.create(
        household=other,
        rule="housing_unsafe",
        period="2026-01",
        message="危房",
        deadline=timezone.localdate() - dt.timedelta(days=1),
    )
    codes = sorted(r["code"] for r in rating(reader)["reasons"])
    assert codes == ["guarantee_failed", "problem_overdue", "warning_overdue"]


def test_benchmark_needs_safe_and_every_criterion_confirmed_by_the_township(reader, clerk, api_as):
    town = api_as("township", BAOFENG_TOWN)
    for key in ("leadership", "environment"):
        done = town.api("PUT", f"/villages/{BAOFENG_VILLAGE}/criteria/{key}", {"met": True})
        assert done.status_code == 200 and done.json()["met"] is True
    assert rating(reader)["benchmark"] is False
    town.api("PUT", f"/villages/{BAOFENG_VILLAGE}/criteria/industry", {"met": True})
    body = rating(reader)
    assert body["benchmark"] is True
    assert body["criteria"] == {"leadership": True, "environment": True, "industry": True}

    problem = make_problem(
        clerk, BAOFENG_VILLAGE, deadline=timezone.localdate() - dt.timedelta(days=2)
    )
    assert rating(reader)["benchmark"] is False  # not safe, so not 标杆村 either
    board.problem_act(user=clerk, problem_id=problem.pk, action="rectify", measures="已整改")
    assert rating(reader)["benchmark"] is True

    town.api(
        "PUT", f"/villages/{BAOFENG_VILLAGE}/criteria/industry", {"met": False, "note": "产业停产"}
    )
    assert rating(reader)["benchmark"] is False


def test_only_a_township_confirms_criteria(api_as):
    for role, region in (("village", BAOFENG_VILLAGE), ("county", BAOFENG)):
        refused = api_as(role, region).api(
            "PUT", f"/villages/{BAOFENG_VILLAGE}/criteria/leadership", {"met": True}
        )
        assert refused.status_code == 403
    unknown = api_as("township", BAOFENG_TOWN).api(
        "PUT", f"/villages/{BAOFENG_VILLAGE}/criteria/wealth", {"met": True}
    )
    assert unknown.status_code == 400 and unknown.json()["code"] == "unknown_criterion"


def test_another_countys_village_rating_answers_404(api_as):
    other = api_as("village", YEXIAN_VILLAGE)
    assert other.api("GET", f"/villages/{BAOFENG_VILLAGE}/rating").status_code == 404


def test_region_shares_match_an_independent_count(reader, clerk, make_user, api_as):
    villages = villages_of(BAOFENG_TOWN)
    assert len(villages) >= 5
    town = api_as("township", BAOFENG_TOWN)
    late = timezone.localdate() - dt.timedelta(days=3)
    broken = set(villages[1:3])
    for code in broken:
        make_problem(make_user("village", code, f"c-{code}"), code, deadline=late)
    benchmark = {villages[0], villages[1], villages[3]}  # villages[1] is broken
    for code in benchmark:
        for key in ("leadership", "environment", "industry"):
            town.api("PUT", f"/villages/{code}/criteria/{key}", {"met": True})

    body = reader.api("GET", "/ratings", {"region": BAOFENG_TOWN}).json()
    n = len(villages)
    safe = n - len(broken)
    bench = len(benchmark - broken)
    assert (body["villages"], body["safe"], body["benchmark"]) == (n, safe, bench)
    assert float(body["safe_share"]) == pytest.approx(round(safe / n, 4))
    assert float(body["benchmark_share"]) == pytest.approx(round(bench / n, 4))
    assert {i["code"] for i in body["items"]} == set(villages)

    county = reader.api("GET", "/ratings").json()
    zhouzhuang = next(i for i in county["items"] if i["code"] == BAOFENG_TOWN)
    assert (zhouzhuang["villages"], zhouzhuang["safe"]) == (n, safe)
    assert county["villages"] == sum(i["villages"] for i in county["items"])
    assert county["safe"] == county["villages"] - len(broken)

    computed = FORMULAS["safe_village_share"].compute(BAOFENG_TOWN, f"{timezone.localdate():%Y-%m}")
    assert (computed.numerator, computed.denominator) == (safe, n)
    assert {r["code"] for r in computed.records} == broken
    assert all(r["reasons"][0]["code"] == "problem_overdue" for r in computed.records)


def test_ratings_outside_the_users_region_answer_404(api_as):
    village = api_as("village", BAOFENG_VILLAGE)
    assert village.api("GET", "/ratings", {"region": BAOFENG}).status_code == 404
    own = village.api("GET", "/ratings").json()
    assert own["villages"] == 1 and own["safe"] == 1


def test_lists_and_ratings_take_the_same_queries_for_more_rows(reader, clerk, make_user):
    def load(n):
        for i in range(n):
            home = make_household(clerk, BAOFENG_VILLAGE)
            registry.guarantees_set(
                user=clerk, household_id=home.pk, **{**GOOD, "water_ok": i % 2 == 0}
            )
            make_problem(clerk, BAOFENG_VILLAGE, deadline=timezone.localdate() - dt.timedelta(1))

    def queries(path, query):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as seen:
            assert reader.api("GET", path, query).status_code == 200
        return len(seen)

    load(2)
    queries("/ratings", {})  # the first rating writes the default criteria once
    few = [
        queries("/problems", {}),
        queries("/ratings", {}),
        queries("/ratings", {"region": BAOFENG_TOWN}),
    ]
    load(8)
    many = [
        queries("/problems", {}),
        queries("/ratings", {}),
        queries("/ratings", {"region": BAOFENG_TOWN}),
    ]
    assert many == few
    assert max(many) <= 15
