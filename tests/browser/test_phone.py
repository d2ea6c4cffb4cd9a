"""Phone first: a village cadre on a 390 x 844 screen reaches every page of the menu, a
household and a case without scrolling sideways, and a measure form sent back with an error
keeps what was typed and shows the error beside its field, in view."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from fangpin.monitoring.models import Case, Category, Channel, RiskType, State
from fangpin.screening.models import Warning
from tests.conftest import BAOFENG_VILLAGE, PASSWORD
from tests.monitoring import factories

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PHONE = {"width": 390, "height": 844}
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def _no_sideways_scroll(page: Any, what: str, shots: Path) -> None:
    page.screenshot(path=str(shots / f"phone-{what}.png"), full_page=True)
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert page.evaluate(NO_SIDEWAYS_SCROLL), f"{what}: {widths[0]} px wide on {widths[1]} px"


def test_a_village_cadre_works_on_a_phone_without_sideways_scrolling(
    live_server: Any, chromium: Any, artifacts: Path, make_user: Callable[..., Any]
) -> None:
    make_user("village", BAOFENG_VILLAGE, "cun")
    today = timezone.localdate()
    household = factories.household(BAOFENG_VILLAGE, alleviated=True)
    factories.income(household, per_capita=5000, recorded_on=today - dt.timedelta(days=30))
    factories.guarantees(household, all_met=False)
    for _ in range(3):
        factories.household(BAOFENG_VILLAGE)
    case = Case.objects.create(
        household=household,
        village_id=BAOFENG_VILLAGE,
        state=State.MONITORED,
        channel=Channel.CADRE_VISIT,
        category=Category.UNSTABLE,
        risk_types=[RiskType.ILLNESS],
        discovered_on=today - dt.timedelta(days=40),
        deadline=today - dt.timedelta(days=20),
        identified_on=today - dt.timedelta(days=25),
    )
    person = household.current_memberships().first().person
    Warning.objects.create(
        household=household,
        person=person,
        rule="medical_spending_high",
        risk_type=RiskType.ILLNESS,
        message="医保结算:住院自付医疗费用 38,650.00 元,超过年度预警线,请入户核实家庭收支情况",
        deadline=today - dt.timedelta(days=2),
    )

    context = chromium.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    base = live_server.url
    page.goto(f"{base}/login/")
    page.fill("#id_username", "cun")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    _no_sideways_scroll(page, "home", artifacts)

    links = page.eval_on_selector_all(".mainnav a", "els => els.map(e => e.getAttribute('href'))")
    assert "/screening/warnings/" in links and "/households/" in links
    for href in links:
        page.goto(f"{base}{href}")
        _no_sideways_scroll(page, href.strip("/").replace("/", "-") or "home", artifacts)
    page.goto(f"{base}/screening/warnings/")
    assert "住院自付医疗费用" in page.inner_text("table.warnings")
    page.goto(f"{base}/households/{household.pk}/")
    _no_sideways_scroll(page, "household", artifacts)
    page.goto(f"{base}/monitoring/cases/{case.pk}/")
    _no_sideways_scroll(page, "case", artifacts)

    # A measure with a negative amount: the server refuses it (the browser's own check is
    # switched off so that the server's answer is what is tested).
    page.locator("#measure-form summary").click()
    page.eval_on_selector("#measure-form form", "f => { f.noValidate = true; }")
    typed = {
        "#id_m-content": "申请医疗救助,落实大病保险二次报销",
        "#id_m-amount": "-5",
        "#id_m-starts_on": today.isoformat(),
        "#id_m-ends_on": (today + dt.timedelta(days=90)).isoformat(),
    }
    page.select_option("#id_m-type", "health")
    page.select_option("#id_m-status", "implemented")
    for selector, value in typed.items():
        page.fill(selector, value)
    page.get_by_role("button", name="登记措施").click()
    page.wait_for_load_state()
    page.wait_for_selector("#id_m-amount_error")
    _no_sideways_scroll(page, "measure-error", artifacts)

    for selector, value in typed.items():
        assert page.input_value(selector) == value, selector
    assert page.input_value("#id_m-type") == "health"
    assert page.input_value("#id_m-status") == "implemented"
    error = page.locator(".field:has(#id_m-amount) .field-error")
    assert "0" in error.inner_text()
    box = error.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]
    assert not household.measures.exists()  # nothing was registered
    context.close()
