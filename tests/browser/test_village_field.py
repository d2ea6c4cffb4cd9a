"""On a phone (390 px): a grid worker records a visit that reports a risk; a farmer reports
from the village's public page (no login) and the village accepts it into a case; the warm
wall prints with its Chinese text and the QR code."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from PIL import Image

from fangpin.monitoring.models import Case
from fangpin.villages.field import services
from fangpin.villages.models import SelfReport, Visit
from tests.conftest import BAOFENG_VILLAGE, PASSWORD
from tests.registry.helpers import make_household

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PHONE = {"width": 390, "height": 844}


def test_a_visit_reports_a_risk_and_a_farmers_report_becomes_a_case(
    live_server: Any, chromium: Any, artifacts: Path, make_user: Callable[..., Any]
) -> None:
    cache.clear()
    clerk = make_user("village", BAOFENG_VILLAGE, "wangge")
    grid = services.grid_create(
        user=clerk,
        name="周庄一组",
        level="group",
        region_code=BAOFENG_VILLAGE,
        worker_username="wangge",
    )
    sick = make_household(clerk, BAOFENG_VILLAGE, is_alleviated=True, head_name="王守田")
    services.household_grid_set(user=clerk, household_id=sick.pk, grid_id=grid.pk)
    farmer = make_household(clerk, BAOFENG_VILLAGE, is_alleviated=False, head_name="李秀英")
    services.household_grid_set(user=clerk, household_id=farmer.pk, grid_id=grid.pk)
    base = live_server.url

    # The grid worker, on a phone.
    worker = chromium.new_context(viewport=PHONE, locale="zh-CN")
    page = worker.new_page()
    page.goto(f"{base}/login/")
    page.fill("#id_username", "wangge")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/villages/grids/")
    assert "王守田户" in page.inner_text("main")
    page.click(f"tr[data-household='{sick.pk}'] a:has-text('走访登记')")
    page.fill("#id_met", "户主本人")
    page.check("input[name=concerns][value=serious_illness]")
    page.fill("#id_findings", "户主住院,自付费用较高")
    page.check("#id_report")
    page.select_option("#id_category", "unstable")
    page.check("input[name=risk_types][value='01']")
    page.screenshot(path=str(artifacts / "field-visit-form.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.click("button:has-text('保存走访')")
    page.wait_for_url(f"{base}/monitoring/cases/*/")
    visit = Visit.objects.get(household=sick)
    assert visit.case is not None and visit.case.channel == "cadre_visit"
    assert visit.concerns == ["大病重病户"]

    # A farmer, no login, from the QR code's page.
    anonymous = chromium.new_context(viewport=PHONE, locale="zh-CN")
    public = anonymous.new_page()
    public.goto(f"{base}/villages/public/{BAOFENG_VILLAGE}/")
    assert "提交申报" in public.inner_text("main") and "王守田" not in public.content()
    public.fill("#id_name", "李秀英")
    public.fill("#id_phone", "13812345678")
    public.fill("#id_description", "老伴突发脑梗住院,花了很多钱")
    public.click("button:has-text('提交申报')")
    receipt = public.inner_text("#receipt")
    public.screenshot(path=str(artifacts / "field-public-report.png"), full_page=True)
    assert public.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    report = SelfReport.objects.get(receipt=receipt)

    # The village accepts it into a self_report case.
    page.goto(f"{base}/villages/self-reports/")
    page.click(f"a:has-text('{receipt}')")
    page.select_option("#id_household", str(farmer.pk))
    page.select_option("#id_category", "sudden")
    page.check("#accept-form input[name=risk_types][value='01']")
    page.click("button:has-text('受理')")
    page.wait_for_url(f"{base}/monitoring/cases/*/")
    report.refresh_from_db()
    assert report.status == "accepted"
    assert Case.objects.get(pk=report.case_id).channel == "self_report"
    assert report.case.household_id == farmer.pk

    # The warm wall prints: Chinese text on the sheet, the QR code loaded.
    page.goto(f"{base}/villages/{BAOFENG_VILLAGE}/warm-wall/")
    page.emulate_media(media="print")
    text = page.inner_text("#warm-wall")
    assert "暖心墙" in text and "行业政策联络员" in text and "12317" in text
    assert page.evaluate("document.querySelector('.qr-box img').naturalWidth") > 0
    shot = page.locator("#warm-wall").screenshot(path=str(artifacts / "field-warm-wall-print.png"))
    image = Image.open(io.BytesIO(shot)).convert("L")
    dark = sum(image.histogram()[:128])
    assert dark > 1000  # text and the QR code, not a blank sheet
    assert page.evaluate("getComputedStyle(document.querySelector('.topbar')).display") == "none"
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    worker.close()
    anonymous.close()
