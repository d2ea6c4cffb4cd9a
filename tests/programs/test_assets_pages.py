"""The programs pages' forms: funds, projects, assets, entities and benefit links are created on
the pages (not only by API and Excel), with Chinese errors and the typed fields kept; asset
income, disposals, the yearly check and 联村共建 are worked on their pages."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from fangpin.programs import services as programs
from fangpin.programs.models import (
    Asset,
    AssetCheck,
    AssetDisposal,
    BenefitLink,
    CheckRound,
    Entity,
    FundAllocation,
    Project,
    VillageGroup,
)
from fangpin.registry.models import IncomeRecord
from tests.conftest import BAOFENG, BAOFENG_TOWN, BAOFENG_VILLAGE, YEXIAN_VILLAGE
from tests.registry.helpers import make_household

pytestmark = pytest.mark.django_db


def _year() -> int:
    return timezone.localdate().year


@pytest.fixture
def county(make_user, client):
    user = make_user("county", BAOFENG, "county-page")
    client.force_login(user)
    return user


def test_a_fund_project_asset_and_entity_are_created_on_their_pages(county, client):
    fund = client.post(
        "/programs/new/fund/",
        {
            "year": _year(),
            "level": "central",
            "county_code": BAOFENG,
            "purpose": "industry",
            "amount": "120000.50",
        },
    )
    assert fund.status_code == 302
    allocation = FundAllocation.objects.get()
    assert allocation.amount == Decimal("120000.50")
    project = client.post(
        "/programs/new/project/",
        {
            "name": "香菇大棚",
            "type": "industry",
            "year": _year(),
            "village_code": BAOFENG_VILLAGE,
            "budget": "80000",
            "fund_allocation_id": allocation.pk,
            "status": "in_progress",
            "households_benefiting": "12",
        },
    )
    assert project.status_code == 302
    assert Project.objects.get().fund_allocation_id == allocation.pk
    asset = client.post(
        "/programs/new/asset/",
        {
            "name": "香菇大棚",
            "asset_class": "operating",
            "value": "80000",
            "village_code": BAOFENG_VILLAGE,
            "ownership": "村集体",
            "operation": "合作社",
        },
    )
    assert asset.status_code == 302
    made = Asset.objects.get()
    assert (made.ownership, made.operation, made.rights_complete) == ("村集体", "合作社", False)
    entity = client.post(
        "/programs/new/entity/",
        {"name": "菌业合作社", "type": "cooperative", "county_code": BAOFENG, "industry": "食用菌"},
    )
    assert entity.status_code == 302 and Entity.objects.filter(name="菌业合作社").exists()
    page = client.get("/programs/new/fund/").content.decode()
    assert 'value="410421"' in page  # the county's own code is filled in


def test_a_refused_form_shows_the_reason_in_chinese_and_keeps_what_was_typed(county, client):
    outside = client.post(
        "/programs/new/asset/",
        {
            "name": "叶县的冷库",
            "asset_class": "operating",
            "value": "5000",
            "village_code": YEXIAN_VILLAGE,
        },
    )
    bad_number = client.post(
        "/programs/new/project/",
        {
            "name": "食用菌基地",
            "type": "industry",
            "year": _year(),
            "village_code": BAOFENG_VILLAGE,
            "budget": "八万",
            "status": "planned",
        },
    )

    assert outside.status_code == 200
    text = outside.content.decode()
    assert "不存在或不在您的管辖范围内" in text and 'value="叶县的冷库"' in text
    assert bad_number.status_code == 200
    text = bad_number.content.decode()
    assert "输入一个数字" in text and 'value="食用菌基地"' in text
    assert not Asset.objects.exists() and not Project.objects.exists()


def test_a_benefit_link_typed_on_its_page_reaches_the_income_record(county, client, make_user):
    clerk = make_user("village", BAOFENG_VILLAGE, "clerk")
    home = make_household(clerk, BAOFENG_VILLAGE, members=2, is_alleviated=True)
    entity = programs.entity_create(
        user=county, name="公司", type="enterprise", county_code=BAOFENG
    )
    response = client.post(
        "/programs/new/link/",
        {
            "household_id": home.pk,
            "entity_id": entity.pk,
            "kind": "dividend",
            "year": _year(),
            "amount": "600",
        },
    )
    assert response.status_code == 302
    assert IncomeRecord.objects.get(household=home, year=_year()).property == Decimal("600.00")


def test_asset_income_is_recorded_and_distributed_by_list_on_its_page(county, client, make_user):
    clerk = make_user("village", BAOFENG_VILLAGE, "clerk")
    a = make_household(clerk, BAOFENG_VILLAGE, members=2, is_alleviated=True)
    b = make_household(clerk, BAOFENG_VILLAGE, members=1, is_alleviated=True)
    asset = programs.asset_create(
        user=county, name="光伏", asset_class="operating", value=1, village_code=BAOFENG_VILLAGE
    )
    recorded = client.post(
        "/programs/asset-incomes/",
        {
            "form": "income",
            "asset_id": asset.pk,
            "year": _year(),
            "amount": "700",
            "source": "电费",
        },
    )
    assert recorded.status_code == 302
    income = asset.incomes.get()
    too_much = client.post(
        "/programs/asset-incomes/",
        {"form": "distribute", "income_id": income.pk, "rule": "list", "shares": f"{a.pk} 800"},
    )
    assert too_much.status_code == 200 and "超过该笔收益" in too_much.content.decode()
    shared = client.post(
        "/programs/asset-incomes/",
        {
            "form": "distribute",
            "income_id": income.pk,
            "rule": "list",
            "shares": f"{a.pk} 500\n{b.pk},200",
        },
    )
    assert shared.status_code == 302
    assert sorted(BenefitLink.objects.values_list("household_id", "amount")) == [
        (a.pk, Decimal("500.00")),
        (b.pk, Decimal("200.00")),
    ]
    listed = client.get("/programs/asset-incomes/").content.decode()
    assert "光伏" in listed and "700.00" in listed


def test_the_village_requests_a_disposal_and_the_township_approves_on_the_page(
    county, make_user, client
):
    asset = programs.asset_create(
        user=county, name="旧仓库", asset_class="operating", value=1, village_code=BAOFENG_VILLAGE
    )
    client.force_login(make_user("village", BAOFENG_VILLAGE, "clerk"))
    asked = client.post(
        "/programs/disposals/",
        {
            "form": "request",
            "asset_id": asset.pk,
            "kind": "scrap",
            "reason": "房顶坍塌",
            "value": "0",
        },
    )
    assert asked.status_code == 302
    disposal = AssetDisposal.objects.get()
    client.force_login(make_user("township", BAOFENG_TOWN, "town"))
    page = client.get("/programs/disposals/").content.decode()
    assert "旧仓库" in page and "审核处置申请" in page
    approved = client.post(
        "/programs/disposals/",
        {"form": "act", "disposal_id": disposal.pk, "action": "approve_township"},
    )
    assert approved.status_code == 302
    disposal.refresh_from_db()
    assert disposal.state == "township_approved"


def test_the_check_page_opens_a_round_records_a_check_and_flags_the_rest(county, client):
    made = [
        programs.asset_create(
            user=county,
            name=f"资产{i}",
            asset_class="household",
            value=1,
            village_code=BAOFENG_VILLAGE,
        )
        for i in range(2)
    ]
    opened = client.post(
        "/programs/asset-checks/", {"form": "round", "year": _year(), "county_code": BAOFENG}
    )
    assert opened.status_code == 302
    page = client.get("/programs/asset-checks/").content.decode()
    assert "未清查 2 项" in page
    county_round = CheckRound.objects.get().pk
    checked = client.post(
        "/programs/asset-checks/",
        {
            "form": "check",
            "round_id": county_round,
            "asset_id": made[0].pk,
            "exists": "on",
            "condition": "fair",
            "in_use": "on",
            "rights_ok": "on",
        },
    )
    assert checked.status_code == 302
    assert AssetCheck.objects.get().condition == "fair"
    book = load_workbook(io.BytesIO(client.get("/programs/asset-checks/?format=xlsx").content))
    rows = list(book.active.iter_rows(min_row=2, values_only=True))
    assert sorted((r[0], r[4]) for r in rows) == [(made[0].pk, "是"), (made[1].pk, "未清查")]


def test_a_group_is_formed_on_its_page_and_counted(county, client):
    response = client.post(
        "/programs/groups/",
        {
            "form": "group",
            "name": "周庄联村",
            "county_code": BAOFENG,
            "lead_village_code": BAOFENG_VILLAGE,
            "village_codes": "410421101202, 410421101203",
            "industry": "食用菌",
            "year": _year(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    group = VillageGroup.objects.get()
    assert group.villages.count() == 3
    page = client.get("/programs/groups/").content.decode()
    assert "周庄联村" in page and "联村共建按县计数" in page
