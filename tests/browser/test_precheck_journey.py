"""Refusals come early and a refused case comes back: the village, township and county
journeys of one case on a 390 px phone screen.

A 一般农户 is reported as 脱贫不稳定户 (a wrong category): the case page tells, from the report
onward, that the county will refuse it and suggests 边缘易致贫户; the county refuses; the case
is back in the village's 待办 with the reason and a 重新上报 button that opens the report form
with the suggested category and what was recorded. A form sent back with an error keeps its
fields. No page scrolls sideways.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from fangpin.monitoring.models import Case
from tests.browser.test_case_flow import Cadre, _ago, _publicize, _verify
from tests.conftest import BAOFENG, BAOFENG_TOWN, BAOFENG_VILLAGE
from tests.monitoring import factories

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PHONE = {"width": 390, "height": 844}
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def _flat(cadre: Cadre, what: str) -> None:
    """The page fits the phone's width (and is saved as a PNG)."""
    cadre.shot(what)
    widths = cadre.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert cadre.page.evaluate(NO_SIDEWAYS_SCROLL), f"{what}: {widths[0]} px on {widths[1]} px"


def test_precheck_refusal_and_re_report_on_a_phone(
    live_server: Any, chromium: Any, artifacts: Path, make_user: Callable[..., Any]
) -> None:
    today = timezone.localdate()
    make_user("village", BAOFENG_VILLAGE, "cun")
    make_user("township", BAOFENG_TOWN, "xiang")
    make_user("county", BAOFENG, "xian")
    household = factories.household(BAOFENG_VILLAGE, alleviated=False)
    factories.income(household, per_capita=5000, recorded_on=today - dt.timedelta(days=30))
    factories.guarantees(household)
    head = household.head_name

    village = Cadre(chromium, live_server.url, artifacts, "p-village", PHONE)
    township = Cadre(chromium, live_server.url, artifacts, "p-township", PHONE)
    county = Cadre(chromium, live_server.url, artifacts, "p-county", PHONE)
    village.login("cun")
    township.login("xiang")
    county.login("xian")

    # --- village: report with the wrong category --------------------------------------------
    page = village.page
    village.go(f"/monitoring/cases/report/?household={household.pk}")
    assert "边缘易致贫户" in page.inner_text("#suggested")
    assert page.input_value("#id_category") == "marginal"  # the suggestion is the default
    page.select_option("#id_category", "unstable")
    page.get_by_label("因病", exact=True).check()
    page.fill("#id_description", "户主患病住院,医疗支出大")
    page.fill("#id_reported_on", _ago(today, 12))
    _flat(village, "report-form")
    page.get_by_role("button", name="上报").click()
    page.wait_for_selector(".case-actions")
    case = Case.objects.get(household=household)

    # The pre-check tells at once what the county will refuse, and the category to take.
    precheck = page.inner_text("#precheck")
    assert "县级审定时将不予通过" in precheck
    assert "不是脱贫户" in precheck
    assert "边缘易致贫户" in precheck
    _flat(village, "case-precheck")

    village.act("入户核实", _verify(today), "verified")

    # A form error keeps what was typed (more votes than people at the meeting).
    page.locator(".case-actions").get_by_role("link", name="民主评议", exact=True).click()
    typed = {
        "#id_done_on": _ago(today, 11),
        "#id_votes_total": "5",
        "#id_votes_agree": "9",
        "#id_votes_disagree": "2",
        "#id_minutes": "村民代表会议评议",
    }
    for selector, value in typed.items():
        page.fill(selector, value)
    page.get_by_role("button", name="确认民主评议").click()
    page.wait_for_load_state()
    assert page.locator(".refusal, .field-error").count()
    for selector, value in typed.items():
        assert page.input_value(selector) == value, selector
    _flat(village, "deliberate-error")
    page.fill("#id_votes_total", "11")
    page.get_by_role("button", name="确认民主评议").click()
    page.wait_for_load_state()
    assert page.locator(".messages").inner_text().startswith("已办理「民主评议」")
    village.act("公示", _publicize(today), "publicized")
    _flat(village, "case-publicized")

    # --- township: the queue row carries the pre-check ----------------------------------------
    township.go("/monitoring/todo/")
    township.page.wait_for_selector("table.cases")
    row = township.page.inner_text("#cases")
    assert head in row and "县级审定时将不予通过" in row and "建议类别:边缘易致贫户" in row
    _flat(township, "todo")
    township.go(f"/monitoring/cases/{case.pk}/")
    assert "县级审定时将不予通过" in township.page.inner_text("#precheck")
    _flat(township, "case")
    township.act("乡镇审核通过", lambda p: p.fill("#id_opinion", "同意"), "approved")
    _flat(township, "approved")

    # --- county: told before its step, it refuses ---------------------------------------------
    county.go("/monitoring/todo/")
    county.page.wait_for_selector("table.cases")
    _flat(county, "todo")
    county.go(f"/monitoring/cases/{case.pk}/")
    assert "县级审定时将不予通过" in county.page.inner_text("#precheck")
    _flat(county, "case-before-county")
    reason = "该户为一般农户,不能认定为脱贫不稳定户,请按边缘易致贫户重新上报"
    county.act("退回/不予纳入", lambda p: p.fill("#id_reason", reason), "refused")
    assert "未纳入" in county.page.inner_text("h1")
    _flat(county, "refused")

    # --- village: the refused case is back in 待办, re-reported in one step -------------------
    village.go("/monitoring/todo/")
    returned = page.locator("#returned")
    assert head in returned.inner_text() and reason in returned.inner_text()
    _flat(village, "todo-returned")
    returned.get_by_role("link", name="重新上报").click()
    page.wait_for_selector("#re-report")
    assert reason in page.inner_text("#re-report")
    assert page.input_value("#id_category") == "marginal"
    assert page.get_by_label("因病", exact=True).is_checked()
    assert page.input_value("#id_description") == "户主患病住院,医疗支出大"
    _flat(village, "re-report-form")
    page.get_by_role("button", name="上报").click()
    page.wait_for_selector(".case-actions")
    new = Case.objects.get(previous_case=case)
    assert new.category == "marginal"
    assert page.url.endswith(f"/monitoring/cases/{new.pk}/")
    assert not page.locator("#precheck").count()  # nothing left for the county to refuse
    assert page.locator("#previous-case").count()
    history = page.inner_text("#history")
    assert "前次入户核实情况" in history and "情况属实" in history  # carried over, not retyped
    _flat(village, "re-reported")
    village.go("/monitoring/todo/")
    assert reason not in page.inner_text("#returned")
    for cadre in (village, township, county):
        cadre.context.close()
