"""The field app (issue 14): a grid worker's phone without a signal.

Pages opened once open again offline; a case report and two measures typed offline wait on
the phone through a reload, and arrive exactly once when the signal returns; a record the
server refuses meanwhile stays on the phone with the server's reason."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from fangpin.monitoring.models import Case, Category, Channel, Measure, RiskType, State
from tests.conftest import BAOFENG_VILLAGE, PASSWORD
from tests.monitoring import factories

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PHONE = {"width": 390, "height": 844}
CONTROLLED = "() => navigator.serviceWorker && !!navigator.serviceWorker.controller"


def _monitored(household: Any, today: dt.date) -> Case:
    return Case.objects.create(
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


def _until(page: Any, script: str, seconds: float = 15) -> None:
    """Wait until `script` is true in the page. (Playwright's wait_for_function evaluates a
    string, which the site's Content-Security-Policy forbids: the policy stays on.)"""
    for _ in range(int(seconds * 10)):
        if page.evaluate(script):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"not true after {seconds} s: {script}: {_outbox(page)}")


def _count(n: int) -> str:
    return f"() => document.querySelectorAll('#outbox li').length === {n}"


def _outbox(page: Any) -> list[str]:
    return page.eval_on_selector_all("#outbox li", "items => items.map(i => i.innerText)")


def _measure(page: Any, content: str, today: dt.date) -> None:
    page.locator("#measure-form summary").click()
    page.select_option("#id_m-type", "health")
    page.fill("#id_m-content", content)
    page.fill("#id_m-starts_on", today.isoformat())
    page.get_by_role("button", name="登记措施").click()


@pytest.fixture
def phone(chromium: Any) -> Any:
    context = chromium.new_context(viewport=PHONE, locale="zh-CN")
    yield context
    context.close()


def test_records_typed_offline_arrive_once_and_a_refused_one_keeps_its_reason(
    live_server: Any, phone: Any, artifacts: Path, make_user: Callable[..., Any]
) -> None:
    make_user("village", BAOFENG_VILLAGE, "wangge")
    today = timezone.localdate()
    newcomer = factories.household(BAOFENG_VILLAGE)
    helped = factories.household(BAOFENG_VILLAGE, alleviated=True)
    case = _monitored(helped, today)
    closing = _monitored(factories.household(BAOFENG_VILLAGE, alleviated=True), today)
    base = live_server.url

    page = phone.new_page()
    page.goto(f"{base}/login/")
    page.fill("#id_username", "wangge")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")

    # The app installs: a valid manifest, and the service worker takes the page.
    manifest = json.loads(page.request.get(f"{base}/manifest.webmanifest").text())
    assert manifest["start_url"] == "/villages/my-households/"
    assert manifest["display"] == "standalone"
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in manifest["icons"]}
    _until(page, CONTROLLED)
    # The pages the worker will need in the field, opened once with a signal.
    report_url = f"{base}/monitoring/cases/report/?household={newcomer.pk}"
    for url in (
        report_url,
        f"{base}/monitoring/cases/{case.pk}/",
        f"{base}/monitoring/cases/{closing.pk}/",
    ):
        page.goto(url)

    phone.set_offline(True)
    page.goto(report_url)  # served by the phone
    page.select_option("#id_category", "marginal")
    page.check("input[name=risk_types][value='01']")
    page.fill("#id_description", "入户走访发现:家中主要劳动力因病住院")
    page.get_by_role("button", name="上报").click()
    page.wait_for_selector("#outbox li")
    page.goto(f"{base}/monitoring/cases/{case.pk}/")
    _measure(page, "协调落实大病保险二次报销", today)
    _until(page, _count(2))
    page.goto(f"{base}/monitoring/cases/{closing.pk}/")
    _measure(page, "申请临时救助", today)
    _until(page, _count(3))

    page.reload()  # still offline: the outbox is on the phone, not in the page
    _until(page, _count(3))
    assert all("等待网络" in item for item in _outbox(page))
    page.screenshot(path=str(artifacts / "field-outbox-offline.png"), full_page=True)
    assert not Case.objects.filter(household=newcomer).exists()
    assert not Measure.objects.exists()

    # Meanwhile, in the office, the county did not admit the third household's case: no
    # measure can be recorded on it any more.
    Case.objects.filter(pk=closing.pk).update(state=State.REJECTED)

    phone.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    _until(page, _count(1))
    assert Case.objects.filter(household=newcomer).count() == 1
    assert list(Measure.objects.values_list("case_id", "content")) == [
        (case.pk, "协调落实大病保险二次报销")
    ]
    # The refused one stays, with the server's reason, until the worker deals with it.
    (left,) = _outbox(page)
    assert "未被接受" in left
    assert "未纳入监测的记录不能登记帮扶" in page.inner_text("#outbox .outbox-reason")
    page.screenshot(path=str(artifacts / "field-outbox-refused.png"), full_page=True)

    # Sending again (another 'online', a tap on 立即上传) records nothing twice.
    page.get_by_role("button", name="立即上传").click()
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_timeout(500)
    assert Case.objects.filter(household=newcomer).count() == 1
    assert Measure.objects.count() == 1


