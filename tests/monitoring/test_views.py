"""The case pages as a cadre uses them: queues, buttons, action forms and their refusals."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from fangpin.monitoring.guards import GuardCode
from fangpin.monitoring.models import Case, Measure, Plan
from tests.conftest import YEXIAN_VILLAGE

from . import factories
from .conftest import Cadres, poor_household

pytestmark = pytest.mark.django_db


def browser(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_text(response: Any) -> str:
    return response.content.decode()


def test_village_cadre_reports_a_household_from_its_page_link(cadres: Cadres) -> None:
    hh = poor_household()
    web = browser(cadres.village.user)
    form = web.get(f"/monitoring/cases/report/?household={hh.pk}")
    assert form.status_code == 200
    assert hh.head_name in page_text(form)
    response = web.post(
        "/monitoring/cases/report/",
        {
            "household": hh.pk,
            "channel": "cadre_visit",
            "category": "unstable",
            "risk_types": ["01", "03"],
            "description": "户主患病",
        },
    )
    case = Case.objects.get(household=hh)
    assert response.status_code == 302
    assert response["Location"] == f"/monitoring/cases/{case.pk}/"
    assert case.state == "reported"
    assert case.risk_types == ["01", "03"]


def test_reporting_a_household_twice_explains_that_it_already_has_a_case(
    cadres: Cadres,
) -> None:
    hh = poor_household()
    cadres.report(hh)
    response = browser(cadres.village.user).post(
        "/monitoring/cases/report/",
        {"household": hh.pk, "channel": "cadre_visit", "category": "unstable", "risk_types": "01"},
    )
    assert response.status_code == 409
    text = page_text(response)
    assert GuardCode.HOUSEHOLD_HAS_OPEN_CASE in text
    assert "不能重复纳入" in text
    assert Case.objects.filter(household=hh).count() == 1


def test_the_report_form_finds_households_by_head_name(cadres: Cadres) -> None:
    hh = poor_household()
    response = browser(cadres.village.user).get(f"/monitoring/cases/report/?q={hh.head_name}")
    assert f"?household={hh.pk}" in page_text(response)


def test_a_household_of_another_county_cannot_be_reported(cadres: Cadres) -> None:
    other = factories.household(YEXIAN_VILLAGE)
    response = browser(cadres.village.user).get(f"/monitoring/cases/report/?household={other.pk}")
    assert response.status_code == 404


def test_case_page_shows_only_the_buttons_the_workflow_gives_this_user(cadres: Cadres) -> None:
    case_id = cadres.report(poor_household()).json()["id"]
    village = page_text(browser(cadres.village.user).get(f"/monitoring/cases/{case_id}/"))
    township = page_text(browser(cadres.township.user).get(f"/monitoring/cases/{case_id}/"))
    assert f"/monitoring/cases/{case_id}/actions/verify/" in village
    assert f"/monitoring/cases/{case_id}/actions/reject/" in village
    assert "/actions/approve_township/" not in village
    assert "/actions/" not in township
    assert "没有需要您办理的操作" in township


def test_verifying_without_signed_consent_is_refused_in_plain_words(cadres: Cadres) -> None:
    case_id = cadres.report(poor_household()).json()["id"]
    response = browser(cadres.village.user).post(
        f"/monitoring/cases/{case_id}/actions/verify/", {"findings": "属实"}
    )
    assert response.status_code == 409
    text = page_text(response)
    assert "授权承诺书" in text and "请农户签署" in text
    assert Case.objects.get(pk=case_id).state == "reported"


def test_township_approval_before_the_notice_ends_says_when_it_may_approve(
    cadres: Cadres,
) -> None:
    case_id = cadres.report(poor_household()).json()["id"]
    today = cadres.clock.day.isoformat()
    steps = [*cadres.steps()[:2], ("village", "publicize", {"starts_on": today, "days": 5})]
    cadres.run(case_id, steps)
    response = browser(cadres.township.user).post(
        f"/monitoring/cases/{case_id}/actions/approve_township/", {"opinion": "同意"}
    )
    assert response.status_code == 409
    text = page_text(response)
    assert GuardCode.NOTICE_NOT_ENDED in text
    assert "公示期满后" in text
    assert Case.objects.get(pk=case_id).state == "publicized"


def test_actions_go_through_the_forms_and_the_history_shows_who_did_what(
    cadres: Cadres,
) -> None:
    case_id = cadres.report(poor_household()).json()["id"]
    web = browser(cadres.village.user)
    start = (cadres.clock.day - dt.timedelta(days=10)).isoformat()
    for action, body in (
        (
            "verify",
            {"findings": "入户核实属实", "consent_signed": "on", "done_on": cadres.day(-12)},
        ),
        (
            "deliberate",
            {"votes_total": 11, "votes_agree": 9, "votes_disagree": 2, "done_on": cadres.day(-11)},
        ),
        ("publicize", {"starts_on": start, "days": 5}),
    ):
        response = web.post(f"/monitoring/cases/{case_id}/actions/{action}/", body)
        assert response.status_code == 302, page_text(response)
    township = browser(cadres.township.user)
    assert (
        township.post(f"/monitoring/cases/{case_id}/actions/approve_township/").status_code == 302
    )
    page = page_text(web.get(f"/monitoring/cases/{case_id}/"))
    assert "乡镇已审核" in page
    for words in ("入户核实属实", "同意票:9", "公示天数:5", "village-410421101201"):
        assert words in page


def test_a_stale_form_is_refused_when_someone_else_acted_first(cadres: Cadres) -> None:
    case_id = cadres.report(poor_household()).json()["id"]
    seen = Case.objects.get(pk=case_id).version
    cadres.act(case_id, "village", "verify", {"consent_signed": True})
    response = browser(cadres.village.user).post(
        f"/monitoring/cases/{case_id}/actions/reject/", {"reason": "不符合", "version": seen}
    )
    assert response.status_code == 409
    assert "他人已办理" in page_text(response)


def test_an_action_form_for_another_step_explains_the_current_step(cadres: Cadres) -> None:
    case_id = cadres.report(poor_household()).json()["id"]
    response = browser(cadres.village.user).get(f"/monitoring/cases/{case_id}/actions/publicize/")
    assert response.status_code == 200
    assert "当前环节「已发现待核实」不能办理「公示」" in page_text(response)


def test_a_role_that_never_takes_an_action_gets_403(cadres: Cadres) -> None:
    case_id = cadres.report(poor_household()).json()["id"]
    response = browser(cadres.township.user).get(f"/monitoring/cases/{case_id}/actions/verify/")
    assert response.status_code == 403


def test_a_case_of_another_county_is_not_found(cadres: Cadres, make_user: Any) -> None:
    case_id = cadres.report(poor_household()).json()["id"]
    stranger = make_user("village", YEXIAN_VILLAGE)
    assert browser(stranger).get(f"/monitoring/cases/{case_id}/").status_code == 404


def test_todo_puts_overdue_cases_first_and_marks_them(cadres: Cadres) -> None:
    late_case = cadres.report(poor_household()).json()["id"]
    cadres.clock.set(cadres.clock.day + dt.timedelta(days=40))
    fresh_case = cadres.report(poor_household()).json()["id"]
    text = page_text(browser(cadres.village.user).get("/monitoring/todo/"))
    assert text.index(f'/monitoring/cases/{late_case}/"') < text.index(
        f'/monitoring/cases/{fresh_case}/"'
    )
    assert "逾期 1" in text


def test_todo_gives_each_level_its_own_step(cadres: Cadres) -> None:
    case_id = cadres.report(poor_household()).json()["id"]
    cadres.run(case_id, cadres.steps()[:3])
    township = page_text(browser(cadres.township.user).get("/monitoring/todo/"))
    county = page_text(browser(cadres.county.user).get("/monitoring/todo/"))
    village = page_text(browser(cadres.village.user).get("/monitoring/todo/"))
    link = f'/monitoring/cases/{case_id}/"'
    assert link in township
    assert link not in county
    assert link not in village


def test_village_todo_lists_households_due_for_elimination_review(cadres: Cadres) -> None:
    case_id = cadres.monitored(poor_household())
    web = browser(cadres.village.user)
    assert f"/monitoring/cases/{case_id}/actions/propose_elimination/" not in page_text(
        web.get("/monitoring/todo/")
    )
    cadres.clock.months_later(3)
    assert f"/monitoring/cases/{case_id}/actions/propose_elimination/" in page_text(
        web.get("/monitoring/todo/")
    )


def test_case_list_filters_overdue_cases(cadres: Cadres) -> None:
    late = cadres.report(poor_household()).json()["id"]
    cadres.clock.set(cadres.clock.day + dt.timedelta(days=40))
    fresh = cadres.report(poor_household()).json()["id"]
    text = page_text(browser(cadres.county.user).get("/monitoring/cases/?overdue=1"))
    assert f'/monitoring/cases/{late}/"' in text
    assert f'/monitoring/cases/{fresh}/"' not in text


def test_plan_and_measures_are_recorded_from_the_case_page(cadres: Cadres) -> None:
    hh = poor_household()
    case_id = cadres.monitored(hh)
    web = browser(cadres.village.user)
    page = page_text(web.get(f"/monitoring/cases/{case_id}/"))
    assert "尚未落实帮扶责任人" in page
    web.post(
        f"/monitoring/cases/{case_id}/plan/",
        {"helper_name": "王帮扶", "helper_phone": "13800001234", "summary": "医疗救助"},
    )
    web.post(
        f"/monitoring/cases/{case_id}/measures/",
        {
            "m-type": "health",
            "m-content": "住院费用二次报销",
            "m-amount": "3000",
            "m-starts_on": cadres.clock.day.isoformat(),
            "m-status": "planned",
        },
    )
    measure = Measure.objects.get(household=hh)
    web.post(f"/monitoring/cases/{case_id}/measures/{measure.pk}/done/")
    measure.refresh_from_db()
    assert measure.status == "implemented"
    assert Plan.objects.get(household=hh).helper_name == "王帮扶"
    page = page_text(web.get(f"/monitoring/cases/{case_id}/"))
    assert "王帮扶" in page and "住院费用二次报销" in page
    assert "尚未落实帮扶责任人" not in page
    assert "没有健康帮扶" not in page


def test_a_measure_with_missing_content_is_explained(cadres: Cadres) -> None:
    case_id = cadres.monitored(poor_household())
    web = browser(cadres.village.user)
    response = web.post(
        f"/monitoring/cases/{case_id}/measures/",
        {"m-type": "health", "m-starts_on": "2026-01-01", "m-status": "planned"},
        follow=True,
    )
    assert "帮扶内容" in page_text(response)
    assert not Measure.objects.exists()


def _queries(web: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert web.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", ["/monitoring/todo/", "/monitoring/cases/"])
def test_queue_and_list_pages_do_not_query_per_case(cadres: Cadres, url: str) -> None:
    web = browser(cadres.village.user)
    for _ in range(2):
        cadres.report(poor_household())
    few = _queries(web, url)
    for _ in range(4):
        cadres.report(poor_household())
    assert _queries(web, url) == few


def test_a_department_account_cannot_read_cases(api_as):
    from tests.conftest import CITY

    client = api_as("department", CITY)
    response = client.api("GET", "/cases")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_a_case_with_an_open_objection_waits_in_the_village_queue(cadres: Cadres) -> None:
    case_id = cadres.report(poor_household()).json()["id"]
    cadres.run(case_id, cadres.steps()[:3])
    link = f'/monitoring/cases/{case_id}/"'
    web = browser(cadres.village.user)
    assert link not in page_text(web.get("/monitoring/todo/"))
    cadres.act(case_id, "village", "object", {"summary": "村民反映收入不实"})
    queue = page_text(web.get("/monitoring/todo/"))
    assert link in queue
    assert "处理公示异议" in queue
    cadres.act(case_id, "village", "resolve_objection", {"resolution": "已核实"})
    assert link not in page_text(web.get("/monitoring/todo/"))


def test_a_measure_form_error_keeps_what_was_typed_beside_the_field(cadres: Cadres) -> None:
    case_id = cadres.monitored(poor_household())
    web = browser(cadres.village.user)
    response = web.post(
        f"/monitoring/cases/{case_id}/measures/",
        {
            "m-type": "health",
            "m-content": "大病保险二次报销",
            "m-amount": "-5",
            "m-starts_on": "2026-01-01",
            "m-ends_on": "2026-03-31",
            "m-status": "implemented",
        },
    )
    assert response.status_code == 400
    page = page_text(response)
    assert 'id="measure-form" open' in page
    assert "大病保险二次报销</textarea>" in page
    for name, value in [
        ("m-amount", "-5"),
        ("m-starts_on", "2026-01-01"),
        ("m-ends_on", "2026-03-31"),
    ]:
        assert f'name="{name}" value="{value}"' in page, name
    assert '<option value="implemented" selected>' in page
    field = page.split('id="id_m-amount"', 1)[1].split("</div>", 1)[0]
    assert 'class="field-error" id="id_m-amount_error"' in field
    assert not Measure.objects.exists()
