"""Dates stay true (CONTRACT §4 "Dates"): every step carries the day it happened, entered later
from the paper trail if need be, never in the future, at most `backdate_max_days` back, never
before the case's previous step."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from fangpin.core.deadlines import add_working_days
from fangpin.monitoring.guards import GuardCode
from fangpin.monitoring.models import Case
from fangpin.policy.models import Parameter

from .conftest import Cadres, poor_household, recovered

pytestmark = pytest.mark.django_db

OUT_OF_ORDER = "date_out_of_order"


def _with(step: tuple[str, str, dict[str, Any]], **body: Any) -> tuple[str, str, dict[str, Any]]:
    role, action, old = step
    return role, action, {**old, **body}


def _history(cadres: Cadres, case_id: int) -> list[dict[str, Any]]:
    history: list[dict[str, Any]] = cadres.county.api("GET", f"/cases/{case_id}").json()["history"]
    return history


def test_steps_entered_later_in_order_keep_their_days_and_when_they_were_entered(
    cadres: Cadres,
) -> None:
    case_id = cadres.report(poor_household(), reported_on=cadres.day(-20)).json()["id"]
    verify, deliberate, publicize, township, county = cadres.steps()
    cadres.run(
        case_id,
        [
            _with(verify, done_on=cadres.day(-19)),
            _with(deliberate, done_on=cadres.day(-15)),
            _with(publicize, starts_on=cadres.day(-14)),
            _with(township, done_on=cadres.day(-8)),
            _with(county, done_on=cadres.day(-3)),
        ],
    )
    case = Case.objects.get(pk=case_id)
    assert case.state == "monitored"
    # The county's day is the day of inclusion, not the day it was typed in.
    assert case.identified_on == cadres.clock.day - dt.timedelta(days=3)
    assert case.notice_starts_on == cadres.clock.day - dt.timedelta(days=14)
    history = _history(cadres, case_id)
    days = {e["action"]: e["done_on"] for e in history}
    assert days == {
        "report": cadres.day(-20),
        "verify": cadres.day(-19),
        "deliberate": cadres.day(-15),
        "publicize": cadres.day(-14),
        "approve_township": cadres.day(-8),
        "approve_county": cadres.day(-3),
    }
    today = timezone.localdate()
    for event in history:
        # When it was entered, and by whom, is kept apart from the day it happened.
        assert dt.datetime.fromisoformat(event["at"]).date() >= today - dt.timedelta(days=1)
        assert event["actor"]


def test_a_step_dated_before_the_previous_one_is_refused(cadres: Cadres) -> None:
    case_id = cadres.report(poor_household(), reported_on=cadres.day(-5)).json()["id"]
    verify = _with(cadres.steps()[0], done_on=cadres.day(-6))
    response = cadres.act(case_id, *verify)
    assert response.status_code == 400
    assert response.json()["code"] == OUT_OF_ORDER
    assert Case.objects.get(pk=case_id).state == "reported"
    # The same day as the report is in order.
    cadres.run(case_id, [_with(verify, done_on=cadres.day(-5))])


def test_a_notice_dated_before_the_deliberation_is_refused(cadres: Cadres) -> None:
    # Reported and deliberated on 12-02, then a notice "from 11-26 to 11-30".
    cadres.clock.set(dt.date(2026, 12, 3))
    case_id = cadres.report(poor_household(), reported_on="2026-12-02").json()["id"]
    verify, deliberate = cadres.steps()[:2]
    cadres.run(
        case_id, [_with(verify, done_on="2026-12-02"), _with(deliberate, done_on="2026-12-02")]
    )
    response = cadres.act(case_id, "village", "publicize", {"starts_on": "2026-11-26", "days": 5})
    assert response.status_code == 400
    assert response.json()["code"] == OUT_OF_ORDER
    assert "2026年12月02日" in response.json()["detail"]
    case = Case.objects.get(pk=case_id)
    assert (case.state, case.notice_starts_on) == ("deliberated", None)


def test_an_elimination_dated_before_the_inclusion_is_refused(cadres: Cadres) -> None:
    hh = poor_household()
    case_id = cadres.monitored(hh)
    included = Case.objects.get(pk=case_id).identified_on
    assert included == cadres.clock.day
    recovered(hh, since=included)
    cadres.clock.set(included + dt.timedelta(days=10))
    before = (included - dt.timedelta(days=1)).isoformat()
    response = cadres.act(
        case_id, "village", "propose_elimination", {"mode": "natural", "done_on": before}
    )
    assert (response.status_code, response.json()["code"]) == (400, OUT_OF_ORDER)
    # Proposed, verified and deliberated after the inclusion: the notice still may not
    # predate it.
    after = (included + dt.timedelta(days=1)).isoformat()
    propose, verify, deliberate = cadres.elimination_steps()[:3]
    cadres.run(
        case_id,
        [
            _with(propose, done_on=after),
            _with(verify, done_on=after),
            _with(deliberate, done_on=after),
        ],
    )
    notice = {"starts_on": (included - dt.timedelta(days=5)).isoformat(), "days": 5}
    response = cadres.act(case_id, "village", "publicize", notice)
    assert (response.status_code, response.json()["code"]) == (400, OUT_OF_ORDER)
    assert Case.objects.get(pk=case_id).state == "elimination_deliberated"


def test_a_day_further_back_than_the_policy_allows_is_refused(cadres: Cadres) -> None:
    response = cadres.report(poor_household(), reported_on=cadres.day(-31))
    assert (response.status_code, response.json()["code"]) == (400, "date_too_far_back")
    case_id = cadres.report(poor_household(), reported_on=cadres.day(-30)).json()["id"]
    verify = _with(cadres.steps()[0], done_on=cadres.day(-31))
    response = cadres.act(case_id, *verify)
    assert (response.status_code, response.json()["code"]) == (400, "date_too_far_back")
    # The city may allow more.
    Parameter.objects.update_or_create(key="backdate_max_days", defaults={"value": 60})
    assert cadres.report(poor_household(), reported_on=cadres.day(-45)).status_code == 201


def test_a_day_in_the_future_is_refused(cadres: Cadres) -> None:
    tomorrow = cadres.day(1)
    response = cadres.report(poor_household(), reported_on=tomorrow)
    assert (response.status_code, response.json()["code"]) == (400, "date_in_future")
    case_id = cadres.report(poor_household(), reported_on=cadres.day(0)).json()["id"]
    verify, deliberate = cadres.steps()[:2]
    response = cadres.act(case_id, "village", "verify", {**verify[2], "done_on": tomorrow})
    assert (response.status_code, response.json()["code"]) == (400, "date_in_future")
    cadres.run(case_id, [_with(verify, done_on=None), _with(deliberate, done_on=None)])
    response = cadres.act(case_id, "village", "publicize", {"starts_on": tomorrow, "days": 5})
    assert (response.status_code, response.json()["code"]) == (400, "date_in_future")
    assert Case.objects.get(pk=case_id).state == "deliberated"


def test_the_inclusion_deadline_counts_from_the_day_reported(cadres: Cadres) -> None:
    reported = cadres.clock.day - dt.timedelta(days=20)
    response = cadres.report(poor_household(), reported_on=reported.isoformat())
    assert response.status_code == 201
    case = Case.objects.get(pk=response.json()["id"])
    assert case.discovered_on == reported
    assert response.json()["deadline"] == add_working_days(reported, 15).due_on.isoformat()
    assert case.deadline < add_working_days(cadres.clock.day, 15).due_on


def test_township_approval_needs_the_notice_over_by_its_own_day(cadres: Cadres) -> None:
    case_id = cadres.report(poor_household()).json()["id"]
    cadres.run(case_id, cadres.steps()[:3])  # a 5-day notice from day -10 to day -6
    for day in (-7, -6):
        response = cadres.act(case_id, "township", "approve_township", {"done_on": cadres.day(day)})
        assert (response.status_code, response.json()["code"]) == (409, GuardCode.NOTICE_NOT_ENDED)
    response = cadres.act(case_id, "township", "approve_township", {"done_on": cadres.day(-5)})
    assert response.json()["state"] == "township_approved"


def test_the_state_label_and_the_township_queue_follow_the_notice(cadres: Cadres) -> None:
    case_id = cadres.report(poor_household(), reported_on=cadres.day(0)).json()["id"]
    verify, deliberate = cadres.steps()[:2]
    cadres.run(case_id, [_with(verify, done_on=None), _with(deliberate, done_on=None)])
    cadres.run(case_id, [("village", "publicize", {"starts_on": cadres.day(0), "days": 5})])
    seen = cadres.township.api("GET", f"/cases/{case_id}").json()
    assert seen["state_label"] == "公示中"
    assert "approve_township" not in seen["allowed_actions"]
    township = Client()
    township.force_login(cadres.township.user)
    head = Case.objects.get(pk=case_id).household.head_name
    assert head not in township.get("/monitoring/todo/").content.decode()
    cadres.clock.set(cadres.clock.day + dt.timedelta(days=5))
    queue = township.get("/monitoring/todo/").content.decode()
    assert head in queue and "乡镇审核通过" in queue
    seen = cadres.township.api("GET", f"/cases/{case_id}").json()
    assert seen["state"] == "publicized"
    assert seen["state_label"] == "公示期满,待乡镇审核"
    assert "approve_township" in seen["allowed_actions"]


def test_the_action_form_asks_for_the_day_and_posts_it(cadres: Cadres) -> None:
    case_id = cadres.report(poor_household()).json()["id"]
    web = Client()
    web.force_login(cadres.village.user)
    page = web.get(f"/monitoring/cases/{case_id}/actions/verify/").content.decode()
    field = re.search(r"<input[^>]*name=\"done_on\"[^>]*>", page)
    assert field is not None
    assert 'type="date"' in field.group(0)
    assert f'value="{cadres.day(0)}"' in field.group(0)  # today, in ISO
    posted = web.post(
        f"/monitoring/cases/{case_id}/actions/verify/",
        {"findings": "补录", "consent_signed": "on", "done_on": cadres.day(-9)},
    )
    assert posted.status_code == 302
    assert _history(cadres, case_id)[-1]["done_on"] == cadres.day(-9)
    page = web.get(f"/monitoring/cases/{case_id}/").content.decode()
    assert f"办理日期 {cadres.day(-9)}" in page
    refused = web.post(
        f"/monitoring/cases/{case_id}/actions/deliberate/",
        {"votes_total": 9, "votes_agree": 8, "votes_disagree": 1, "done_on": cadres.day(-10)},
    )
    assert refused.status_code == 400
    assert OUT_OF_ORDER in refused.content.decode()
