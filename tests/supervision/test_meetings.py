"""Dispatch meetings: decisions become follow-ups with owners and deadlines, tracked to closure."""

from __future__ import annotations

import datetime as dt

import pytest

from fangpin.monitoring import clock
from tests.conftest import BAOFENG, CITY, YEXIAN

pytestmark = pytest.mark.django_db


def meeting(client, **extra):
    body = {
        "title": "11月巩固衔接工作调度会",
        "held_on": "2026-11-05",
        "minutes": "通报10月考核情况,部署整改",
        "decisions": [
            {
                "decision": "完成危房改造扫尾",
                "owner": "宝丰县住建局",
                "deadline": "2026-11-30",
                "region_code": BAOFENG,
            },
            {
                "decision": "补报佐证材料",
                "owner": "叶县乡村振兴局",
                "deadline": "2026-12-20",
                "region_code": YEXIAN,
            },
        ],
        **extra,
    }
    return client.api("POST", "/meetings", body)


def test_decisions_become_follow_ups_for_the_regions_responsible(api_as, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 12, 3))
    city = api_as("city", CITY)
    answer = meeting(city)
    assert answer.status_code == 201, answer.json()
    follow_ups = answer.json()["follow_ups"]
    assert [f["region_code"] for f in follow_ups] == [BAOFENG, YEXIAN]
    assert [f["overdue"] for f in follow_ups] == [True, False]

    baofeng = api_as("county", BAOFENG)
    mine = baofeng.api("GET", "/follow-ups").json()["items"]
    assert [f["decision"] for f in mine] == ["完成危房改造扫尾"]  # not 叶县's
    overdue = city.api("GET", "/follow-ups", {"overdue": True}).json()["items"]
    assert [f["region_code"] for f in overdue] == [BAOFENG]

    path = f"/follow-ups/{mine[0]['id']}/actions/close"
    assert baofeng.api("POST", path, {"note": ""}).json()["code"] == "note_required"
    closed = baofeng.api("POST", path, {"note": "已全部竣工验收"})
    assert closed.json()["status"] == "closed" and closed.json()["closed_on"] == "2026-12-03"
    assert baofeng.api("POST", path, {"note": "再次"}).json()["code"] == "follow_up_closed"
    # Only the meeting's region sends it back.
    reopen = f"/follow-ups/{mine[0]['id']}/actions/reopen"
    assert baofeng.api("POST", reopen, {"note": "x"}).status_code == 403
    assert city.api("POST", reopen, {"note": "验收资料不全"}).json()["status"] == "open"


def test_the_meeting_list_costs_a_fixed_number_of_queries(api_as, django_assert_max_num_queries):
    city = api_as("city", CITY)
    for _ in range(3):
        meeting(city)
    with django_assert_max_num_queries(8):
        items = city.api("GET", "/meetings").json()["items"]
    assert len(items) == 3 and all(len(m["follow_ups"]) == 2 for m in items)


def test_a_county_assigns_nothing_outside_itself(api_as):
    answer = meeting(api_as("county", YEXIAN))
    assert answer.status_code == 404
    assert api_as("village", "410421101201").api("GET", "/meetings").json()["items"] == []


def test_a_deadline_before_the_meeting_is_refused(api_as):
    answer = meeting(
        api_as("city", CITY),
        decisions=[{"decision": "整改", "owner": "县局", "deadline": "2026-10-01"}],
    )
    assert answer.status_code == 400
