"""A case from report to risk elimination, clicked through by three cadres in Chromium.

The village cadre works on a phone-sized screen, the township cadre too, the county cadre on
a desktop. Every page visited is saved as a PNG under test-artifacts/.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fangpin.monitoring import clock as monitoring_clock
from fangpin.monitoring import services
from fangpin.monitoring.models import Case
from tests.conftest import BAOFENG, BAOFENG_TOWN, BAOFENG_VILLAGE, PASSWORD
from tests.monitoring import factories

# All browser tests share one xdist worker: one Chromium at a time on a small machine.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


class Cadre:
    """One logged-in browser context that saves a screenshot of each page it looks at."""

    def __init__(self, browser: Any, base: str, shots: Path, name: str, viewport: dict[str, int]):
        self.context = browser.new_context(viewport=viewport, locale="zh-CN")
        self.page = self.context.new_page()
        self.base = base
        self.shots = shots
        self.name = name
        self.count = 0

    def login(self, username: str) -> None:
        self.page.goto(f"{self.base}/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(f"{self.base}/")

    def go(self, path: str) -> None:
        self.page.goto(f"{self.base}{path}")

    def shot(self, what: str) -> None:
        self.count += 1
        self.page.screenshot(
            path=str(self.shots / f"{self.name}-{self.count:02d}-{what}.png"), full_page=True
        )

    def act(self, label: str, fill: Callable[[Any], None], what: str) -> None:
        """Press the case page's button `label`, fill its form, submit, expect success."""
        page = self.page
        page.locator(".case-actions").get_by_role("link", name=label, exact=True).click()
        fill(page)
        self.shot(f"{what}-form")
        page.get_by_role("button", name=f"确认{label}").click()
        page.wait_for_load_state()
        refusal = page.locator(".refusal")
        assert not refusal.count(), refusal.inner_text()
        assert page.locator(".messages").inner_text().startswith(f"已办理「{label}」")
        self.shot(what)


def _ago(day: dt.date, days: int) -> str:
    return (day - dt.timedelta(days=days)).isoformat()


def _verify(day: dt.date) -> Callable[[Any], None]:
    def fill(page: Any) -> None:
        # Entered from the paper trail: the visit was twelve days ago.
        assert page.input_value("#id_done_on") == day.isoformat()  # today by default
        page.fill("#id_done_on", _ago(day, 12))
        page.fill("#id_findings", "入户核实:户主患病住院,医疗支出大,情况属实")
        page.check("#id_consent_signed")

    return fill


def _deliberate(day: dt.date) -> Callable[[Any], None]:
    def fill(page: Any) -> None:
        page.fill("#id_done_on", _ago(day, 11))
        page.fill("#id_votes_total", "11")
        page.fill("#id_votes_agree", "9")
        page.fill("#id_votes_disagree", "2")
        page.fill("#id_minutes", "村民代表会议评议通过")

    return fill


def _propose(day: dt.date) -> Callable[[Any], None]:
    def fill(page: Any) -> None:
        page.fill("#id_done_on", _ago(day, 12))
        page.check("#id_mode_0")

    return fill


def _publicize(day: dt.date) -> Callable[[Any], None]:
    def fill(page: Any) -> None:
        # The paper notice was posted ten days ago and has ended.
        page.fill("#id_starts_on", (day - dt.timedelta(days=10)).isoformat())
        page.fill("#id_days", "5")

    return fill


def _opinion(text: str) -> Callable[[Any], None]:
    return lambda page: page.fill("#id_opinion", text)


def _summary(text: str) -> Callable[[Any], None]:
    return lambda page: page.fill("#id_summary", text)


def _resolution(text: str) -> Callable[[Any], None]:
    return lambda page: page.fill("#id_resolution", text)


def _figure(cadre: Cadre, name: str) -> int:
    cadre.go("/dashboard/")
    cadre.page.wait_for_selector("[data-chart][data-ready]")
    return int(cadre.page.locator(f"[data-figure={name}]").inner_text().replace(",", ""))


