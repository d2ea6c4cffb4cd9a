"""The field pages: the grid worker's page, the visit form, the queue, the public page, the QR
code, the warm wall, and the Excel export of every list."""

from __future__ import annotations

import io
import re

import pytest
import segno
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from fangpin.monitoring import clock
from fangpin.monitoring import services as monitoring
from fangpin.monitoring.models import Case
from fangpin.villages.field import selectors, services
from fangpin.villages.field.qr import qr_code
from fangpin.villages.models import SelfReport, Visit
from tests.conftest import BAOFENG, BAOFENG_VILLAGE, CITY
from tests.registry.helpers import make_household

pytestmark = pytest.mark.django_db

OTHER_BAOFENG_VILLAGE = "410421101202"


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()


@pytest.fixture
def clerk(make_user):
    return make_user("village", BAOFENG_VILLAGE, "zhouzhuang-clerk")


@pytest.fixture
def worker_setup(clerk):
    grid = services.grid_create(
        user=clerk,
        name="周庄一组",
        level="group",
        region_code=BAOFENG_VILLAGE,
        worker_username=clerk.username,
    )
    home = make_household(clerk, BAOFENG_VILLAGE, is_alleviated=True, head_name="王守田")
    services.household_grid_set(user=clerk, household_id=home.pk, grid_id=grid.pk)
    return grid, home


def test_the_grid_page_lists_who_was_not_visited_and_one_tap_records_unchanged(
    client, clerk, worker_setup
):
    grid, home = worker_setup
    client.force_login(clerk)
    page = client.get(reverse("villages:grids"))
    assert page.status_code == 200
    assert "周庄一组" in page.text and "王守田户" in page.text and "从未走访" in page.text
    done = client.post(reverse("villages:visit_unchanged", args=[home.pk]), follow=True)
    assert "走访无变化,已记录" in done.text
    visit = Visit.objects.get(household=home)
    assert visit.unchanged and all(visit.checklist.values()) and visit.grid_id == grid.pk
    again = client.get(reverse("villages:grids"))
    assert "全部走访到位" in again.text
    export = client.get(reverse("villages:grids") + "?format=xlsx")
    rows = list(load_workbook(io.BytesIO(export.content)).active.values)
    assert rows[0][0] == "网格" and rows[1][0] == "周庄一组"


def test_the_visit_form_reports_a_risk(client, clerk, worker_setup):
    _, home = worker_setup
    client.force_login(clerk)
    url = reverse("villages:visit_new", args=[home.pk])
    assert "大病重病户" in client.get(url).text
    answer = client.post(
        url,
        {
            "visited_on": clock.today().isoformat(),
            "met": "户主本人",
            "concerns": ["serious_illness"],
            "findings": "住院",
            "report": "on",
            "category": "unstable",
            "risk_types": ["01"],
        },
    )
    assert answer.status_code == 302
    case = Case.objects.get(household=home)
    assert case.channel == "cadre_visit"
    export = client.get(reverse("villages:visits") + "?format=xlsx")
    rows = list(load_workbook(io.BytesIO(export.content)).active.values)
    assert rows[1][2] == "王守田" and rows[1][7] == "是"


def test_another_village_cannot_open_the_form_or_the_warm_wall(client, make_user, worker_setup):
    _, home = worker_setup
    client.force_login(make_user("village", OTHER_BAOFENG_VILLAGE, "other"))
    assert client.get(reverse("villages:visit_new", args=[home.pk])).status_code == 404
    assert client.post(reverse("villages:visit_unchanged", args=[home.pk])).status_code == 404
    assert client.get(reverse("villages:warm_wall", args=[BAOFENG_VILLAGE])).status_code == 404


def test_the_public_page_takes_a_report_without_login(client):
    url = reverse("villages:public", args=[BAOFENG_VILLAGE])
    page = client.get(url)
    assert page.status_code == 200 and "提交申报" in page.text
    sent = client.post(url, {"name": "李大娘", "phone": "13800138000", "description": "老伴住院"})
    assert sent.status_code == 200 and "已收到您的申报" in sent.text
    assert SelfReport.objects.get().name == "李大娘"
    script = client.post(url, {"name": "x", "phone": "13800138000", "description": "<b>hi</b>"})
    assert "网页代码" in script.text and SelfReport.objects.count() == 1
    assert client.get(reverse("villages:public", args=["410421101999"])).status_code == 404


