"""Pages (Chinese, Excel downloads) and the all-or-nothing Excel imports of each module."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from fangpin.programs import services as programs
from fangpin.programs.importing import KINDS, programs_import
from fangpin.programs.models import Asset, FundAllocation, Project, Talent, WorkshopWorker
from tests.conftest import BAOFENG, BAOFENG_VILLAGE, YEXIAN, YEXIAN_VILLAGE
from tests.registry.helpers import make_household

pytestmark = pytest.mark.django_db


def _book(headers, rows, *, as_number: int | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _year() -> int:
    return timezone.localdate().year


@pytest.fixture
def county(make_user):
    return make_user("county", BAOFENG, "bf-county")


def test_each_template_downloads_with_its_headers(client, county):
    client.force_login(county)
    for key, kind in KINDS.items():
        response = client.get(f"/programs/import/{key}/template.xlsx")
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert [c.value for c in sheet[1]] == list(kind.headers)


GOOD = {
    "funds": [
        (_year(), "中央", BAOFENG, "产业发展", 1000000, "豫财农〔2026〕1号"),
        (_year(), "county", BAOFENG, "other", "200000.50", ""),
    ],
    "projects": [("香菇大棚", "产业发展", _year(), BAOFENG_VILLAGE, 50000, "实施中", 30)],
    "assets": [
        (
            "冷库",
            "经营性",
            80000,
            BAOFENG_VILLAGE,
            "村集体",
            "合作社",
            "村委",
            "脱贫户",
            "乡镇",
            "县",
        ),
        ("路灯", "公益性", 9000, BAOFENG_VILLAGE, "村集体", "", "", "", "", ""),
    ],
    "talents": [("王磊", BAOFENG_VILLAGE, "电商", "郑州", "是", "网店", "13800000000")],
}
BAD = {
    "funds": [
        (_year(), "中央", BAOFENG, "产业发展", 1000, ""),  # good, but not written
        (_year(), "乡级", BAOFENG, "产业发展", 1000, ""),  # no such level
        (_year(), "中央", YEXIAN, "产业发展", 1000, ""),  # another county
        (_year(), "中央", BAOFENG, "产业发展", "", ""),  # empty amount
    ],
    "projects": [
        ("", "产业发展", _year(), BAOFENG_VILLAGE, 1, ""),
        ("大棚", "产业发展", _year(), BAOFENG_VILLAGE, 1, "", "很多"),
    ],
    "assets": [("冷库", "私有", 1, BAOFENG_VILLAGE, "", "", "", "", "", "")],
    "talents": [("王磊", YEXIAN_VILLAGE, "电商", "", "", "", "")],
}
MODELS = {"funds": FundAllocation, "projects": Project, "assets": Asset, "talents": Talent}


@pytest.mark.parametrize("key", sorted(GOOD))
def test_a_good_file_imports_and_a_bad_one_writes_nothing(county, key):
    headers = KINDS[key].headers
    checked = programs_import(user=county, kind=key, file=_book(headers, GOOD[key]), dry_run=True)
    assert checked.ok and checked.rows == len(GOOD[key]) and MODELS[key].objects.count() == 0
    done = programs_import(user=county, kind=key, file=_book(headers, GOOD[key]))
    assert done.ok and done.written == len(GOOD[key])
    assert MODELS[key].objects.count() == len(GOOD[key])
    bad = programs_import(user=county, kind=key, file=_book(headers, BAD[key]))
    assert not bad.ok and bad.written == 0
    assert MODELS[key].objects.count() == len(GOOD[key])
    if key == "funds":
        assert [row for row, _ in bad.problems] == [3, 4, 5]
        assert "资金级别" in bad.problems[0][1] and "金额" in bad.problems[2][1]
    if key == "projects":
        assert [row for row, _ in bad.problems] == [2, 3] and "受益户数" in bad.problems[1][1]


def test_workshop_workers_import_by_id_number_and_refuse_a_number_cell(county, make_user):
    clerk = make_user("village", BAOFENG_VILLAGE, "clerk")
    home = make_household(clerk, BAOFENG_VILLAGE, members=2, is_alleviated=True)
    people = [m.person for m in home.current_memberships()]
    headers = KINDS["workers"].headers
    start = f"{_year()}-01-01"
    rows = [
        ("服装车间", BAOFENG_VILLAGE, "厂房式", "某公司", p.id_number, start, 1500) for p in people
    ]
    done = programs_import(user=county, kind="workers", file=_book(headers, rows))
    assert done.ok, done.problems
    assert WorkshopWorker.objects.count() == 2
    number = [("服装车间", BAOFENG_VILLAGE, "厂房式", "某公司", 4.10421e17, start, 1500)]
    bad = programs_import(user=county, kind="workers", file=_book(headers, number))
    assert not bad.ok and "位数已丢失" in bad.problems[0][1]
    stranger = [("服装车间", BAOFENG_VILLAGE, "厂房式", "某公司", "110101199003071234", start, 1)]
    bad = programs_import(user=county, kind="workers", file=_book(headers, stranger))
    assert not bad.ok and WorkshopWorker.objects.count() == 2


def test_a_file_without_the_template_headers_is_refused(county):
    bad = programs_import(user=county, kind="funds", file=_book(["甲", "乙"], [(1, 2)]))
    assert not bad.ok and bad.problems[0][0] == 1 and "缺少列" in bad.problems[0][1]


def test_the_import_page_reports_problems_and_writes_all_or_nothing(client, county):
    client.force_login(county)
    page = client.get("/programs/import/")
    assert page.status_code == 200 and "衔接资金导入模板" in page.content.decode()
    headers = KINDS["funds"].headers
    upload = io.BytesIO(_book(headers, BAD["funds"]))
    upload.name = "资金.xlsx"
    response = client.post("/programs/import/", {"kind": "funds", "file": upload})
    assert response.status_code == 400 and "第4行" in response.content.decode()
    upload = io.BytesIO(_book(headers, GOOD["funds"]))
    upload.name = "资金.xlsx"
    response = client.post("/programs/import/", {"kind": "funds", "file": upload})
    assert response.status_code == 200 and "导入成功" in response.content.decode()
    assert FundAllocation.objects.count() == 2


def test_a_village_user_may_not_import(client, make_user):
    client.force_login(make_user("village", BAOFENG_VILLAGE, "v"))
    assert client.get("/programs/import/").status_code == 403


def test_list_pages_show_flags_and_download_excel(client, county):
    client.force_login(county)
    programs.asset_create(
        user=county,
        name="冷库",
        asset_class="operating",
        value=1,
        village_code=BAOFENG_VILLAGE,
        rights={"ownership": "村集体"},
    )
    programs.workshop_create(
        user=county, name="车间", type="home", village_code=BAOFENG_VILLAGE, owner="甲"
    )
    programs.talent_create(
        user=county, name="王磊", origin_village_code=BAOFENG_VILLAGE, skill="电商"
    )
    programs.fund_allocation_create(
        user=county,
        year=_year(),
        level="central",
        county_code=BAOFENG,
        purpose="industry",
        amount=5,
    )
    for path, text in (
        ("/programs/assets/", "六权未全部明确"),
        ("/programs/workshops/", "吸纳脱贫人口不足5人"),
        ("/programs/talents/", "王磊"),
        ("/programs/funds/", "中央"),
        ("/programs/projects/", "帮扶项目"),
        ("/programs/", "三有一持续"),
    ):
        page = client.get(path)
        assert page.status_code == 200 and text in page.content.decode(), path
        assert "style=" not in page.content.decode()
        excel = client.get(path, {"format": "xlsx"})
        assert excel.status_code == 200 and excel.content[:2] == b"PK", path
    sheet = load_workbook(io.BytesIO(client.get("/programs/assets/", {"format": "xlsx"}).content))
    assert sheet.active["A2"].value == "冷库" and sheet.active["K2"].value == "否"


def test_the_panel_of_a_region_outside_is_not_found(client, make_user):
    client.force_login(make_user("county", YEXIAN, "yx"))
    assert client.get("/programs/", {"region": BAOFENG}).status_code == 404


def test_the_three_haves_page_lists_each_target_household_with_its_flags(client, county, make_user):
    clerk = make_user("village", BAOFENG_VILLAGE, "clerk")
    poor = make_household(clerk, BAOFENG_VILLAGE, members=1, is_alleviated=True, head_name="李贫")
    make_household(clerk, BAOFENG_VILLAGE, members=1, head_name="赵富")  # 一般农户: not listed
    client.force_login(county)
    page = client.get("/programs/three-haves/", {"flagged": "1"}).content.decode()
    assert "李贫" in page and "赵富" not in page and poor.number in page
    sheet = load_workbook(
        io.BytesIO(client.get("/programs/three-haves/", {"format": "xlsx"}).content)
    )
    assert [c.value for c in sheet.active[2]] == [
        poor.number,
        "李贫",
        "周庄村村民委员会",
        "是",
        "否",
        "否",
        "否",
        "否",
    ]


def test_entities_then_four_gold_links_import_and_the_income_record_follows(county, make_user):
    from decimal import Decimal

    from fangpin.programs.models import BenefitLink, Entity
    from fangpin.registry.models import IncomeRecord

    village = make_user("village", BAOFENG_VILLAGE, "bf-links-village")
    home = make_household(village, BAOFENG_VILLAGE, is_alleviated=True)
    away = make_household(make_user("village", YEXIAN_VILLAGE, "yx-links"), YEXIAN_VILLAGE)
    entities = _book(
        KINDS["entities"].headers,
        [("宝丰香菇合作社", "农民专业合作社", BAOFENG, "县级", "食用菌")],
    )
    assert programs_import(user=county, kind="entities", file=entities).ok
    assert Entity.objects.filter(name="宝丰香菇合作社", county_id=BAOFENG).count() == 1

    headers = KINDS["links"].headers
    bad = [
        (home.number, "宝丰香菇合作社", "股金", _year(), 800),  # good, not written
        ("410421999999999999", "宝丰香菇合作社", "股金", _year(), 800),  # no such household
        (home.number, "不存在的合作社", "租金", _year(), 100),  # no such entity
        (away.number, "宝丰香菇合作社", "租金", _year(), 100),  # outside the county user's
        (home.number, "宝丰香菇合作社", "补贴", _year(), 100),  # not a 四金 kind
    ]
    refused = programs_import(user=county, kind="links", file=_book(headers, bad))
    assert [row for row, _ in refused.problems] == [3, 4, 5, 6]
    assert "请先导入经营主体" in refused.problems[1][1]
    assert BenefitLink.objects.count() == 0

    good = [
        (home.number, "宝丰香菇合作社", "股金", _year(), 800),
        (home.number, "宝丰香菇合作社", "薪金", _year(), 1200),
    ]
    done = programs_import(user=county, kind="links", file=_book(headers, good))
    assert done.ok and done.written == 2
    record = IncomeRecord.objects.filter(household=home, year=_year()).latest("recorded_on")
    assert record.linked_property == Decimal("800.00")
    assert record.linked_wage == Decimal("1200.00")
