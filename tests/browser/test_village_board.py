"""The village board on a phone: a township reviewer sees the 放心村/标杆村 chart drawn, opens
a village's archive from a breaking reason, and confirms its 标杆村 criteria; the village
rectifies the overdue problem and the village becomes 放心村 and 标杆村."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from fangpin.villages.board.rating import rate_region
from tests.conftest import BAOFENG_TOWN, BAOFENG_VILLAGE, PASSWORD
from tests.villages.board.helpers import make_problem

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PHONE = {"width": 390, "height": 844}
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_a_township_rates_its_villages_on_a_phone(
    live_server: Any, chromium: Any, artifacts: Path, make_user: Callable[..., Any]
) -> None:
    clerk = make_user("village", BAOFENG_VILLAGE, "cun")
    make_user("township", BAOFENG_TOWN, "zhen")
    problem = make_problem(
        clerk,
        BAOFENG_VILLAGE,
        description="村内坑塘垃圾未清理",
        deadline=timezone.localdate() - dt.timedelta(days=3),
    )
    base = live_server.url
    context = chromium.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    _login(page, base, "zhen")

    page.goto(f"{base}/villages/ratings/")
    page.wait_for_selector("[data-chart][data-ready='1'] svg")
    assert "放心村" in page.inner_text("h1")
    page.screenshot(path=str(artifacts / "phone-village-ratings.png"), full_page=True)
    assert page.evaluate(NO_SIDEWAYS_SCROLL)

    page.click("table.not-safe a:has-text('周庄')")
    page.wait_for_url(f"**/villages/archive/{BAOFENG_VILLAGE}/")
    assert "未达到放心村" in page.inner_text(".rating")
    assert "村内坑塘垃圾未清理" in page.inner_text(".rating")
    for row in range(3):
        with page.expect_navigation():
            page.click(f"table.criteria button:has-text('确认达到') >> nth={row}")
    assert page.locator("table.criteria td:has-text('未确认')").count() == 0
    page.screenshot(path=str(artifacts / "phone-village-archive.png"), full_page=True)
    assert page.evaluate(NO_SIDEWAYS_SCROLL)

    village = chromium.new_context(viewport=PHONE, locale="zh-CN").new_page()
    _login(village, base, "cun")
    village.goto(f"{base}/villages/problems/{problem.pk}/")
    village.fill("#measures", "组织村民清理坑塘垃圾")
    with village.expect_navigation():
        village.click("form button:has-text('整改')")
    assert "已整改待验收" in village.inner_text("h1")

    rating = rate_region(BAOFENG_VILLAGE, timezone.localdate())[0]
    assert rating.safe and rating.benchmark
    page.reload()
    assert "标杆村" in page.inner_text(".rating-result")
