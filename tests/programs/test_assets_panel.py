"""The programs panel's asset figures (income distributed, disposals, check coverage, 联村共建):
a small data set in two counties, each figure checked against counts made here from the data
set itself; the page's table and chart, and its Excel, carry the same figures."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from fangpin.programs import services as programs
from fangpin.programs import services_assets as assets
from tests.conftest import BAOFENG, BAOFENG_TOWN, BAOFENG_VILLAGE, CITY, YEXIAN, YEXIAN_VILLAGE
from tests.registry.helpers import make_household

pytestmark = pytest.mark.django_db

BAOFENG_VILLAGE_2 = "410421101202"
YEXIAN_VILLAGE_2 = "410422101202"


@pytest.fixture
def data(make_user):
    year = timezone.localdate().year
    users = {
        BAOFENG: make_user("county", BAOFENG, "bf"),
        YEXIAN: make_user("county", YEXIAN, "yx"),
        BAOFENG_VILLAGE: make_user("village", BAOFENG_VILLAGE, "v-bf"),
        YEXIAN_VILLAGE: make_user("village", YEXIAN_VILLAGE, "v-yx"),
        "town": make_user("township", BAOFENG_TOWN, "t-bf"),
    }
    d: dict = {"year": year}
    # Households: (village, alleviated) — shares go to the 脱贫 ones.
    homes = {
        v: [
            make_household(users[v], v, members=2, is_alleviated=True),
            make_household(users[v], v, members=1, is_alleviated=True),
        ]
        for v in (BAOFENG_VILLAGE, YEXIAN_VILLAGE)
    }
    # Assets: (county, village) ; four in 宝丰, two in 叶县.
    spec = [
        (BAOFENG, BAOFENG_VILLAGE),
        (BAOFENG, BAOFENG_VILLAGE),
        (BAOFENG, BAOFENG_VILLAGE_2),
        (BAOFENG, BAOFENG_VILLAGE),
        (YEXIAN, YEXIAN_VILLAGE),
        (YEXIAN, YEXIAN_VILLAGE_2),
    ]
    made = [
        programs.asset_create(
            user=users[c], name=f"资产{i}", asset_class="operating", value=100, village_code=v
        )
        for i, (c, v) in enumerate(spec)
    ]
    # Incomes: (asset index, amount, distributed how) this year, and one last year.
    incomes = [
        (0, Decimal("1000"), {"rule": "equal"}),
        (1, Decimal("600"), {"rule": "list", "shares": [(0, Decimal("250"))]}),
        (4, Decimal("900"), {"rule": "equal", "total": Decimal("500")}),
        (5, Decimal("300"), None),
    ]
    d["incomes"] = []
    for index, amount, how in incomes:
        county = spec[index][0]
        income = assets.asset_income_record(
            user=users[county], asset_id=made[index].pk, year=year, amount=amount, source="租金"
        )
        if how is not None:
            village = spec[index][1]
            shares = [
                {"household_id": homes[village][h].pk, "amount": a}
                for h, a in how.get("shares", [])
            ]
            assets.asset_income_distribute(
                user=users[county],
                income_id=income.pk,
                rule=how["rule"],
                total=how.get("total"),
                shares=shares,
            )
        d["incomes"].append((county, spec[index][1], amount, how))
    assets.asset_income_record(
        user=users[BAOFENG], asset_id=made[0].pk, year=year - 1, amount=777, source="租金"
    )
    # Disposals: asset 3 approved, asset 1 rejected by the township, asset 4 waiting.
    approved = assets.asset_disposal_request(
        user=users[BAOFENG_VILLAGE], asset_id=made[3].pk, kind="scrap", reason="损毁", value=0
    )
    assets.asset_disposal_act(
        user=users["town"], disposal_id=approved.pk, action="approve_township"
    )
    assets.asset_disposal_act(user=users[BAOFENG], disposal_id=approved.pk, action="approve_county")
    rejected = assets.asset_disposal_request(
        user=users[BAOFENG_VILLAGE], asset_id=made[1].pk, kind="scrap", reason="闲置", value=0
    )
    assets.asset_disposal_act(
        user=users["town"], disposal_id=rejected.pk, action="reject", opinion="仍可使用"
    )
    assets.asset_disposal_request(
        user=users[YEXIAN_VILLAGE], asset_id=made[4].pk, kind="scrap", reason="损毁", value=0
    )
    d["disposals"] = [(BAOFENG, "approved"), (BAOFENG, "rejected"), (YEXIAN, "requested")]
    # The yearly check: in 宝丰 assets 0 (fine) and 2 (missing); in 叶县 asset 4 (fine).
    checks = [(BAOFENG, 0, True), (BAOFENG, 2, False), (YEXIAN, 4, True)]
    rounds = {
        c: assets.check_round_create(user=users[c], year=year, county_code=c)
        for c in (BAOFENG, YEXIAN)
    }
    for county, index, exists in checks:
        assets.asset_check_record(
            user=users[county],
            round_id=rounds[county].pk,
            asset_id=made[index].pk,
            exists=exists,
            condition="good" if exists else "poor",
            in_use=exists,
            rights_ok=True,
        )
    d["checks"] = checks
    # Every asset is due this year (asset 3 was disposed of this year, so it is still due).
    d["assets"] = [c for c, _ in spec]
    # 联村共建: two groups in 宝丰 sharing a village, one in 叶县.
    groups = [
        (BAOFENG, BAOFENG_VILLAGE, [BAOFENG_VILLAGE_2]),
        (BAOFENG, BAOFENG_VILLAGE_2, [BAOFENG_VILLAGE]),
        (YEXIAN, YEXIAN_VILLAGE, [YEXIAN_VILLAGE_2]),
    ]
    for i, (county, lead, others) in enumerate(groups):
        assets.village_group_create(
            user=users[county],
            name=f"联村{i}",
            county_code=county,
            lead_village_code=lead,
            village_codes=others,
            industry="食用菌",
            year=year,
        )
    d["groups"] = groups
    d["homes"] = homes
    return d


def _expected(d: dict, county: str | None) -> dict:
    def mine(c: str) -> bool:
        return county is None or c == county

    incomes = [i for i in d["incomes"] if mine(i[0])]
    distributed = Decimal(0)
    households: set[tuple[str, int]] = set()
    for _, village, amount, how in incomes:
        if how is None:
            continue
        if how["rule"] == "equal":
            distributed += how.get("total", amount)
            households |= {(village, 0), (village, 1)}  # the village's two 脱贫户
        else:
            distributed += sum(a for _, a in how["shares"])
            households |= {(village, h) for h, _ in how["shares"]}
    due = sum(1 for c in d["assets"] if mine(c))
    checked = [ch for ch in d["checks"] if mine(ch[0])]
    groups = [g for g in d["groups"] if mine(g[0])]
    villages = {v for g in groups for v in [g[1], *g[2]]}
    return {
        "income": f"{sum(i[2] for i in incomes):.2f}",
        "distributed": f"{distributed:.2f}",
        "distributed_households": len(households),
        "disposals_open": sum(1 for c, s in d["disposals"] if mine(c) and s == "requested"),
        "disposals_approved": sum(1 for c, s in d["disposals"] if mine(c) and s == "approved"),
        "disposals_rejected": sum(1 for c, s in d["disposals"] if mine(c) and s == "rejected"),
        "check": {
            "year": d["year"],
            "assets": due,
            "checked": len(checked),
            "unchecked": due - len(checked),
            "coverage": round(len(checked) / due, 4),
            "missing": sum(1 for ch in checked if not ch[2]),
            "poor": sum(1 for ch in checked if not ch[2]),
            "idle": sum(1 for ch in checked if not ch[2]),
            "rights_unclear": 0,
        },
        "groups": len(groups),
        "group_villages": len(villages),
    }


@pytest.mark.parametrize("county", [BAOFENG, YEXIAN, None])
def test_every_asset_figure_of_the_panel_matches_the_data(data, api_as, county):
    client = api_as("city", CITY)
    panel = client.api("GET", "/programs/panel", {"region": county or CITY}).json()
    assert panel["asset_work"] == _expected(data, county)


def test_a_household_in_several_distributions_is_counted_once(data, api_as):
    # 宝丰's first 脱贫户 has an equal share and a listed share: one household, two links.
    panel = api_as("county", BAOFENG).api("GET", "/programs/panel").json()
    assert panel["asset_work"]["distributed_households"] == 2
    assert data["homes"][BAOFENG_VILLAGE][0].benefit_links.count() == 2


def test_the_panel_page_and_its_excel_show_the_asset_figures(data, make_user, client):
    client.force_login(make_user("county", BAOFENG, "reader"))
    expected = _expected(data, BAOFENG)
    page = client.get("/programs/").content.decode()
    assert "资产年度清查(覆盖率 50.00%)" in page
    book = load_workbook(io.BytesIO(client.get("/programs/?format=xlsx").content))
    rows = {(r[0], r[1]): r[2] for r in book.active.iter_rows(min_row=4, values_only=True)}
    assert rows[("资产收益", "已分配到户(元)")] == expected["distributed"]
    assert rows[("资产处置", "审核中的处置申请")] == expected["disposals_open"]
    assert rows[("年度清查", "清查覆盖率")] == "50.00%"
    assert rows[("联村共建", "联村共建组")] == expected["groups"]
