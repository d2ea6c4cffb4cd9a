"""CONTRACT §8: funds, projects, assets, entities, benefit links, workshops, talents; each
module loaded with a small data set and its figures checked against counts made here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from fangpin.policy.services import monitoring_line
from fangpin.registry.models import IncomeRecord
from tests.conftest import BAOFENG, BAOFENG_VILLAGE, CITY, YEXIAN, YEXIAN_VILLAGE
from tests.registry.helpers import make_household

pytestmark = pytest.mark.django_db

BAOFENG_VILLAGE_2 = "410421101202"


def _year() -> int:
    return timezone.localdate().year


ALLOCATIONS = [
    # (year offset, level, county, purpose, amount)
    (0, "central", BAOFENG, "industry", "600000.00"),
    (0, "provincial", BAOFENG, "infrastructure", "250000.50"),
    (0, "city", BAOFENG, "industry", "100000.00"),
    (0, "county", BAOFENG, "employment", "49999.50"),
    (0, "central", YEXIAN, "industry", "700000.00"),
    (-1, "central", BAOFENG, "industry", "900000.00"),
    (-1, "county", YEXIAN, "other", "100000.00"),
]


@pytest.fixture
def city(api_as):
    return api_as("city", CITY)


@pytest.fixture
def baofeng(api_as):
    return api_as("county", BAOFENG)


def _load_funds(client) -> None:
    for offset, level, county, purpose, amount in ALLOCATIONS:
        response = client.api(
            "POST",
            "/fund-allocations",
            {
                "year": _year() + offset,
                "level": level,
                "county_code": county,
                "purpose": purpose,
                "amount": amount,
            },
        )
        assert response.status_code == 201, response.json()


def _expected(county_prefix: str, year: int) -> dict:
    rows = [a for a in ALLOCATIONS if a[2].startswith(county_prefix)]
    this = [a for a in rows if _year() + a[0] == year]
    last = [a for a in rows if _year() + a[0] == year - 1]
    total = sum(Decimal(a[4]) for a in this)
    previous = sum(Decimal(a[4]) for a in last)
    levels = {
        lv: sum((Decimal(a[4]) for a in this if a[1] == lv), Decimal(0))
        for lv in ("central", "provincial", "city", "county")
    }
    industry = sum(Decimal(a[4]) for a in this if a[3] == "industry")
    return {
        "total": f"{total:.2f}",
        "by_level": {k: f"{v:.2f}" for k, v in levels.items()},
        "previous_year_total": f"{previous:.2f}",
        "industry_share": round(float(industry / total), 4),
        "change_rate": round(float((total - previous) / previous), 4),
    }


def test_funds_summary_adds_up_the_allocations_by_level_with_share_and_change(city, baofeng):
    _load_funds(city)
    for client, region in ((city, CITY), (city, BAOFENG), (baofeng, BAOFENG)):
        got = client.api("GET", "/funds/summary", {"region": region, "year": _year()}).json()
        want = _expected("4104" if region == CITY else region, _year())
        for key, value in want.items():
            assert got[key] == value, (region, key)


def test_a_county_records_funds_only_for_itself(baofeng, api_as):
    body = {"year": _year(), "level": "central", "purpose": "industry", "amount": 1}
    assert (
        baofeng.api("POST", "/fund-allocations", {**body, "county_code": BAOFENG}).status_code
        == 201
    )
    foreign = baofeng.api("POST", "/fund-allocations", {**body, "county_code": YEXIAN})
    assert foreign.status_code == 404 and foreign.json()["code"] == "program_region_not_found"
    village = api_as("village", BAOFENG_VILLAGE)
    refused = village.api("POST", "/fund-allocations", {**body, "county_code": BAOFENG})
    assert refused.status_code == 403 and refused.json()["code"] == "programs_read_only"
    bad = baofeng.api("POST", "/fund-allocations", {**body, "county_code": BAOFENG, "level": "x"})
    assert bad.status_code == 400 and bad.json()["code"] == "program_invalid_choice"
    malformed = baofeng.api("POST", "/fund-allocations", {"year": "soon"})
    assert malformed.status_code == 422
    assert baofeng.api("GET", "/funds/summary", {"region": YEXIAN}).status_code == 404


def test_projects_list_by_year_and_flag_spending_behind_schedule(baofeng):
    fund = baofeng.api(
        "POST",
        "/fund-allocations",
        {
            "year": _year() - 1,
            "level": "central",
            "county_code": BAOFENG,
            "purpose": "industry",
            "amount": 500000,
        },
    ).json()
    made = []
    for name, year, status, spend in (
        ("香菇大棚", _year() - 1, "completed", 100000),  # last year's, a tenth spent: lagging
        ("冷库", _year() - 1, "completed", 200000),  # all spent
        ("道路", _year(), "planned", 0),  # not started: never lagging
    ):
        response = baofeng.api(
            "POST",
            "/projects",
            {
                "name": name,
                "type": "industry",
                "year": year,
                "village_code": BAOFENG_VILLAGE,
                "budget": 1000000 if name == "香菇大棚" else 200000,
                "fund_allocation_id": fund["id"],
                "status": status,
            },
        )
        assert response.status_code == 201
        made.append(response.json())
        if spend:
            baofeng.api("POST", f"/projects/{made[-1]['id']}/spendings", {"amount": spend})
    listed = baofeng.api("GET", "/projects", {"region": BAOFENG, "year": _year() - 1}).json()
    assert listed["count"] == 2
    by_name = {p["name"]: p for p in listed["items"]}
    assert by_name["香菇大棚"]["lagging"] is True
    assert by_name["香菇大棚"]["spending_progress"] == 0.1
    assert by_name["冷库"]["lagging"] is False and by_name["冷库"]["spent"] == "200000.00"
    this_year = baofeng.api("GET", "/projects", {"year": _year()}).json()
    assert [p["name"] for p in this_year["items"]] == ["道路"]


def test_assets_with_a_right_unassigned_are_flagged_and_filtered(baofeng):
    full = {
        "ownership": "村集体",
        "operation": "合作社",
        "management": "村委会",
        "income": "脱贫户",
        "supervision": "乡镇",
        "disposal": "县农业农村局",
    }
    for name, rights in (
        ("光伏电站", full),
        ("冷库", {**full, "disposal": ""}),
        ("扶贫车间厂房", {"ownership": "村集体"}),
    ):
        response = baofeng.api(
            "POST",
            "/assets",
            {
                "name": name,
                "class": "operating",
                "value": 100000,
                "village_code": BAOFENG_VILLAGE,
                "rights": rights,
            },
        )
        assert response.status_code == 201
    complete = baofeng.api("GET", "/assets", {"rights_complete": "true"}).json()
    assert [a["name"] for a in complete["items"]] == ["光伏电站"]
    incomplete = baofeng.api("GET", "/assets", {"rights_complete": "false"}).json()
    assert {a["name"] for a in incomplete["items"]} == {"冷库", "扶贫车间厂房"}
    cold = next(a for a in incomplete["items"] if a["name"] == "冷库")
    assert cold["missing_rights"] == ["disposal"] and cold["rights_complete"] is False


def test_workshops_count_workers_and_flag_fewer_than_five_alleviated(baofeng, make_user):
    clerk = make_user("village", BAOFENG_VILLAGE, "clerk")
    poor = [make_household(clerk, BAOFENG_VILLAGE, members=2, is_alleviated=True) for _ in range(6)]
    other = [make_household(clerk, BAOFENG_VILLAGE, members=1) for _ in range(3)]
    shops = {}
    for name in ("服装车间", "手工车间"):
        shops[name] = baofeng.api(
            "POST",
            "/workshops",
            {"name": name, "type": "factory", "village_code": BAOFENG_VILLAGE, "owner": "某公司"},
        ).json()
    start = (timezone.localdate() - dt.timedelta(days=60)).isoformat()

    def hire(shop: str, household) -> None:
        person = household.current_memberships().first().person_id
        body = {"person_id": person, "starts_on": start, "monthly_wage": 2000}
        answer = baofeng.api("POST", f"/workshops/{shops[shop]['id']}/workers", body)
        assert answer.status_code == 201, answer.json()

    for h in poor[:5]:
        hire("服装车间", h)
    hire("服装车间", other[0])
    for h in poor[5:] + other[1:]:
        hire("手工车间", h)
    listed = {w["name"]: w for w in baofeng.api("GET", "/workshops").json()["items"]}
    assert (listed["服装车间"]["workers"], listed["服装车间"]["alleviated_workers"]) == (6, 5)
    assert listed["服装车间"]["flag_few_alleviated"] is False
    assert (listed["手工车间"]["workers"], listed["手工车间"]["alleviated_workers"]) == (3, 1)
    assert listed["手工车间"]["flag_few_alleviated"] is True
    again = baofeng.api(
        "POST",
        f"/workshops/{shops['服装车间']['id']}/workers",
        {
            "person_id": poor[0].current_memberships().first().person_id,
            "starts_on": start,
            "monthly_wage": 1,
        },
    )
    assert again.status_code == 409


def test_talents_and_entities_are_listed_in_scope(baofeng, api_as):
    yexian = api_as("county", YEXIAN)
    for client, village in ((baofeng, BAOFENG_VILLAGE), (yexian, YEXIAN_VILLAGE)):
        assert (
            client.api(
                "POST",
                "/talents",
                {"name": "王磊", "origin_village_code": village, "skill": "电商", "returned": True},
            ).status_code
            == 201
        )
    baofeng.api(
        "POST", "/entities", {"name": "菌业公司", "type": "enterprise", "county_code": BAOFENG}
    )
    assert baofeng.api("GET", "/talents").json()["count"] == 1
    assert baofeng.api("GET", "/entities").json()["count"] == 1
    assert yexian.api("GET", "/entities").json()["count"] == 0


def test_income_links_land_in_the_income_record_of_the_year(baofeng, make_user):
    clerk = make_user("village", BAOFENG_VILLAGE, "clerk")
    home = make_household(clerk, BAOFENG_VILLAGE, members=2, is_alleviated=True)
    year = _year()
    typed = clerk_income(clerk, home.pk, year, wage=3000, property=100)
    entity = baofeng.api(
        "POST", "/entities", {"name": "合作社", "type": "cooperative", "county_code": BAOFENG}
    ).json()
    for kind, amount in (("dividend", 800), ("rent", 200), ("wage", 1000)):
        response = baofeng.api(
            "POST",
            "/benefit-links",
            {
                "household_id": home.pk,
                "entity_id": entity["id"],
                "kind": kind,
                "year": year,
                "amount": amount,
            },
        )
        assert response.status_code == 201
    record = IncomeRecord.objects.get(pk=typed.pk)
    assert record.linked_property == Decimal("1000.00")
    assert record.linked_wage == Decimal("1000.00")
    assert record.property == Decimal("1100.00") and record.wage == Decimal("4000.00")
    assert record.per_capita_net == Decimal("2550.00")
    # The record as the household page's API shows it names the linked parts.
    detail = baofeng.api("GET", f"/households/{home.pk}").json()["latest_income"]
    assert detail["linked_property"] == "1000.00" and detail["wage"] == "4000.00"
    # A new typed record of the year keeps the linked parts: nothing is typed twice.
    again = clerk_income(clerk, home.pk, year, wage=5000, property=0)
    assert again.wage == Decimal("6000.00") and again.property == Decimal("1000.00")
    # Another county's entity cannot pay this household.
    yexian_entity = make_user("county", YEXIAN, "yx")
    from fangpin.programs import services

    far = services.entity_create(user=yexian_entity, name="叶县", type="other", county_code=YEXIAN)
    refused = baofeng.api(
        "POST",
        "/benefit-links",
        {"household_id": home.pk, "entity_id": far.pk, "kind": "rent", "year": year, "amount": 1},
    )
    assert refused.status_code == 404 and refused.json()["code"] == "entity_not_found"


def clerk_income(clerk, household_id, year, **amounts):
    from fangpin.registry import services

    return services.income_record(user=clerk, household_id=household_id, year=year, **amounts)


def test_the_line_is_known_for_this_year():
    assert monitoring_line(_year()) is not None


def test_a_project_and_an_asset_link_only_to_their_own_county(baofeng, api_as):
    yexian = api_as("county", YEXIAN)
    far_fund = yexian.api(
        "POST",
        "/fund-allocations",
        {
            "year": _year(),
            "level": "county",
            "county_code": YEXIAN,
            "purpose": "other",
            "amount": 9,
        },
    ).json()
    body = {
        "name": "大棚",
        "type": "industry",
        "year": _year(),
        "village_code": BAOFENG_VILLAGE,
        "budget": 100,
    }
    refused = baofeng.api("POST", "/projects", {**body, "fund_allocation_id": far_fund["id"]})
    assert refused.status_code == 404 and refused.json()["code"] == "fund_allocation_not_found"
    project = baofeng.api("POST", "/projects", body).json()
    far_project = yexian.api("POST", "/projects", {**body, "village_code": YEXIAN_VILLAGE}).json()
    asset = {"name": "大棚", "class": "household", "value": 100, "village_code": BAOFENG_VILLAGE}
    made = baofeng.api("POST", "/assets", {**asset, "project_id": project["id"]})
    assert made.status_code == 201 and made.json()["project_id"] == project["id"]
    assert made.json()["rights_complete"] is False
    refused = baofeng.api("POST", "/assets", {**asset, "project_id": far_project["id"]})
    assert refused.status_code == 404 and refused.json()["code"] == "project_not_found"


def test_list_queries_do_not_grow_with_the_rows(baofeng, make_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fangpin.programs import services

    county = make_user("county", BAOFENG, "maker")

    def add(n: int) -> None:
        for i in range(n):
            services.workshop_create(
                user=county, name=f"车间{i}", type="home", village_code=BAOFENG_VILLAGE, owner="甲"
            )
            services.talent_create(
                user=county, name=f"人{i}", origin_village_code=BAOFENG_VILLAGE, skill="技"
            )
            services.asset_create(
                user=county,
                name=f"资产{i}",
                asset_class="household",
                value=1,
                village_code=BAOFENG_VILLAGE,
            )
            services.project_create(
                user=county,
                name=f"项目{i}",
                type="other",
                year=_year(),
                village_code=BAOFENG_VILLAGE,
                budget=1,
            )

    def counts() -> list[int]:
        out = []
        for path in ("/workshops", "/talents", "/assets", "/projects", "/fund-allocations"):
            with CaptureQueriesContext(connection) as queries:
                assert baofeng.api("GET", path).status_code == 200
            out.append(len(queries))
        return out

    add(1)
    few = counts()
    add(5)
    assert counts() == few


def test_a_worker_who_leaves_stops_counting_and_the_wage_follows(baofeng, make_user):
    import datetime as dt

    clerk = make_user("village", BAOFENG_VILLAGE, "clerk")
    home = make_household(clerk, BAOFENG_VILLAGE, members=1, is_alleviated=True)
    shop = baofeng.api(
        "POST",
        "/workshops",
        {"name": "车间", "type": "home", "village_code": BAOFENG_VILLAGE, "owner": "甲"},
    ).json()
    year = _year()
    hired = baofeng.api(
        "POST",
        f"/workshops/{shop['id']}/workers",
        {
            "person_id": home.current_memberships().first().person_id,
            "starts_on": f"{year}-01-01",
            "monthly_wage": 1000,
        },
    ).json()
    record = IncomeRecord.objects.get(household=home, year=year)
    assert record.linked_wage == Decimal("12000.00")
    ends = dt.date(year, 3, 31)
    left = baofeng.api(
        "POST",
        f"/workshops/{shop['id']}/workers/{hired['id']}/actions/end",
        {"ends_on": ends.isoformat()},
    )
    assert left.status_code == 200
    record.refresh_from_db()
    assert record.linked_wage == Decimal("3000.00") and record.wage == Decimal("3000.00")
    if ends < timezone.localdate():
        assert left.json()["workers"] == 0
    bad = baofeng.api(
        "POST",
        f"/workshops/{shop['id']}/workers/{hired['id']}/actions/end",
        {"ends_on": f"{year - 1}-12-31"},
    )
    assert bad.status_code == 400 and bad.json()["code"] == "worker_dates_out_of_order"