def test_the_qr_code_encodes_the_public_page_url(client):
    svg = client.get(reverse("villages:qr", args=[BAOFENG_VILLAGE]))
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    expected = "http://testserver" + reverse("villages:public", args=[BAOFENG_VILLAGE])
    assert expected.endswith(f"/villages/public/{BAOFENG_VILLAGE}/")
    # The served code is the one segno makes for that very URL (same modules, same payload),
    # and re-encoding the payload gives the same matrix.
    ours = io.BytesIO()
    qr_code(expected).save(ours, kind="svg", scale=8, border=4, xmldecl=True, title=expected)
    assert svg.content == ours.getvalue()
    assert qr_code(expected).matrix == segno.make(expected, error="m", boost_error=False).matrix
    assert f"<title>{expected}</title>" in svg.content.decode()


def test_the_warm_wall_shows_helpers_without_ids_and_prints_in_both_sizes(
    client, clerk, worker_setup
):
    _, home = worker_setup
    monitoring.case_create(
        user=clerk, household=home, channel="cadre_visit", category="unstable", risk_types=["01"]
    )
    case = Case.objects.get(household=home)
    case.state = "monitored"
    case.save(update_fields=["state"])
    monitoring.plan_set(
        user=clerk, case_id=case.pk, helper_name="赵书记", helper_phone="13700001111"
    )
    client.force_login(clerk)
    wall = client.get(reverse("villages:warm_wall", args=[BAOFENG_VILLAGE]))
    assert wall.status_code == 200
    assert "暖心墙" in wall.text and "赵书记" in wall.text and "13700001111" in wall.text
    assert not re.search(r"\d{17}[\dX]", wall.text)  # never an ID number
    assert "style=" not in wall.text
    a3 = client.get(reverse("villages:warm_wall", args=[BAOFENG_VILLAGE]) + "?size=a3")
    assert "wall-a3.css" in a3.text
    board = client.get(reverse("villages:board", args=[BAOFENG_VILLAGE]))
    assert (
        "政策明白墙" in board.text and reverse("villages:qr", args=[BAOFENG_VILLAGE]) in board.text
    )


def test_the_queue_and_catalogue_pages_export_excel(client, clerk, make_user):
    services.self_report_receive(
        village_code=BAOFENG_VILLAGE, name="李四", phone="13800000001", description="看病难"
    )
    city = make_user("city", CITY, "city-admin")
    services.policy_create(
        user=city,
        department="市医保局",
        title="医疗救助",
        level="city",
        eligibility="低保",
        benefit="报销",
        how_to_apply="乡镇申请",
    )
    services.liaison_create(
        user=city, sector="医保", region_code=BAOFENG, name="刘洋", phone="13912345678"
    )
    client.force_login(clerk)
    queue = client.get(reverse("villages:self_reports"))
    assert "李四" in queue.text
    x = client.get(reverse("villages:self_reports") + "?format=xlsx")
    assert list(load_workbook(io.BytesIO(x.content)).active.values)[1][2] == "李四"
    pol = client.get(reverse("villages:policies"))
    assert "医疗救助" in pol.text and "刘洋" in pol.text
    x = client.get(reverse("villages:policies") + "?format=xlsx")
    assert list(load_workbook(io.BytesIO(x.content)).active.values)[1][1] == "医疗救助"
    x = client.get(reverse("villages:policies") + "?format=xlsx&what=liaisons")
    assert list(load_workbook(io.BytesIO(x.content)).active.values)[1][2] == "刘洋"


