"""联村共建 groups: villages of one county around a lead village, with the projects and entities
they run; listed for anyone whose region holds a member village; counted per county."""

from __future__ import annotations

import pytest

from fangpin.programs import services as programs
from tests.conftest import BAOFENG, BAOFENG_VILLAGE, CITY, YEXIAN, YEXIAN_VILLAGE

pytestmark = pytest.mark.django_db

BAOFENG_VILLAGE_2 = "410421101202"


@pytest.fixture
def county(api_as):
    return api_as("county", BAOFENG)


def _group(client, **extra) -> object:
    body = {
        "name": "周庄食用菌联村共建",
        "county_code": BAOFENG,
        "lead_village_code": BAOFENG_VILLAGE,
        "village_codes": [BAOFENG_VILLAGE_2],
        "industry": "食用菌",
        "year": 2026,
        **extra,
    }
    return client.api("POST", "/village-groups", body)


def test_groups_are_listed_and_counted_per_county(county, api_as, make_user):
    project = programs.project_create(
        user=county.user,
        name="菌棚",
        type="industry",
        year=2026,
        village_code=BAOFENG_VILLAGE_2,
        budget=1000,
    )
    entity = programs.entity_create(
        user=county.user, name="菌业公司", type="enterprise", county_code=BAOFENG
    )
    first = _group(county, project_ids=[project.pk], entity_ids=[entity.pk])
    assert first.status_code == 201, first.json()
    assert first.json()["village_codes"] == [BAOFENG_VILLAGE, BAOFENG_VILLAGE_2]
    _group(county, name="第二组", village_codes=[BAOFENG_VILLAGE_2, BAOFENG_VILLAGE])
    yexian = api_as("county", YEXIAN)
    other = yexian.api(
        "POST",
        "/village-groups",
        {
            "name": "叶县组",
            "county_code": YEXIAN,
            "lead_village_code": YEXIAN_VILLAGE,
            "village_codes": ["410422101202"],
            "industry": "小麦",
            "year": 2026,
        },
    )
    assert other.status_code == 201, other.json()

    city = api_as("city", CITY)
    summary = city.api("GET", "/village-groups/summary").json()["items"]
    assert [
        (r["county_code"], r["groups"], r["villages"], r["projects"], r["entities"])
        for r in summary
    ] == [(BAOFENG, 2, 2, 1, 1), (YEXIAN, 1, 2, 0, 0)]
    assert county.api("GET", "/village-groups").json()["count"] == 2
    # A member village sees its groups; another county's village sees none of them.
    assert api_as("village", BAOFENG_VILLAGE_2).api("GET", "/village-groups").json()["count"] == 2
    assert api_as("village", YEXIAN_VILLAGE).api("GET", "/village-groups").json()["count"] == 1


def test_a_group_needs_two_villages_of_its_own_county(county):
    alone = _group(county, village_codes=[BAOFENG_VILLAGE])
    across = _group(county, village_codes=[YEXIAN_VILLAGE])
    assert alone.status_code == 400
    assert alone.json()["code"] == "village_group_too_few_villages"
    # 叶县 lies outside a 宝丰县 user's region: it answers as missing.
    assert across.status_code == 404


def test_a_city_user_may_not_join_villages_of_two_counties(api_as):
    city = api_as("city", CITY)
    across = _group(city, village_codes=[YEXIAN_VILLAGE])
    assert across.status_code == 400
    assert across.json()["code"] == "village_group_village_outside_county"


def test_only_county_and_city_form_groups(api_as):
    township = api_as("township", "410421101")
    assert _group(township).status_code == 403
