"""Reports with approval (locking, return for correction, reopening) and the ranking of
counties for a hand-made case, with overdue deductions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from fangpin.monitoring import clock
from fangpin.regions.models import Region
from fangpin.supervision.models import ScoringScheme
from tests.conftest import BAOFENG, BAOFENG_TOWN, CITY, YEXIAN

from .helpers import upload, xlsx

pytestmark = pytest.mark.django_db

# Aspect A: reach 10 (weight 4); aspect B: keep at most 5 (weight 6, lower is better).
HEADERS = (
    "方面",
    "事项",
    "子项",
    "指标",
    "目标值",
    "单位",
    "权重",
    "责任单位",
    "数据来源",
    "计算公式",
    "方向",
)
ROWS = [
    ["守底线", "事项1", "子项1", "新增就业人数", 10, "人", 4, "各县", "县级填报", "台账", ""],
    [
        "促振兴",
        "事项2",
        "子项2",
        "逾期问题个数",
        5,
        "个",
        6,
        "各县",
        "县级填报",
        "台账",
        "越低越好",
    ],
    [
        "守底线",
        "事项1",
        "子项1",
        "风险消除率",
        "50%",
        "%",
        0,
        "各县",
        "computed",
        "elimination_rate_households",
        "",
    ],
]


@pytest.fixture
def plan(api_as) -> dict[str, Any]:
    city = api_as("city", CITY)
    answer = city.api("POST", "/tasks/import", {"file": upload(xlsx(ROWS, HEADERS)), "year": 2026})
    assert answer.status_code == 200, answer.json()
    items = city.api("GET", "/indicators", {"year": 2026}).json()["items"]
    return {
        "city": city,
        "jobs": items[0]["id"],
        "problems": items[1]["id"],
        "computed": items[2]["id"],
        "baofeng": api_as("county", BAOFENG),
        "yexian": api_as("county", YEXIAN),
    }


def report(client: Any, indicator: int, region: str, period: str, value: float) -> Any:
    return client.api(
        "POST",
        f"/indicators/{indicator}/reports",
        {"region_code": region, "period": period, "value": value, "evidence": "台账见附件"},
    )


def act(client: Any, report_id: int, action: str, comment: str = "") -> Any:
    return client.api(
        "POST", f"/indicator-reports/{report_id}/actions/{action}", {"comment": comment}
    )


def test_an_approved_report_is_locked_until_the_approver_reopens_it(plan):
    answer = report(plan["baofeng"], plan["jobs"], BAOFENG, "2026-11", 8)
    assert answer.status_code == 201
    assert answer.json()["status"] == "submitted"
    report_id = answer.json()["id"]
    # Not the next level up: the county itself, a township, another county.
    assert act(plan["baofeng"], report_id, "approve").status_code == 403
    assert act(plan["yexian"], report_id, "approve").status_code == 404
    approved = act(plan["city"], report_id, "approve")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"

    again = report(plan["baofeng"], plan["jobs"], BAOFENG, "2026-11", 9)
    assert again.status_code == 409 and again.json()["code"] == "report_locked"
    assert act(plan["city"], report_id, "return", "再核").json()["code"] == "report_locked"
    value = plan["city"].api(
        "GET", f"/indicators/{plan['jobs']}/values", {"period": "2026-11", "region": BAOFENG}
    )
    assert value.json()["value"] == 8.0

    reopened = act(plan["city"], report_id, "reopen", "数据有误")
    assert reopened.json()["status"] == "returned"
    fixed = report(plan["baofeng"], plan["jobs"], BAOFENG, "2026-11", 9)
    assert fixed.status_code == 201 and fixed.json()["id"] == report_id
    assert act(plan["city"], report_id, "approve").json()["status"] == "approved"


def test_a_report_is_returned_for_correction_with_a_comment(plan):
    report_id = report(plan["baofeng"], plan["jobs"], BAOFENG, "2026-11", 3).json()["id"]
    bare = act(plan["city"], report_id, "return")
    assert bare.status_code == 400 and bare.json()["code"] == "comment_required"
    returned = act(plan["city"], report_id, "return", "请附花名册")
    assert returned.json()["status"] == "returned"
    assert returned.json()["comment"] == "请附花名册"
    # While returned, the value does not count, and it cannot be approved as it is.
    assert act(plan["city"], report_id, "approve").json()["code"] == "report_not_submitted"
    value = (
        plan["baofeng"]
        .api("GET", f"/indicators/{plan['jobs']}/values", {"period": "2026-11"})
        .json()
    )
    assert value["value"] is None and value["report"]["status"] == "returned"
    listed = plan["baofeng"].api("GET", "/indicator-reports", {"status": "returned"}).json()
    assert [r["id"] for r in listed["items"]] == [report_id]


def test_a_computed_indicator_is_never_typed(plan):
    answer = report(plan["baofeng"], plan["computed"], BAOFENG, "2026-11", 0.99)
    assert answer.status_code == 400 and answer.json()["code"] == "indicator_computed"


def test_a_township_report_is_approved_by_its_county(plan, api_as):
    town = api_as("township", BAOFENG_TOWN)
    report_id = report(town, plan["jobs"], BAOFENG_TOWN, "2026-11", 2).json()["id"]
    assert act(plan["city"], report_id, "approve").status_code == 403
    assert act(plan["baofeng"], report_id, "approve").json()["status"] == "approved"


def test_a_county_reports_only_for_itself(plan):
    answer = report(plan["yexian"], plan["jobs"], BAOFENG, "2026-11", 2)
    assert answer.status_code == 404


def approve(plan: dict[str, Any], client: Any, indicator: int, region: str, period: str, v: float):
    report_id = report(client, indicator, region, period, v).json()["id"]
    assert act(plan["city"], report_id, "approve").status_code == 200


def test_ranking_of_a_hand_made_case(plan, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 12, 3))
    # Reported in time for 2026-11 (due 10 December; today is before it in this test).
    approve(plan, plan["baofeng"], plan["jobs"], BAOFENG, "2026-11", 8)  # 4 × 8/10 = 3.2
    approve(plan, plan["baofeng"], plan["problems"], BAOFENG, "2026-11", 4)  # met: 6
    approve(plan, plan["yexian"], plan["jobs"], YEXIAN, "2026-11", 12)  # capped: 4
    approve(plan, plan["yexian"], plan["problems"], YEXIAN, "2026-11", 10)  # 6 × 5/10 = 3
    report(plan["yexian"], plan["jobs"], YEXIAN, "2026-12", 10)  # submitted only: no value

    body = plan["city"].api("GET", "/rankings", {"period": "2026-11", "level": "county"}).json()
    top = body["items"][:2]
    assert [(s["region_code"], s["score"]) for s in top] == [(BAOFENG, 9.2), (YEXIAN, 7.0)]
    assert top[0]["by_aspect"] == {"守底线": 3.2, "促振兴": 6.0}
    assert top[1]["by_aspect"] == {"守底线": 4.0, "促振兴": 3.0}
    assert all(s["score"] == 0 for s in body["items"][2:])
    counties = Region.objects.filter(level="county", parent_id=CITY).count()
    assert len(body["items"]) == counties == 12  # every county-level unit of the city
    assert body["scheme"]["mapping"] == "linear"
    assert body["scheme"]["overdue_deduction"] == 0.5

    december = plan["city"].api("GET", "/rankings", {"period": "2026-12"}).json()["items"]
    assert december[0]["score"] == 0  # a report not approved earns nothing

    # A county sees its own standing only.
    own = plan["yexian"].api("GET", "/rankings", {"period": "2026-11"}).json()["items"]
    assert [s["region_code"] for s in own] == [YEXIAN]


def test_overdue_reports_cost_points_up_to_the_cap(plan, monkeypatch):
    # 2026-10 was due on 10 November: a report made now is late, a missing one overdue.
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 12, 3))
    approve(plan, plan["baofeng"], plan["jobs"], BAOFENG, "2026-10", 8)
    items = plan["city"].api("GET", "/rankings", {"period": "2026-10"}).json()["items"]
    standing = {s["region_code"]: s for s in items}
    assert standing[BAOFENG]["points"] == 3.2
    assert standing[BAOFENG]["deduction"] == 1.0  # two items × 0.5
    assert standing[BAOFENG]["score"] == 2.2
    assert {o["name"] for o in standing[BAOFENG]["overdue"]} == {"新增就业人数", "逾期问题个数"}
    assert standing[YEXIAN]["score"] == -1.0

    ScoringScheme.objects.filter(year=2026).update(overdue_deduction=3, max_deduction=5)
    items = plan["city"].api("GET", "/rankings", {"period": "2026-10"}).json()["items"]
    assert {s["region_code"]: s["deduction"] for s in items}[YEXIAN] == 5.0


def test_bad_period_and_level_are_refused(plan):
    assert plan["city"].api("GET", "/rankings", {"period": "2026-13"}).json()["code"] == (
        "bad_period"
    )
    assert plan["city"].api("GET", "/rankings", {"level": "village"}).json()["code"] == (
        "bad_level"
    )