def test_a_grid_is_made_and_a_household_placed_from_the_grid_page(client, clerk):
    home = make_household(clerk, BAOFENG_VILLAGE, is_alleviated=True, head_name="孙大成")
    client.force_login(clerk)
    page = client.get(reverse("villages:grids"))
    assert "未划入网格的农户(1)" in page.text
    made = client.post(
        reverse("villages:grids"),
        {
            "name": "周庄二组",
            "level": "group",
            "region_code": BAOFENG_VILLAGE,
            "worker_username": clerk.username,
        },
        follow=True,
    )
    assert "已建立网格「周庄二组」" in made.text
    grid = selectors.grid_list(user=clerk).get(name="周庄二组")
    placed = client.post(
        reverse("villages:household_grid", args=[home.pk]), {"grid_id": grid.pk}, follow=True
    )
    assert "已划入「周庄二组」" in placed.text and "未划入网格的农户" not in placed.text
    wrong = client.post(
        reverse("villages:grids"), {"name": "x", "level": "county", "region_code": BAOFENG_VILLAGE}
    )
    assert "县级网格应建在" in wrong.text


def test_the_reporters_id_number_preselects_the_household_for_the_cadre_only(client, clerk):
    from fangpin.core import idcrypt

    home = make_household(clerk, BAOFENG_VILLAGE, head_name="钱多多")
    stored = home.current_memberships().first().person.id_number
    number = idcrypt.decrypt(stored) if idcrypt.is_encrypted(stored) else stored
    report = services.self_report_receive(
        village_code=BAOFENG_VILLAGE,
        name="钱多多",
        phone="13800000002",
        description="缺钱",
        id_number=number,
    )
    assert report.id_number != number  # stored encrypted
    client.force_login(clerk)
    page = client.get(reverse("villages:self_report", args=[report.pk]))
    assert "找到本村农户:钱多多户" in page.text
    assert page.context["accept"].initial == {"household": home.pk}


def test_the_catalogue_is_edited_in_the_page_and_an_edited_sample_is_no_longer_a_sample(
    client, make_user, clerk
):
    from fangpin.villages.models import Liaison, Policy

    city = make_user("city", CITY, "city-admin")
    county = make_user("county", BAOFENG, "bf-admin")
    sample = Policy.objects.create(
        region_id=CITY,
        department="市民政局",
        title="临时救助",
        level="city",
        eligibility="困难家庭",
        benefit="救助金",
        how_to_apply="乡镇申请",
        sample=True,
    )
    client.force_login(county)
    page = client.get(reverse("villages:policies"))
    assert (
        "临时救助" in page.text
        and reverse("villages:policy_edit", args=[sample.pk]) not in page.text
    )
    assert client.get(reverse("villages:policy_edit", args=[sample.pk])).status_code == 404
    made = client.post(
        reverse("villages:policies"),
        {
            "do": "policy",
            "department": "县教育局",
            "title": "县级助学金",
            "level": "county",
            "eligibility": "脱贫家庭学生",
            "benefit": "每年1000元",
            "how_to_apply": "学校申请",
        },
        follow=True,
    )
    assert "已登记政策「县级助学金」" in made.text
    added = client.post(
        reverse("villages:policies"),
        {
            "do": "liaison",
            "sector": "教育",
            "region_code": BAOFENG,
            "name": "孙老师",
            "phone": "13600001234",
        },
        follow=True,
    )
    assert "已登记联络员 孙老师" in added.text
    liaison = Liaison.objects.get(name="孙老师")
    client.post(
        reverse("villages:liaison_edit", args=[liaison.pk]),
        {"sector": "教育", "name": "孙老师", "phone": "13600005678"},
    )
    liaison.refresh_from_db()
    assert liaison.phone == "13600005678" and liaison.history.count() == 2

    client.force_login(city)
    assert (
        reverse("villages:policy_edit", args=[sample.pk])
        in client.get(reverse("villages:policies")).text
    )
    client.post(
        reverse("villages:policy_edit", args=[sample.pk]),
        {
            "department": "市民政局",
            "title": "临时救助(2026年)",
            "level": "city",
            "eligibility": "困难家庭",
            "benefit": "救助金",
            "how_to_apply": "乡镇申请",
        },
    )
    sample.refresh_from_db()
    assert sample.title == "临时救助(2026年)" and not sample.sample and sample.history.count() == 2

    client.force_login(clerk)
    assert client.post(reverse("villages:policies"), {"do": "policy"}).status_code == 403
    assert client.get(reverse("villages:policy_edit", args=[sample.pk])).status_code == 403
