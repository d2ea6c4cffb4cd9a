"""Excel import of a round's problems: all or nothing, row-level errors, dry run, template."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from fangpin.villages.board import importing, services
from fangpin.villages.models import Problem
from tests.conftest import BAOFENG, BAOFENG_TOWN, BAOFENG_VILLAGE, YEXIAN_VILLAGE
from tests.registry.helpers import make_household
from tests.villages.board.helpers import villages_of

pytestmark = pytest.mark.django_db

HEADERS = ["村代码", "户编号", "问题类型", "问题描述", "责任单位", "整改时限"]


def xlsx(rows, headers=HEADERS):
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "问题.xlsx"
    return buffer


@pytest.fixture
def county(make_user):
    return make_user("county", BAOFENG, "bf-county")


@pytest.fixture
def census(make_user):
    town = make_user("township", BAOFENG_TOWN, "bf-town")
    return services.round_create(
        user=town,
        name="周庄镇第二轮",
        region_code=BAOFENG_TOWN,
        starts_on=__import__("datetime").date(2026, 3, 1),
        ends_on=__import__("datetime").date(2026, 3, 31),
    )


def test_a_good_file_checks_in_a_dry_run_then_imports_every_row(county, census, make_user):
    home = make_household(make_user("village", BAOFENG_VILLAGE, "zz"), BAOFENG_VILLAGE)
    neighbour = villages_of(BAOFENG_TOWN)[1]
    rows = [
        [BAOFENG_VILLAGE, home.number, "住房安全", "墙体开裂", "县住建局", "2026-12-31"],
        [neighbour, "", "water", "季节性断水", "县水利局", "2026/11/30"],
    ]
    dry = importing.problems_import(
        user=county, source=xlsx(rows), round_id=census.pk, dry_run=True
    )
    assert dry.ok and dry.rows == 2 and Problem.objects.count() == 0
    done = importing.problems_import(
        user=county, source=xlsx(rows), round_id=census.pk, dry_run=False
    )
    assert done.ok and done.written == 2
    made = {p.village_id: p for p in Problem.objects.all()}
    assert made[BAOFENG_VILLAGE].household_id == home.pk
    assert made[BAOFENG_VILLAGE].type == "housing" and made[neighbour].type == "water"
    assert {p.census_round_id for p in made.values()} == {census.pk}
    assert all(p.history.count() == 1 for p in made.values())


def test_a_bad_file_writes_nothing_and_names_row_column_and_fix(county, census):
    rows = [
        [BAOFENG_VILLAGE, "", "住房安全", "墙体开裂", "县住建局", "2026-12-31"],  # good
        [BAOFENG_VILLAGE, "", "闹鬼", "说不清", "村委", "2026-12-31"],  # unknown type
        [BAOFENG_VILLAGE, "", "饮水安全", "", "县水利局", "2026-12-31"],  # empty description
        [410421101201.0, "", "饮水安全", "断水", "县水利局", "下个月"],  # number, bad date
        [BAOFENG_VILLAGE, "NOPE-1", "饮水安全", "断水", "县水利局", "2026-12-31"],  # no household
    ]
    result = importing.problems_import(
        user=county, source=xlsx(rows), round_id=census.pk, dry_run=False
    )
    assert not result.ok and result.written == 0
    assert Problem.objects.count() == 0
    found = {(p.row, p.column) for p in result.problems}
    assert found == {(3, "问题类型"), (4, "问题描述"), (5, "整改时限"), (6, "户编号")}
    assert any("住房安全" in p.message for p in result.problems if p.column == "问题类型")
    assert "第3行 问题类型" in str(result.problems[0])


def test_a_village_outside_the_users_region_refuses_the_whole_file(census, make_user):
    town = make_user("township", BAOFENG_TOWN, "bf-town2")
    rows = [
        [BAOFENG_VILLAGE, "", "住房安全", "墙体开裂", "县住建局", "2026-12-31"],
        [YEXIAN_VILLAGE, "", "住房安全", "墙体开裂", "县住建局", "2026-12-31"],
    ]
    result = importing.problems_import(
        user=town, source=xlsx(rows), round_id=census.pk, dry_run=False
    )
    assert [(p.row, p.column) for p in result.problems] == [(3, "村代码")]
    assert Problem.objects.count() == 0


def test_missing_headers_and_a_file_that_is_no_workbook_are_reported(county):
    wrong = importing.problems_import(
        user=county, source=xlsx([], headers=["村", "问题"]), round_id=None, dry_run=True
    )
    assert not wrong.ok and "缺少列" in wrong.problems[0].message
    junk = io.BytesIO(b"this is not a spreadsheet")
    junk.name = "x.xlsx"
    refused = importing.problems_import(user=county, source=junk, round_id=None, dry_run=True)
    assert not refused.ok and refused.problems[0].row == 0


def test_the_template_downloads_and_imports_back(client, county):
    client.force_login(county)
    response = client.get(reverse("villages:problem_import_template"))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(content)).active
    assert [c.value for c in sheet[1]] == HEADERS
    source = io.BytesIO(content)
    source.name = "模板.xlsx"
    result = importing.problems_import(user=county, source=source, round_id=None, dry_run=True)
    assert result.ok and result.rows == 1


def test_the_import_page_reports_problems_and_imports(client, county, census):
    client.force_login(county)
    url = reverse("villages:problem_import")
    assert "导入模板" in client.get(url).text
    bad = xlsx([[BAOFENG_VILLAGE, "", "闹鬼", "x", "y", "2026-12-31"]])
    page = client.post(url, {"file": bad, "round": census.pk})
    assert page.status_code == 200 and "问题类型" in page.text and "没有写入" in page.text
    good = xlsx([[BAOFENG_VILLAGE, "", "住房安全", "墙体开裂", "县住建局", "2026-12-31"]])
    done = client.post(url, {"file": good, "round": census.pk})
    assert done.status_code == 302 and Problem.objects.count() == 1
    village = client.get(url)  # a viewer or department would not get the form; a county does
    assert village.status_code == 200
