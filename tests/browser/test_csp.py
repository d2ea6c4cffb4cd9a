"""The strict Content-Security-Policy (self only, no inline code) breaks nothing in Chromium:
charts draw, forms submit themselves, htmx runs, and the browser reports no violation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BAOFENG, PASSWORD
from tests.monitoring import factories

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# Every violation the page sees, kept where the test can read it.
WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def test_pages_work_under_the_content_security_policy_without_violations(
    live_server: Any, chromium: Any, artifacts: Path, make_user: Callable[..., Any]
) -> None:
    make_user("county", BAOFENG, "xian-csp")
    factories.household(f"{BAOFENG}101201", alleviated=True)
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.add_init_script(WATCH)
    console: list[str] = []
    page = context.new_page()
    page.on("console", lambda msg: console.append(msg.text) if msg.type == "error" else None)

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "xian-csp")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    violations = list(page.evaluate("window.__cspViolations"))

    page.goto(f"{live_server.url}/dashboard/")
    chart = page.wait_for_selector("[data-chart][data-ready]")
    assert chart is not None
    assert chart.bounding_box()["height"] == float(chart.get_attribute("data-height") or 0)
    assert page.locator("[data-chart] svg").count() >= 1  # ECharts drew
    page.screenshot(path=str(artifacts / "csp-dashboard.png"), full_page=True)
    violations += page.evaluate("window.__cspViolations")

    page.goto(f"{live_server.url}/households/")
    options = page.locator("#region option")
    assert options.count() > 1
    target = options.nth(1).get_attribute("value")
    page.select_option("#region", target)  # submits itself (data-autosubmit, no inline code)
    page.wait_for_url(lambda url: f"region={target}" in url)
    assert page.evaluate("typeof htmx") == "object"
    violations += page.evaluate("window.__cspViolations")

    context.close()
    assert violations == []
    assert not [text for text in console if "Content Security Policy" in text]
