"""The yearly check (年度清查): one round per county and year, one row per asset (checking
again updates it), assets not checked in the year flagged, and the counts."""

from __future__ import annotations

import pytest
from django.utils import timezone

from fangpin.programs import services as programs
from fangpin.programs.models import Asset
from tests.conftest import BAOFENG, BAOFENG_VILLAGE, YEXIAN, YEXIAN_VILLAGE

pytestmark = pytest.mark.django_db


def _year() -> int:
    return timezone.localdate().year


@pytest.fixture
def county(api_as):
    return api_as("county", BAOFENG)


@pytest.fixture
def assets(county, make_user):
    made = [
        programs.asset_create(
            user=county.user,
            name=f"资产{i}",
            asset_class="public_welfare",
            value=1000 * (i + 1),
            village_code=BAOFENG_VILLAGE,
        )
        for i in range(4)
    ]
    # Disposed of two years ago: not due this year.
    Asset.objects.filter(pk=made[3].pk).update(
        disposed_on=timezone.localdate().replace(year=_year() - 2)
    )
    yexian = make_user("county", YEXIAN, "yexian-county")
    programs.asset_create(
        user=yexian, name="叶县资产", asset_class="operating", value=1, village_code=YEXIAN_VILLAGE
    )
    return made


def _round(client) -> dict:
    response = client.api("POST", "/asset-check-rounds", {"year": _year(), "county_code": BAOFENG})
    assert response.status_code == 201, response.json()
    return response.json()


FOUND = {"exists": True, "condition": "good", "in_use": True, "rights_ok": True}


def test_unchecked_assets_are_flagged_and_the_counts_add_up(county, assets, api_as):
    check_round = _round(county)
    assert check_round["figures"]["assets"] == 3
    assert sorted(check_round["unchecked_asset_ids"]) == sorted(a.pk for a in assets[:3])

    village = api_as("village", BAOFENG_VILLAGE)
    url = f"/asset-check-rounds/{check_round['id']}/assets"
    ok = village.api("PUT", f"{url}/{assets[0].pk}", FOUND)
    lost = village.api(
        "PUT",
        f"{url}/{assets[1].pk}",
        {
            "exists": False,
            "condition": "poor",
            "in_use": False,
            "rights_ok": False,
            "notes": "已损毁",
        },
    )
    assert ok.status_code == 200 and lost.status_code == 200

    detail = county.api("GET", f"/asset-check-rounds/{check_round['id']}").json()
    assert detail["unchecked_asset_ids"] == [assets[2].pk]
    assert detail["figures"] == {
        "year": _year(),
        "assets": 3,
        "checked": 2,
        "unchecked": 1,
        "coverage": 0.6667,
        "missing": 1,
        "poor": 1,
        "idle": 1,
        "rights_unclear": 1,
    }


def test_checking_an_asset_again_updates_its_row(county, assets):
    check_round = _round(county)
    url = f"/asset-check-rounds/{check_round['id']}/assets/{assets[0].pk}"
    first = county.api("PUT", url, FOUND).json()
    second = county.api("PUT", url, {**FOUND, "in_use": False}).json()
    same = county.api("PUT", url, {**FOUND, "in_use": False}).json()

    assert first["id"] == second["id"] == same["id"]
    detail = county.api("GET", f"/asset-check-rounds/{check_round['id']}").json()
    assert (detail["figures"]["checked"], detail["figures"]["idle"]) == (1, 1)


def test_one_round_per_county_and_year(county, assets):
    _round(county)
    again = county.api("POST", "/asset-check-rounds", {"year": _year(), "county_code": BAOFENG})
    assert again.status_code == 409
    assert again.json()["code"] == "asset_check_round_exists"


def test_a_village_may_not_open_a_round_and_sees_only_its_own_county(api_as, county, assets):
    check_round = _round(county)
    village = api_as("village", BAOFENG_VILLAGE)
    refused = village.api("POST", "/asset-check-rounds", {"year": _year(), "county_code": BAOFENG})
    assert refused.status_code == 403
    assert village.api("GET", "/asset-check-rounds").json()["count"] == 1
    other = api_as("village", YEXIAN_VILLAGE)
    assert other.api("GET", f"/asset-check-rounds/{check_round['id']}").status_code == 404
