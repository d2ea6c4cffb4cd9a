"""Census rounds and problems through the API (CONTRACT §7)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import BAOFENG, BAOFENG_TOWN, BAOFENG_VILLAGE
from tests.registry.helpers import make_household
from tests.villages.board.helpers import villages_of

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def _problem_body(**extra):
    body = {
        "village_code": BAOFENG_VILLAGE,
        "type": "water",
        "description": "自来水季节性断水",
        "responsible_unit": "县水利局",
        "deadline": (TODAY + dt.timedelta(days=20)).isoformat(),
    }
    body.update(extra)
    return body


def test_a_township_starts_a_round_that_its_villages_see(api_as):
    town = api_as("township", BAOFENG_TOWN)
    made = town.api(
        "POST",
        "/census-rounds",
        {
            "name": "第一轮围村普查",
            "region_code": BAOFENG_TOWN,
            "starts_on": "2026-03-01",
            "ends_on": "2026-03-31",
        },
    )
    assert made.status_code == 201, made.json()
    assert made.json()["region_code"] == BAOFENG_TOWN
    village = api_as("village", BAOFENG_VILLAGE)
    listed = village.api("GET", "/census-rounds").json()
    assert [r["name"] for r in listed["items"]] == ["第一轮围村普查"]
    assert listed["count"] == 1


def test_a_village_may_not_start_a_round_and_dates_must_be_in_order(api_as):
    body = {"name": "普查", "region_code": BAOFENG_VILLAGE, "starts_on": "2026-03-01"}
    refused = api_as("village", BAOFENG_VILLAGE).api(
        "POST", "/census-rounds", {**body, "ends_on": "2026-03-31"}
    )
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    backwards = api_as("county", BAOFENG).api(
        "POST", "/census-rounds", {**body, "ends_on": "2026-02-01"}
    )
    assert backwards.status_code == 400 and backwards.json()["code"] == "invalid_dates"


def test_a_problem_goes_open_rectified_closed_and_back(api_as, make_user):
    village = api_as("village", BAOFENG_VILLAGE)
    town = api_as("township", BAOFENG_TOWN)
    home = make_household(make_user("village", BAOFENG_VILLAGE, "clerk"), BAOFENG_VILLAGE)
    made = village.api("POST", "/problems", _problem_body(household_id=home.pk))
    assert made.status_code == 201, made.json()
    problem = made.json()
    assert problem["status"] == "open" and problem["household_id"] == home.pk
    path = f"/problems/{problem['id']}/actions"

    early = town.api("POST", f"{path}/verify", {})
    assert early.status_code == 409 and early.json()["code"] == "problem_not_rectified"
    no_measures = village.api("POST", f"{path}/rectify", {})
    assert no_measures.status_code == 400 and no_measures.json()["code"] == "measures_required"
    rectified = village.api("POST", f"{path}/rectify", {"measures": "接通备用水源"})
    assert rectified.status_code == 200 and rectified.json()["status"] == "rectified"
    assert rectified.json()["measures"] == "接通备用水源"

    not_yours = village.api("POST", f"{path}/verify", {})
    assert not_yours.status_code == 403 and not_yours.json()["code"] == "forbidden"
    closed = town.api("POST", f"{path}/verify", {})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert village.api("POST", f"{path}/rectify", {"measures": "再次"}).status_code == 409

    no_reason = town.api("POST", f"{path}/reopen", {})
    assert no_reason.status_code == 400 and no_reason.json()["code"] == "reason_required"
    reopened = town.api("POST", f"{path}/reopen", {"reason": "复查仍断水"})
    assert reopened.status_code == 200 and reopened.json()["status"] == "open"
    assert reopened.json()["reopen_reason"] == "复查仍断水"

    detail = village.api("GET", f"/problems/{problem['id']}").json()
    assert [h["status"] for h in detail["history"]] == ["open", "rectified", "closed", "open"]
    assert "复查仍断水" in detail["history"][-1]["reason"]
    assert all(h["actor"] for h in detail["history"])


def test_a_stale_version_is_refused(api_as):
    village = api_as("village", BAOFENG_VILLAGE)
    problem = village.api("POST", "/problems", _problem_body()).json()
    path = f"/problems/{problem['id']}/actions/rectify"
    stale = village.api("POST", path, {"measures": "修好", "version": problem["version"] + 1})
    assert stale.status_code == 409 and stale.json()["code"] == "problem_changed"


def test_another_villages_problem_answers_404(api_as):
    neighbour = villages_of(BAOFENG_TOWN)[1]
    assert neighbour != BAOFENG_VILLAGE
    mine = api_as("village", BAOFENG_VILLAGE)
    theirs = api_as("village", neighbour)
    problem = mine.api("POST", "/problems", _problem_body()).json()
    assert theirs.api("GET", f"/problems/{problem['id']}").status_code == 404
    rectify = theirs.api("POST", f"/problems/{problem['id']}/actions/rectify", {"measures": "x"})
    assert rectify.status_code == 404
    assert theirs.api("GET", "/problems").json()["count"] == 0
    outside = theirs.api("POST", "/problems", _problem_body())
    assert outside.status_code == 404


def test_the_list_filters_by_status_and_overdue(api_as):
    village = api_as("village", BAOFENG_VILLAGE)
    late = village.api(
        "POST", "/problems", _problem_body(deadline=(TODAY - dt.timedelta(days=1)).isoformat())
    ).json()
    fresh = village.api("POST", "/problems", _problem_body()).json()
    done = village.api("POST", "/problems", _problem_body()).json()
    village.api("POST", f"/problems/{done['id']}/actions/rectify", {"measures": "已修"})
    county = api_as("county", BAOFENG)

    def ids(**query):
        body = county.api("GET", "/problems", {"region": BAOFENG_TOWN, **query}).json()
        assert body["count"] == len(body["items"])
        return {p["id"] for p in body["items"]}

    assert ids() == {late["id"], fresh["id"], done["id"]}
    assert ids(overdue="true") == {late["id"]}
    assert ids(overdue="false") == {fresh["id"], done["id"]}
    assert ids(status="rectified") == {done["id"]}
    assert ids(status="open") == {late["id"], fresh["id"]}
    listed = county.api("GET", "/problems", {"overdue": "true"}).json()["items"]
    assert listed[0]["overdue"] is True
    bad = county.api("GET", "/problems", {"status": "nonsense"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_problem_status"


def test_a_problem_names_a_household_of_its_village_and_a_known_type(api_as, make_user):
    village = api_as("village", BAOFENG_VILLAGE)
    neighbour = villages_of(BAOFENG_TOWN)[1]
    elsewhere = make_household(make_user("village", neighbour, "n-clerk"), neighbour)
    town = api_as("township", BAOFENG_TOWN)
    wrong_home = town.api("POST", "/problems", _problem_body(household_id=elsewhere.pk))
    assert wrong_home.status_code == 400
    assert wrong_home.json()["code"] == "household_not_in_village"
    bad_type = village.api("POST", "/problems", _problem_body(type="ufo"))
    assert bad_type.status_code == 400 and bad_type.json()["code"] == "invalid_problem_type"
    not_village = town.api("POST", "/problems", _problem_body(village_code=BAOFENG_TOWN))
    assert not_village.status_code == 400 and not_village.json()["code"] == "not_a_village"


def test_a_round_of_another_township_cannot_hold_the_problem(api_as):
    county = api_as("county", BAOFENG)
    other_town = "410421102"
    census = county.api(
        "POST",
        "/census-rounds",
        {
            "name": "另一镇",
            "region_code": other_town,
            "starts_on": "2026-01-01",
            "ends_on": "2026-01-31",
        },
    ).json()
    refused = county.api("POST", "/problems", _problem_body(round_id=census["id"]))
    assert refused.status_code == 400
    assert refused.json()["code"] == "round_not_covering_village"


def test_evidence_passes_the_gate_and_downloads_as_an_attachment(api_as, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    village = api_as("village", BAOFENG_VILLAGE)
    problem = village.api("POST", "/problems", _problem_body()).json()
    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
        b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
        b"\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    path = f"/problems/{problem['id']}/photos"
    made = village.api(
        "POST", path, {"title": "断水现场", "file": SimpleUploadedFile("现场.png", png)}
    )
    assert made.status_code == 201, made.json()
    download = village.api("GET", made.json()["url"].removeprefix("/api/v1"))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == png
    detail = village.api("GET", f"/problems/{problem['id']}").json()
    assert [p["title"] for p in detail["photos"]] == ["断水现场"]

    script = SimpleUploadedFile("x.png", b"<html><script>alert(1)</script></html>")
    refused = village.api("POST", path, {"file": script})
    assert refused.status_code in (400, 415) and refused.json()["code"]
    viewer = api_as("viewer", BAOFENG)
    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4 x")
    assert viewer.api("POST", path, {"file": pdf}).status_code == 403
