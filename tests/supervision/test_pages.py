"""The supervision pages: task tree, report and approval, ranking with its bulletin PDF in
Chinese, task-list import with its template, samples as Excel."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from fangpin.monitoring import clock
from fangpin.registry.seeding import registry_seed
from fangpin.supervision.models import FollowUp, Indicator, IndicatorReport
from tests.conftest import BAOFENG, BAOFENG_TOWN, BAOFENG_VILLAGE, CITY

from .helpers import full_task_list, upload, xlsx

pytestmark = pytest.mark.django_db


def browser(make_user, role: str, region: str) -> Client:
    client = Client()
    client.force_login(make_user(role, region))
    return client


@pytest.fixture
def city(make_user) -> Client:
    return browser(make_user, "city", CITY)


@pytest.fixture
def imported(city) -> None:
    answer = city.post(
        "/supervision/import/", {"year": "2026", "file": upload(xlsx(full_task_list()))}
    )
    assert answer.status_code == 302, answer.content.decode()


def test_the_import_page_imports_and_the_tree_shows_every_indicator(city, imported):
    page = city.get("/supervision/", {"period": "2026-11"})
    assert page.status_code == 200
    text = page.content.decode()
    for name in ("守底线", "争一流", "事项21", "子项38", "指标95"):
        assert name in text
    export = city.get("/supervision/", {"period": "2026-11", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet.max_row == 96  # a header and 95 indicators


def test_the_import_page_lists_the_problem_rows(city):
    rows = full_task_list()
    rows[1][6] = "x"
    answer = city.post("/supervision/import/", {"year": "2026", "file": upload(xlsx(rows))})
    assert answer.status_code == 200
    text = answer.content.decode()
    assert '<td data-label="行">3</td><td data-label="列">权重</td>' in text


def test_the_downloaded_template_imports_as_it_is(city):
    template = city.get("/supervision/import/template/")
    answer = city.post("/supervision/import/", {"year": "2027", "file": upload(template.content)})
    assert answer.status_code == 302


def test_a_county_reports_on_the_page_and_the_city_approves(city, imported, make_user):
    county = browser(make_user, "county", BAOFENG)
    indicator = Indicator.objects.filter(source="manual").order_by("position").first()
    url = f"/supervision/indicators/{indicator.pk}/?region={BAOFENG}&period=2026-11"
    assert "报送" in county.get(url).content.decode()
    assert county.post(url, {"value": "10", "evidence": "花名册"}).status_code == 302
    report = IndicatorReport.objects.get()
    queue = city.get("/supervision/reports/").content.decode()
    assert "审核通过" in queue and "花名册" in queue
    assert '<td data-label="填报值">10</td>' in queue  # not 1E+1
    city.post(f"/supervision/reports/{report.pk}/approve/", {"next": "/supervision/reports/"})
    report.refresh_from_db()
    assert report.status == "approved"
    assert "报送</button>" not in county.get(url).content.decode()  # locked


def test_the_bulletin_is_an_a4_pdf_in_chinese_with_the_ranking_and_overdue_list(
    city, imported, monkeypatch
):
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 12, 3))
    city.post(
        "/supervision/meetings/",
        {
            "title": "11月调度会",
            "held_on": "2026-11-02",
            "decision_0": "危房改造扫尾",
            "owner_0": "叶县住建局",
            "region_0": "410422",
            "deadline_0": "2026-11-30",
        },
    )
    page = city.get("/supervision/rankings/", {"period": "2026-10"})
    assert page.status_code == 200 and "宝丰县" in page.content.decode()
    response = city.get("/supervision/rankings/", {"period": "2026-10", "format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4
    text = "".join(page.extract_text() for page in reader.pages)
    assert "督导考核通报" in text
    assert "宝丰县" in text and "叶县" in text
    assert "逾期未报事项" in text and "指标4" in text  # the first manual indicator is overdue
    assert "危房改造扫尾" in text  # an overdue follow-up of a dispatch meeting


def test_a_sample_is_drawn_on_the_page_and_downloaded_for_field_teams(city):
    registry_seed(households=200, random_seed=2, regions=[BAOFENG_TOWN])
    answer = city.post(
        "/supervision/samples/",
        {"year": "2026", "villages_per_county": "2", "households_per_county": "20", "seed": "5"},
    )
    assert answer.status_code == 302
    detail = city.get(answer.url)
    assert "抽中的户" in detail.content.decode()
    book = load_workbook(io.BytesIO(city.get(answer.url, {"format": "xlsx"}).content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:4] == ("村代码", "村", "户编号", "抽样层")
    assert len(rows) == 21


def test_the_menu_offers_supervision_to_county_and_city_only(make_user):
    for role, region, shown in (
        ("city", CITY, True),
        ("county", BAOFENG, True),
        ("village", BAOFENG_VILLAGE, False),
    ):
        page = browser(make_user, role, region).get("/")
        labels = [i["label"] for i in page.context["nav_items"]] if page.context else []
        assert ("督导考核" in labels) == shown, role


def test_a_meeting_is_recorded_on_the_page_and_its_follow_up_closed(city, make_user):
    answer = city.post(
        "/supervision/meetings/",
        {
            "title": "12月调度会",
            "held_on": "2026-12-01",
            "decision_0": "完成问题整改",
            "owner_0": "宝丰县乡村振兴局",
            "region_0": BAOFENG,
            "deadline_0": "2026-12-31",
        },
    )
    assert answer.status_code == 302
    county = browser(make_user, "county", BAOFENG)
    page = county.get("/supervision/meetings/").content.decode()
    assert "完成问题整改" in page and "办结" in page
    item = FollowUp.objects.get()
    county.post(f"/supervision/follow-ups/{item.pk}/close/", {"note": "已整改到位"})
    item.refresh_from_db()
    assert item.status == "closed"
    export = county.get("/supervision/meetings/", {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[1][2] == "完成问题整改" and rows[1][6] == "已办结"