def test_a_case_goes_from_report_to_risk_elimination_in_the_browser(
    live_server: Any,
    chromium: Any,
    artifacts: Path,
    make_user: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    today = {"day": dt.date.today()}
    monkeypatch.setattr(monitoring_clock, "today", lambda: today["day"])
    start = today["day"]
    village_user = make_user("village", BAOFENG_VILLAGE, "cun")
    make_user("township", BAOFENG_TOWN, "xiang")
    make_user("county", BAOFENG, "xian")
    household = factories.household(BAOFENG_VILLAGE, alleviated=True)
    factories.income(household, per_capita=5000, recorded_on=start - dt.timedelta(days=30))
    factories.guarantees(household)
    head = household.head_name
    head_person = household.current_memberships().get(relation="户主").person.name

    village = Cadre(chromium, live_server.url, artifacts, "1-village", PHONE)
    township = Cadre(chromium, live_server.url, artifacts, "2-township", PHONE)
    county = Cadre(chromium, live_server.url, artifacts, "3-county", DESKTOP)
    village.login("cun")
    township.login("xiang")
    county.login("xian")

    identified_before = _figure(county, "identified_households")
    eliminated_before = _figure(county, "eliminated_households")
    county.shot("dashboard-before")

    # --- identification: report, visit, vote, notice (village) ---------------------------
    page = village.page
    village.go(f"/monitoring/cases/report/?household={household.pk}")
    page.select_option("#id_channel", "cadre_visit")
    page.get_by_label("因病", exact=True).check()
    page.fill("#id_description", "户主突发重病住院,自付医疗费用高")
    page.fill("#id_reported_on", _ago(today["day"], 12))
    village.shot("report-form")
    page.get_by_role("button", name="上报").click()
    page.wait_for_selector(".case-actions")
    assert "已发现待核实" in page.inner_text("h1")
    assert f"办理日期 {_ago(today['day'], 12)}" in page.inner_text("#history")
    village.shot("case-reported")
    case = Case.objects.get(household=household)

    village.act("入户核实", _verify(today["day"]), "verified")
    village.act("民主评议", _deliberate(today["day"]), "deliberated")
    village.act("公示", _publicize(today["day"]), "publicized")
    village.go(f"/monitoring/cases/{case.pk}/notice/")
    assert head_person in page.inner_text(".sheet")
    village.shot("notice")

    # --- an objection heard during the notice holds the township until it is resolved -------
    village.go(f"/monitoring/cases/{case.pk}/")
    village.act("登记公示异议", _summary("村民反映该户子女在外务工收入较高"), "objection")
    assert "村民反映该户子女在外务工收入较高" in page.inner_text("#objection")
    township.go("/monitoring/todo/")
    township.page.wait_for_selector("table.cases")
    assert head in township.page.inner_text("#cases")
    township.shot("todo")
    township.page.locator("#cases").get_by_role("link", name=head).click()
    township.page.locator(".case-actions").get_by_role("link", name="乡镇审核通过").click()
    township.page.fill("#id_opinion", "同意")
    township.page.get_by_role("button", name="确认乡镇审核通过").click()
    township.page.wait_for_load_state()
    assert township.page.locator(".refusal").get_attribute("data-code") == "objection_open"
    assert "异议" in township.page.inner_text(".refusal")
    township.shot("objection-refused")
    village.act("处理公示异议", _resolution("经核实,务工收入已计入核算,仍低于监测线"), "resolved")
    assert not page.locator("#objection").count()

    # --- township and county approve --------------------------------------------------------
    township.go(f"/monitoring/cases/{case.pk}/")
    township.act("乡镇审核通过", _opinion("经审核,同意纳入"), "approved")

    county.go("/monitoring/todo/")
    county.shot("todo")
    county.page.locator("#cases").get_by_role("link", name=head).click()
    county.act("县级审定通过", _opinion("同意纳入监测"), "approved")
    assert "监测帮扶中" in county.page.inner_text("h1")

    # --- the household is monitored: plan, helper and a measure ------------------------------
    village.go(f"/monitoring/cases/{case.pk}/")
    assert "监测帮扶中" in page.inner_text("h1")
    page.fill("#id_helper_name", "王帮扶")
    page.fill("#id_helper_phone", "13800001234")
    page.fill("#id_helper_unit", "宝丰县农业农村局")
    page.fill("#id_summary", "落实医疗救助和公益岗位,稳定家庭收入")
    page.get_by_role("button", name="保存帮扶计划").click()
    assert "王帮扶" in page.inner_text("#plan")
    page.locator("#measures summary").click()
    page.select_option("#id_m-type", "health")
    page.fill("#id_m-content", "大病医疗救助,住院费用二次报销")
    page.fill("#id_m-amount", "3000")
    page.select_option("#id_m-status", "implemented")
    village.shot("measure-form")
    page.get_by_role("button", name="登记措施").click()
    # The form goes through the phone's outbox (sent at once when online), then the page.
    page.locator("#measures td", has_text="大病医疗救助").wait_for()
    assert page.locator("#measures .badge.good").inner_text() == "已落实"
    village.shot("monitored-with-plan")
    village.go(f"/households/{household.pk}/")
    village.shot("household")
    village.go(f"/monitoring/cases/{case.pk}/card/")
    assert "王帮扶" in page.inner_text(".sheet")
    village.shot("card")

    assert _figure(county, "identified_households") == identified_before + 1
    county.shot("dashboard-identified")

    # --- seven months later the income has stayed above the line --------------------------
    factories.income(household, per_capita=12000, recorded_on=start + dt.timedelta(days=1))
    today["day"] = monitoring_clock.add_months(start, 7)

    village.go("/monitoring/todo/")
    assert head in page.inner_text("#review")
    village.shot("todo-review")
    village.go(f"/monitoring/cases/{case.pk}/")
    village.act("提出风险消除", _propose(today["day"]), "elimination-proposed")
    village.act("入户核实", _verify(today["day"]), "elimination-verified")
    village.act("民主评议", _deliberate(today["day"]), "elimination-deliberated")
    village.act("公示", _publicize(today["day"]), "elimination-publicized")
    village.go(f"/monitoring/cases/{case.pk}/notice/")
    assert "风险消除公示" in page.inner_text(".sheet")
    village.shot("elimination-notice")

    township.go(f"/monitoring/cases/{case.pk}/")
    township.act("乡镇审核通过", _opinion("同意消除"), "elimination-approved")
    county.go(f"/monitoring/cases/{case.pk}/")
    county.act("县级审定通过", _opinion("同意标注风险消除"), "eliminated")
    assert "风险已消除" in county.page.inner_text("h1")

    assert _figure(county, "eliminated_households") == eliminated_before + 1
    assert _figure(county, "identified_households") == identified_before + 1
    county.shot("dashboard-eliminated")
    county.go("/monitoring/announcements/?kind=eliminated")
    assert head_person in county.page.inner_text(".sheet")
    county.shot("announcement")
    assert _figure(village, "eliminated_households") == 1  # the village's own figures
    village.shot("dashboard")

    # --- the history speaks Chinese: no action code or field name shows through -----------
    services.case_attachment_add(
        user=village_user,
        case_id=case.pk,
        kind="consent",
        file=SimpleUploadedFile("consent.pdf", b"%PDF-1.4 consent"),
    )
    county.go(f"/monitoring/cases/{case.pk}/")
    history = county.page.inner_text("#history")
    assert "上传办理材料" in history and "公示异议" in history and "异议处理" in history
    usernames = {"cun", "xiang", "xian"}
    english = set(re.findall(r"[A-Za-z_]{2,}", history)) - usernames
    assert not english, english
    county.shot("history")