def test_the_first_screen_opens_offline_after_one_visit_and_logout_clears_it(
    live_server: Any, phone: Any, make_user: Callable[..., Any]
) -> None:
    make_user("village", BAOFENG_VILLAGE, "wangge2")
    base = live_server.url
    page = phone.new_page()
    page.goto(f"{base}/login/")
    page.fill("#id_username", "wangge2")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    _until(page, CONTROLLED)
    page.reload()  # the home page, now fetched through the worker and kept

    phone.set_offline(True)
    page.reload()
    assert page.locator("h1, .topbar").first.is_visible()
    assert "wangge2" in page.inner_text(".who-name")
    page.goto(f"{base}/households/?q=never-opened")
    assert "当前没有网络" in page.inner_text("h1")

    phone.set_offline(False)
    page.goto(f"{base}/")
    page.locator("form[data-logout] button").click()
    page.wait_for_url(f"{base}/login/")
    kept = page.evaluate("caches.keys()")
    assert "fangpin-pages" not in kept


def test_two_visits_and_a_case_typed_offline_arrive_exactly_once(
    live_server: Any, phone: Any, artifacts: Path, make_user: Callable[..., Any]
) -> None:
    from fangpin.villages.field import services as field
    from fangpin.villages.models import Visit
    from tests.registry.helpers import make_household

    worker = make_user("village", BAOFENG_VILLAGE, "wangge3")
    grid = field.grid_create(
        user=worker,
        name="周庄二组",
        level="group",
        region_code=BAOFENG_VILLAGE,
        worker_username="wangge3",
    )
    steady = make_household(worker, BAOFENG_VILLAGE, is_alleviated=True, head_name="赵长顺")
    sick = make_household(worker, BAOFENG_VILLAGE, is_alleviated=True, head_name="钱有福")
    for home in (steady, sick):
        field.household_grid_set(user=worker, household_id=home.pk, grid_id=grid.pk)
    base = live_server.url

    page = phone.new_page()
    page.goto(f"{base}/login/")
    page.fill("#id_username", "wangge3")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    _until(page, CONTROLLED)
    # The grid page, opened with a signal, keeps the visit forms of the grid's households.
    page.goto(f"{base}/villages/grids/")
    kept = "caches.open('fangpin-pages').then(c => c.keys()).then(k => k.map(r => r.url))"
    visit_urls = [f"{base}/villages/households/{h.pk}/visit/" for h in (steady, sick)]
    _until(page, f"{kept}.then(urls => {json.dumps(visit_urls)}.every(u => urls.includes(u)))")

    phone.set_offline(True)
    page.goto(visit_urls[0])
    page.fill("#id_met", "户主本人")
    page.fill("#id_findings", "户情稳定,两不愁三保障均已落实")
    page.click("button:has-text('保存走访')")
    _until(page, _count(1))
    page.goto(visit_urls[1])
    page.fill("#id_met", "户主妻子")
    page.check("input[name=concerns][value=serious_illness]")
    page.fill("#id_findings", "户主突发脑梗住院")
    page.check("#id_report")
    page.select_option("#id_category", "unstable")
    page.check("input[name=risk_types][value='01']")
    page.click("button:has-text('保存走访')")
    _until(page, _count(2))
    page.reload()
    _until(page, _count(2))
    page.screenshot(path=str(artifacts / "field-two-visits-offline.png"), full_page=True)
    assert not Visit.objects.exists() and not Case.objects.exists()

    phone.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    _until(page, _count(0))
    assert sorted(Visit.objects.values_list("household__head_name", flat=True)) == [
        "赵长顺",
        "钱有福",
    ]
    assert list(Case.objects.values_list("household_id", "channel")) == [(sick.pk, "cadre_visit")]
    assert Visit.objects.get(household=sick).case_id == Case.objects.get().pk
