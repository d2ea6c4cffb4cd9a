from __future__ import annotations

from tests.conftest import BAOFENG, BAOFENG_TOWN, BAOFENG_VILLAGE, CITY, YEXIAN, YEXIAN_VILLAGE


def test_city_user_reads_a_county_with_its_parent(api_as):
    client = api_as("city", CITY)
    response = client.api("GET", f"/regions/{BAOFENG}")
    assert response.status_code == 200
    assert response.json() == {"code": BAOFENG, "name": "宝丰县", "level": "county", "parent": CITY}


def test_city_code_may_be_given_short_or_padded(api_as):
    client = api_as("city", CITY)
    for code in ("4104", "410400", "410400000000"):
        body = client.api("GET", f"/regions/{code}").json()
        assert body["code"] == CITY and body["name"] == "平顶山市" and body["level"] == "city"


def test_children_of_the_city_are_its_ten_counties_and_two_zones(api_as):
    client = api_as("city", CITY)
    children = client.api("GET", f"/regions/{CITY}/children").json()
    names = {c["name"] for c in children}
    assert len(children) == 12
    assert {"宝丰县", "叶县", "鲁山县", "郏县", "舞钢市", "汝州市", "石龙区"} <= names
    assert all(c["level"] == "county" and c["parent"] == CITY for c in children)


def test_village_is_a_child_of_its_township(api_as):
    client = api_as("county", BAOFENG)
    children = client.api("GET", f"/regions/{BAOFENG_TOWN}/children").json()
    assert BAOFENG_VILLAGE in {c["code"] for c in children}
    assert {c["level"] for c in children} == {"village"}


def test_a_county_user_cannot_see_another_county_or_the_city(api_as):
    client = api_as("county", BAOFENG)
    for code in (YEXIAN, CITY, YEXIAN_VILLAGE):
        response = client.api("GET", f"/regions/{code}")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_unknown_region_answers_404(api_as):
    assert api_as("city", CITY).api("GET", "/regions/999999").status_code == 404


def test_regions_need_a_token(anonymous):
    response = anonymous.api("GET", f"/regions/{CITY}")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
