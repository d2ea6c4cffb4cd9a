"""Asset disposal: the village requests, the township and then the county approve (or reject);
an approved disposal marks the asset disposed, kept with its history; guards answer 409."""

from __future__ import annotations

import pytest
from django.utils import timezone

from fangpin.programs import services as programs
from fangpin.programs.disposal import STEPS
from fangpin.programs.models import Asset
from tests.conftest import BAOFENG, BAOFENG_TOWN, BAOFENG_VILLAGE

pytestmark = pytest.mark.django_db


@pytest.fixture
def asset(make_user):
    county = make_user("county", BAOFENG, "asset-maker")
    return programs.asset_create(
        user=county,
        name="旧冷库",
        asset_class="operating",
        value=50000,
        village_code=BAOFENG_VILLAGE,
    )


@pytest.fixture
def village(api_as):
    return api_as("village", BAOFENG_VILLAGE)


@pytest.fixture
def township(api_as):
    return api_as("township", BAOFENG_TOWN)


@pytest.fixture
def county(api_as):
    return api_as("county", BAOFENG)


SELL = {
    "kind": "sell",
    "reason": "设备老化,维修费用高于收益",
    "value": 12000,
    "recipient": "某公司",
}


def _request(client, asset, body=SELL):
    return client.api("POST", f"/assets/{asset.pk}/disposals", body)


def _act(client, disposal_id, action, **body):
    return client.api("POST", f"/asset-disposals/{disposal_id}/actions/{action}", body)


def test_an_approved_disposal_marks_the_asset_disposed_and_keeps_it(
    asset, village, township, county
):
    made = _request(village, asset)
    assert made.status_code == 201, made.json()
    disposal = made.json()
    assert disposal["state"] == "requested" and disposal["actions"] == []

    step = _act(township, disposal["id"], "approve_township", opinion="同意")
    assert step.status_code == 200 and step.json()["state"] == "township_approved"
    done = _act(county, disposal["id"], "approve_county")

    assert done.status_code == 200
    assert done.json()["state"] == "approved"
    assert done.json()["asset_disposed_on"] == str(timezone.localdate())
    kept = Asset.objects.get(pk=asset.pk)
    assert kept.disposed_on == timezone.localdate()
    assert kept.history.first().history_change_reason.startswith("出售处置")
    listed = county.api("GET", "/assets", {"region": BAOFENG}).json()
    assert listed["count"] == 1  # kept, never deleted


def test_a_rejection_needs_an_opinion_and_leaves_the_asset_in_service(asset, village, township):
    disposal = _request(village, asset).json()
    silent = _act(township, disposal["id"], "reject")
    rejected = _act(township, disposal["id"], "reject", opinion="资产仍在使用")

    assert silent.status_code == 400
    assert rejected.json()["state"] == "rejected"
    assert Asset.objects.get(pk=asset.pk).disposed_on is None
    # Rejected: a new request may be made.
    assert _request(village, asset).status_code == 201


def test_a_second_open_request_for_the_same_asset_is_refused(asset, village):
    _request(village, asset)
    second = _request(village, asset, {**SELL, "kind": "scrap", "recipient": ""})
    assert second.status_code == 409
    assert second.json()["code"] == "asset_disposal_already_open"


def test_a_disposed_asset_cannot_be_disposed_again(asset, village, township, county):
    first = _request(village, asset).json()
    _act(township, first["id"], "approve_township")
    _act(county, first["id"], "approve_county")

    again = _request(village, asset)
    assert again.status_code == 409
    assert again.json()["code"] == "asset_already_disposed"


def test_each_level_acts_only_at_its_step(asset, village, township, county):
    disposal = _request(village, asset).json()

    too_early = _act(county, disposal["id"], "approve_county")
    wrong_level = _act(county, disposal["id"], "approve_township")
    village_approves = _act(village, disposal["id"], "approve_township")
    county_rejects_first = _act(county, disposal["id"], "reject", opinion="不同意")

    assert too_early.status_code == 409
    assert too_early.json()["code"] == "asset_disposal_wrong_state"
    assert wrong_level.status_code == 403
    assert village_approves.status_code == 403
    assert county_rejects_first.status_code == 403  # the township decides first
    assert township.api("GET", "/asset-disposals").json()["items"][0]["actions"] == [
        "approve_township",
        "reject",
    ]


def test_only_the_village_requests_and_a_transfer_names_its_recipient(asset, village, county):
    assert _request(county, asset).status_code == 403
    nobody = _request(village, asset, {**SELL, "kind": "transfer", "recipient": ""})
    assert nobody.status_code == 400


def test_the_state_table_names_one_next_state_per_state_and_action():
    keys = [(s.source, s.action) for s in STEPS]
    assert len(keys) == len(set(keys))
