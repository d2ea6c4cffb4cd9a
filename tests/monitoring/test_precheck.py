"""Early, advisory eligibility (issue 10 item 1) and re-reporting a refused case.

The county's refusals are told from the report onward (`precheck` on the case), nothing is
refused early; the category the household's data supports is suggested; a refused case is
re-reported with the corrected category, linked, keeping what was recorded.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from fangpin.monitoring.models import Case, CaseEvent
from fangpin.monitoring.precheck import suggested_category
from fangpin.screening.models import Warning
from tests.conftest import BAOFENG_VILLAGE, YEXIAN_VILLAGE

from . import factories
from .conftest import Cadres, poor_household, recovered

pytestmark = pytest.mark.django_db

RECENT = timezone.localdate() - dt.timedelta(days=30)


def _codes(case: dict[str, Any]) -> list[str]:
    return [p["code"] for p in case["precheck"]]


def test_income_above_the_line_is_told_at_the_report_and_refused_only_at_the_county(
    cadres: Cadres,
) -> None:
    hh = factories.household(BAOFENG_VILLAGE, alleviated=False)
    factories.income(hh, per_capita=12000, recorded_on=RECENT)
    factories.guarantees(hh)
    case_id = cadres.report(hh).json()["id"]

    case = cadres.village.api("GET", f"/cases/{case_id}").json()
    assert case["precheck"] == [
        {
            "code": "income_above_line",
            "detail": case["precheck"][0]["detail"],
            "step": "approve_county",
        }
    ]
    assert "12000" in case["precheck"][0]["detail"]
    # Advisory: every step before the county goes through.
    steps = cadres.steps()
    cadres.run(case_id, steps[:-1])
    refused = cadres.act(case_id, *steps[-1])
    assert refused.status_code == 409
    assert refused.json()["code"] == "income_above_line"


def test_wrong_category_and_missing_assessment_are_told_with_the_suggestion(
    cadres: Cadres,
) -> None:
    hh = factories.household(BAOFENG_VILLAGE, alleviated=False)
    factories.income(hh, per_capita=5000, recorded_on=RECENT)
    case_id = cadres.report(hh, category="unstable").json()["id"]

    case = cadres.village.api("GET", f"/cases/{case_id}").json()
    assert _codes(case) == ["category_needs_alleviated", "guarantees_not_assessed"]
    assert {p["step"] for p in case["precheck"]} == {"approve_county"}
    assert case["suggested_category"] == "marginal"


def test_an_eligible_case_has_no_precheck(cadres: Cadres) -> None:
    hh = poor_household()
    case_id = cadres.report(hh).json()["id"]
    case = cadres.village.api("GET", f"/cases/{case_id}").json()
    assert case["precheck"] == []
    assert case["suggested_category"] == "unstable"


def test_elimination_too_soon_is_told_when_proposed(cadres: Cadres) -> None:
    hh = poor_household()
    case_id = cadres.monitored(hh)
    recovered(hh, timezone.localdate() - dt.timedelta(days=20))
    cadres.act(case_id, "village", "propose_elimination", {"mode": "natural"})
    case = cadres.village.api("GET", f"/cases/{case_id}").json()
    assert case["state"] == "elimination_reported"
    assert "monitored_too_briefly" in _codes(case)
    assert "income_not_stable" in _codes(case)
    assert "income_above_line" not in _codes(case)


def test_monitored_and_refused_cases_have_no_precheck(cadres: Cadres) -> None:
    hh = poor_household()
    case_id = cadres.monitored(hh)
    assert cadres.village.api("GET", f"/cases/{case_id}").json()["precheck"] == []


@pytest.mark.parametrize(
    ("alleviated", "per_capita", "out_of_pocket", "expected"),
    [
        (True, 5000, 0, "unstable"),
        (False, 5000, 0, "marginal"),
        (False, 12000, 0, "marginal"),  # not eligible: the pre-check says so
        (False, 12000, 30000, "sudden"),  # 12000 − 30000/3 = 2000 per person
        (True, 12000, 30000, "sudden"),
    ],
)
def test_suggested_category_follows_the_household(
    alleviated: bool, per_capita: int, out_of_pocket: int, expected: str
) -> None:
    hh = factories.household(BAOFENG_VILLAGE, alleviated=alleviated)
    factories.income(hh, per_capita=per_capita, recorded_on=RECENT, out_of_pocket=out_of_pocket)
    factories.guarantees(hh)
    assert suggested_category(hh) == expected


def test_a_household_without_income_data_gets_its_base_category() -> None:
    assert suggested_category(factories.household(BAOFENG_VILLAGE, alleviated=True)) == "unstable"
    assert suggested_category(factories.household(BAOFENG_VILLAGE)) == "marginal"


def test_a_case_from_a_warning_gets_the_suggested_category(cadres: Cadres) -> None:
    hh = poor_household(alleviated=False)
    warning = Warning.objects.create(
        household=hh,
        rule="medical_high_out_of_pocket",
        risk_type="01",
        message="年度自付医疗费用高",
        deadline=timezone.localdate() + dt.timedelta(days=10),
    )
    opened = cadres.village.api(
        "POST", f"/warnings/{warning.pk}/actions/open_case", {"risk_types": ["01"]}
    )
    assert opened.status_code == 200, opened.json()
    case = Case.objects.get(warning=warning)
    assert case.category == "marginal"


# --- re-report -----------------------------------------------------------------------------


def _refused_at_county(cadres: Cadres, hh: Any, **overrides: Any) -> int:
    case_id: int = cadres.report(hh, **overrides).json()["id"]
    cadres.run(case_id, cadres.steps()[:-1])
    refused = cadres.act(case_id, "county", "reject", {"reason": "该户不是脱贫户,类别有误"})
    assert refused.status_code == 200, refused.json()
    return case_id


def test_re_report_links_the_refused_case_and_keeps_what_was_recorded(cadres: Cadres) -> None:
    hh = poor_household(alleviated=False)
    old_id = _refused_at_county(cadres, hh, category="unstable")
    old = Case.objects.get(pk=old_id)
    assert old.comparison is not None  # the 信息比对 of its verification
    CaseEvent.objects.create(
        case=old, action="department_evidence", to_state="rejected", body={"finding": "住院自付"}
    )

    created = cadres.village.api(
        "POST",
        "/cases",
        {
            "household_id": hh.pk,
            "channel": "cadre_visit",
            "category": "marginal",
            "risk_types": ["01"],
            "previous_case_id": old_id,
        },
    )
    assert created.status_code == 201, created.json()
    assert set(created.json()) >= {"id", "state", "deadline"}
    new = cadres.village.api("GET", f"/cases/{created.json()['id']}").json()
    assert new["previous_case_id"] == old_id
    assert new["category"] == "marginal"
    assert new["description"] == "户主患大病,医疗支出大"
    assert new["comparison"] == old.comparison  # a fresh report has none (null) before verify
    report = new["history"][0]
    assert report["body"]["findings"] == "入户核实属实"
    assert report["body"]["previous_reason"] == "该户不是脱贫户,类别有误"
    assert any(
        e["action"] == "department_evidence" and e["body"]["finding"] == "住院自付"
        for e in new["history"]
    )
    assert new["precheck"] == []
    old_now = cadres.village.api("GET", f"/cases/{old_id}").json()
    assert old_now["next_case_id"] == new["id"]


def test_re_report_of_a_case_not_refused_or_already_continued_is_refused(cadres: Cadres) -> None:
    hh = poor_household(alleviated=False)
    open_id = cadres.report(hh).json()["id"]
    body = {
        "household_id": hh.pk,
        "channel": "cadre_visit",
        "category": "marginal",
        "risk_types": ["01"],
        "previous_case_id": open_id,
    }
    answer = cadres.village.api("POST", "/cases", body)
    assert answer.status_code == 409
    assert answer.json()["code"] == "previous_case_not_refused"

    cadres.act(open_id, "village", "reject", {"reason": "核实不符"})
    assert cadres.village.api("POST", "/cases", body).status_code == 201
    again = cadres.village.api("POST", "/cases", body)
    assert again.status_code == 409
    assert again.json()["code"] in {"previous_case_continued", "household_has_open_case"}


def test_re_report_for_another_household_or_outside_the_region(cadres: Cadres, api_as: Any) -> None:
    hh = poor_household(alleviated=False)
    old_id = _refused_at_county(cadres, hh)
    other = poor_household(alleviated=False)
    body = {
        "household_id": other.pk,
        "channel": "cadre_visit",
        "category": "marginal",
        "risk_types": ["01"],
        "previous_case_id": old_id,
    }
    mismatch = cadres.village.api("POST", "/cases", body)
    assert mismatch.status_code == 400
    assert mismatch.json()["code"] == "previous_case_mismatch"

    stranger = api_as("village", YEXIAN_VILLAGE)
    outside = stranger.api("POST", "/cases", {**body, "household_id": hh.pk})
    assert outside.status_code == 404


# --- the pages -----------------------------------------------------------------------------


def _web(user: Any) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_case_page_and_queue_tell_the_county_refusal_ahead(cadres: Cadres) -> None:
    hh = factories.household(BAOFENG_VILLAGE, alleviated=False)
    factories.income(hh, per_capita=5000, recorded_on=RECENT)
    factories.guarantees(hh)
    case_id = cadres.report(hh, category="unstable").json()["id"]

    page = _web(cadres.village.user).get(f"/monitoring/cases/{case_id}/").content.decode()
    assert 'id="precheck"' in page
    assert "县级审定时将不予通过" in page
    assert "建议类别:<strong>边缘易致贫户</strong>" in page
    todo = _web(cadres.village.user).get("/monitoring/todo/").content.decode()
    assert "县级审定时将不予通过:该户不是脱贫户" in todo
    assert "建议类别:边缘易致贫户" in todo


def test_refused_case_is_back_in_the_village_queue_and_re_reported_in_one_step(
    cadres: Cadres,
) -> None:
    hh = poor_household(alleviated=False)
    old_id = _refused_at_county(cadres, hh, category="unstable")
    web = _web(cadres.village.user)
    todo = web.get("/monitoring/todo/").content.decode()
    assert 'id="returned"' in todo
    assert "该户不是脱贫户,类别有误" in todo
    link = f"/monitoring/cases/report/?previous={old_id}"
    assert link in todo

    form = web.get(link)
    text = form.content.decode()
    assert "重新上报" in text and "该户不是脱贫户,类别有误" in text
    initial = form.context["form"].initial
    assert initial["category"] == "marginal"
    assert initial["risk_types"] == ["01"]
    answer = web.post(
        "/monitoring/cases/report/",
        {
            "household": hh.pk,
            "previous": old_id,
            "channel": "cadre_visit",
            "category": "marginal",
            "risk_types": ["01"],
            "description": "",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    new = Case.objects.get(previous_case_id=old_id)
    assert new.category == "marginal"
    assert new.description == "户主患大病,医疗支出大"
    # Taken up again: no longer waiting in the queue.
    assert f"?previous={old_id}" not in web.get("/monitoring/todo/").content.decode()


def test_an_elimination_sent_back_is_in_the_village_queue_with_its_reason(cadres: Cadres) -> None:
    hh = poor_household()
    case_id = cadres.monitored(hh)
    cadres.act(case_id, "village", "propose_elimination", {"mode": "natural"})
    sent_back = cadres.act(case_id, "village", "reject", {"reason": "收入尚不稳定,继续帮扶"})
    assert sent_back.json()["state"] == "monitored"
    todo = _web(cadres.village.user).get("/monitoring/todo/").content.decode()
    assert "风险消除被退回" in todo
    assert "收入尚不稳定,继续帮扶" in todo
    assert f"?previous={case_id}" not in todo  # monitored still: nothing to re-report


def test_the_queue_of_another_village_does_not_show_a_refused_case(
    cadres: Cadres, make_user: Any
) -> None:
    hh = poor_household(alleviated=False)
    _refused_at_county(cadres, hh)
    stranger = make_user("village", YEXIAN_VILLAGE)
    todo = _web(stranger).get("/monitoring/todo/").content.decode()
    assert "该户不是脱贫户,类别有误" not in todo


def test_the_warning_page_offers_the_suggested_category(cadres: Cadres) -> None:
    hh = poor_household(alleviated=False)
    warning = Warning.objects.create(
        household=hh,
        rule="medical_high_out_of_pocket",
        risk_type="01",
        message="年度自付医疗费用高",
        deadline=timezone.localdate() + dt.timedelta(days=10),
    )
    page = _web(cadres.village.user).get(f"/screening/warnings/{warning.pk}/").content.decode()
    assert 'value="marginal" selected>边缘易致贫户(建议)' in page
