"""The board's pages: lists with counts and Excel, the problem's actions, the ratings overview,
the village archive, rules and announcements."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from fangpin.registry import services as registry
from fangpin.villages.board import services
from fangpin.villages.models import Announcement, Problem, RuleDocument
from tests.conftest import BAOFENG, BAOFENG_TOWN, BAOFENG_VILLAGE
from tests.registry.helpers import make_household
from tests.villages.board.helpers import make_problem, villages_of

pytestmark = pytest.mark.django_db

LATE = dt.date.today() - dt.timedelta(days=3)


def _xlsx_rows(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return [list(r) for r in load_workbook(io.BytesIO(content)).worksheets[0].values]


@pytest.fixture
def clerk(make_user):
    return make_user("village", BAOFENG_VILLAGE, "zz-clerk")


def test_the_problem_list_counts_by_status_type_round_and_region(client, clerk, make_user):
    town = make_user("township", BAOFENG_TOWN, "zz-town")
    census = services.round_create(
        user=town,
        name="周庄第一轮",
        region_code=BAOFENG_TOWN,
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 1, 31),
    )
    make_problem(clerk, BAOFENG_VILLAGE, round_id=census.pk, deadline=LATE)
    make_problem(clerk, BAOFENG_VILLAGE, type="water")
    client.force_login(make_user("county", BAOFENG, "bf-county"))
    page = client.get(reverse("villages:problem_list"))
    assert page.status_code == 200
    text = page.text
    assert "周庄第一轮" in text and "住房安全" in text and "饮水安全" in text and "已逾期" in text
    by_region = page.context["by_region"]
    assert [(r["key"], r["total"], r["overdue"]) for r in by_region] == [("410421101", 2, 1)]
    assert {r["label"]: r["total"] for r in page.context["by_round"]} == {
        "周庄第一轮": 1,
        "未分轮次": 1,
    }
    overdue = client.get(reverse("villages:problem_list"), {"overdue": "1"})
    assert overdue.context["page"].paginator.count == 1

    export = client.get(reverse("villages:problem_export"), {"overdue": "1"})
    assert export.status_code == 200
    rows = _xlsx_rows(export)
    assert rows[0][:3] == ["村代码", "村", "户编号"] and len(rows) == 2
    assert rows[1][0] == BAOFENG_VILLAGE and rows[1][10] == "是"


def test_a_village_records_and_rectifies_a_problem_on_its_phone_pages(client, clerk, make_user):
    client.force_login(clerk)
    made = client.post(
        reverse("villages:problem_list"),
        {
            "form": "problem",
            "village_code": BAOFENG_VILLAGE,
            "type": "housing",
            "description": "厨房漏雨",
            "responsible_unit": "县住建局",
            "deadline": "2027-01-31",
        },
    )
    problem = Problem.objects.get()
    assert made.status_code == 302 and made.url == reverse(
        "villages:problem_detail", args=[problem.pk]
    )
    detail = client.get(made.url)
    assert "整改措施" in detail.text and "验收销号" not in detail.text
    action = reverse("villages:problem_action", args=[problem.pk, "rectify"])
    client.post(action, {"measures": "更换屋面瓦", "version": problem.version})
    problem.refresh_from_db()
    assert problem.status == "rectified"
    verify = reverse("villages:problem_action", args=[problem.pk, "verify"])
    assert client.post(verify).status_code == 403

    client.force_login(make_user("township", BAOFENG_TOWN, "zz-town"))
    page = client.get(reverse("villages:problem_detail", args=[problem.pk]))
    assert "验收销号" in page.text and "退回" in page.text
    client.post(verify, {"version": problem.version})
    problem.refresh_from_db()
    assert problem.status == "closed"


def test_the_ratings_page_shows_chart_table_reasons_and_excel(client, clerk, make_user):
    make_problem(clerk, BAOFENG_VILLAGE, deadline=LATE, description="危房未改造")
    client.force_login(make_user("county", BAOFENG, "bf-county"))
    page = client.get(reverse("villages:ratings"), {"region": BAOFENG_TOWN})
    assert page.status_code == 200
    n = len(villages_of(BAOFENG_TOWN))
    overview = page.context["overview"]
    assert (overview.total.villages, overview.total.safe) == (n, n - 1)
    assert 'id="ratings-option"' in page.text and "<script>" not in page.text
    assert "危房未改造" in page.text
    assert reverse("villages:village_archive", args=[BAOFENG_VILLAGE]) in page.text
    export = client.get(reverse("villages:ratings_export"), {"region": BAOFENG_TOWN})
    rows = _xlsx_rows(export)
    assert rows[0][0] == "区划代码"
    assert rows[-1][2:4] == [n, n - 1]


def test_the_village_archive_is_derived_and_the_township_confirms_criteria(
    client, clerk, make_user
):
    home = make_household(clerk, BAOFENG_VILLAGE, members=4, is_alleviated=True)
    registry.guarantees_set(
        user=clerk,
        household_id=home.pk,
        food_ok=True,
        clothing_ok=True,
        education_ok=True,
        medical_ok=True,
        housing_grade="D",
        water_ok=True,
    )
    make_household(clerk, BAOFENG_VILLAGE, members=2)
    client.force_login(make_user("township", BAOFENG_TOWN, "zz-town"))
    url = reverse("villages:village_archive", args=[BAOFENG_VILLAGE])
    page = client.get(url)
    archive = page.context["a"]
    assert (archive.households, archive.population, archive.alleviated) == (2, 6, 1)
    assert "未达到放心村" in page.text and "住房(D级)" in page.text
    assert reverse("registry:household_detail", args=[home.pk]) in page.text
    confirm = reverse("villages:criterion_confirm", args=[BAOFENG_VILLAGE])
    for key in ("leadership", "environment", "industry"):
        client.post(confirm, {"key": key, "met": "1"})
    again = client.get(url)
    assert again.context["a"].rating.criteria == {
        "leadership": True,
        "environment": True,
        "industry": True,
    }
    client.post(
        reverse("villages:announcement_add", args=[BAOFENG_VILLAGE]),
        {"title": "关于入户核查的公告", "body": "请配合", "starts_on": f"{timezone.localdate()}"},
    )
    assert Announcement.objects.filter(village_id=BAOFENG_VILLAGE).count() == 1
    assert "关于入户核查的公告" in client.get(url).text


def test_rules_keep_every_version(client, make_user):
    client.force_login(make_user("county", BAOFENG, "bf-county"))
    url = reverse("villages:rule_list")
    client.post(
        url,
        {
            "region_code": BAOFENG,
            "title": "村级民主评议制度",
            "body": "第一版",
            "effective_on": "2026-01-01",
        },
    )
    rule = RuleDocument.objects.get()
    client.post(
        url,
        {
            "region_code": BAOFENG,
            "title": "村级民主评议制度",
            "body": "第二版正文",
            "effective_on": "2026-06-01",
            "rule_id": rule.pk,
        },
    )
    rule.refresh_from_db()
    assert rule.version == 2 and rule.body == "第二版正文"
    page = client.get(url, {"rule": rule.pk})
    assert [v.version for v in page.context["versions"]] == [2, 1]
    assert "第一版" in page.text
    rows = _xlsx_rows(client.get(reverse("villages:rule_export")))
    assert rows[1][2:4] == ["村级民主评议制度", 2]
    client.force_login(make_user("village", BAOFENG_VILLAGE, "zz-clerk"))
    seen = client.get(reverse("villages:village_archive", args=[BAOFENG_VILLAGE]))
    assert "村级民主评议制度" in seen.text  # the county's rule applies in its villages


def test_another_villages_archive_and_problem_answer_404(client, clerk, make_user):
    problem = make_problem(clerk, BAOFENG_VILLAGE)
    neighbour = villages_of(BAOFENG_TOWN)[1]
    client.force_login(make_user("village", neighbour, "n-clerk"))
    assert client.get(reverse("villages:problem_detail", args=[problem.pk])).status_code == 404
    archive = reverse("villages:village_archive", args=[BAOFENG_VILLAGE])
    assert client.get(archive).status_code == 404
