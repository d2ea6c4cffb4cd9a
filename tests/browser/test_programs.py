"""The programs pages in Chromium: the panel's charts draw under the strict CSP, and on a
phone the lists are cards (no sideways scrolling)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fangpin.programs import services as programs
from tests.browser.test_csp import WATCH
from tests.conftest import BAOFENG, BAOFENG_VILLAGE, PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_the_programs_panel_draws_and_lists_are_cards_on_a_phone(
    live_server: Any, chromium: Any, artifacts: Path, make_user: Callable[..., Any]
) -> None:
    user = make_user("county", BAOFENG, "xian-programs")
    programs.fund_allocation_create(
        user=user, year=2026, level="central", county_code=BAOFENG, purpose="industry", amount=9000
    )
    programs.workshop_create(
        user=user, name="香菇车间", type="farming", village_code=BAOFENG_VILLAGE, owner="某公司"
    )
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    context.add_init_script(WATCH)
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "xian-programs")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("nav.mainnav a", has_text="项目资金").count() == 1

    page.goto(f"{live_server.url}/programs/?year=2026")
    page.wait_for_selector("[data-chart][data-ready]")
    assert page.locator("[data-chart] svg").count() == 3  # funds, spending, asset checks
    page.screenshot(path=str(artifacts / "programs-panel-phone.png"), full_page=True)

    page.goto(f"{live_server.url}/programs/workshops/")
    assert page.locator("table.cards thead").is_hidden()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert "香菇车间" in page.inner_text("table.cards")
    violations = page.evaluate("window.__cspViolations")
    context.close()
    assert violations == []
