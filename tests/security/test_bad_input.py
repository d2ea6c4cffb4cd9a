"""Bad input answers 400 (or 422), never 500, on every write route, the logins and the pages.

The write routes are read from the OpenAPI schema, so a new route is covered without editing
this file. The suite runs on SQLite and on PostgreSQL (CI runs both), where a NUL in text, a
string longer than its column or an integer beyond its column used to fail in the database.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from fangpin.registry.models import Household, IncomeRecord
from tests.conftest import BAOFENG_VILLAGE, PASSWORD
from tests.security.world import World, body_fields, client_for, write_operations

MEGABYTE = "x" * 1_048_576
BAD_VALUES: dict[str, Any] = {
    "nul": "王\x00五",
    "control": "王\x01五",
    "surrogate": "\ud800",
    "megabyte": MEGABYTE,
    "huge_float": 1e20,
    "huge_int": 10**30,
    "infinity": float("inf"),
}
# A form field is text: a number is not "huge" there, and no form can carry a lone surrogate.
FORM_VALUES = ("nul", "control", "megabyte")
OPERATIONS = sorted((method, path) for method, path, _ in write_operations())


def _json_body(fields: list[str], value: Any) -> str:
    # json.dumps writes a lone surrogate as the escape "\ud800" and inf as Infinity,
    # exactly what a hostile client would send.
    return json.dumps(dict.fromkeys(fields or ["x"], value))


def _assert_bad_input(response: Any) -> None:
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert body["code"] == "bad_input"
    assert body["detail"] and not body["detail"].isascii()


def test_the_schema_lists_the_write_routes_this_test_walks() -> None:
    paths = {path for _, path in OPERATIONS}
    assert "/api/v1/households" in paths and "/api/v1/auth/token" in paths
    assert "/api/v1/cases/{case_id}/actions/{action}" in paths
    assert len(OPERATIONS) >= 12


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_every_write_route_refuses_hostile_values_with_the_json_error(
    world: World, method: str, path: str
) -> None:
    operation = dict(((m, p), o) for m, p, o in write_operations())[(method, path)]
    kind, fields = body_fields(operation)
    url = world.fill(path)
    before = Household.objects.count(), IncomeRecord.objects.count()
    names = FORM_VALUES if kind == "multipart" else sorted(BAD_VALUES)
    for name in names:
        value = BAD_VALUES[name]
        for user in (world.acting_user(path), None):  # signed in, and before authentication
            client = client_for(user)
            if kind == "multipart":
                data: dict[str, Any] = dict.fromkeys(fields, value)
                data["file"] = SimpleUploadedFile("a.csv", b"id_number\n1\n")
                response = client.generic(
                    method, url, **_multipart(data), headers=client._headers()
                )
            else:
                response = client.generic(
                    method,
                    url,
                    _json_body(fields, value),
                    content_type="application/json",
                    headers=client._headers(),
                )
            _assert_bad_input(response)
    assert (Household.objects.count(), IncomeRecord.objects.count()) == before


def _multipart(data: dict[str, Any]) -> dict[str, Any]:
    from django.test.client import MULTIPART_CONTENT, encode_multipart

    boundary = "BoUnDaRy"
    return {
        "data": encode_multipart(boundary, data),
        "content_type": f"{MULTIPART_CONTENT.split(';')[0]}; boundary={boundary}",
    }


@pytest.mark.parametrize("name", ["nul", "control", "megabyte"])
def test_query_strings_with_hostile_values_are_refused_on_api_and_pages(
    world: World, name: str
) -> None:
    api = client_for(world.county)
    _assert_bad_input(
        api.get("/api/v1/households", {"q": BAD_VALUES[name]}, headers=api._headers())
    )
    _assert_bad_input(
        api.get("/api/v1/cases", {"region": BAD_VALUES[name]}, headers=api._headers())
    )
    web = Client()
    web.force_login(world.county)
    page = web.get("/households/", {"q": BAD_VALUES[name]})
    assert page.status_code == 400
    assert "请求有误" in page.content.decode()


def test_hostile_path_parameters_are_refused_not_looked_up(world: World) -> None:
    api = client_for(world.county)
    for path in ("/api/v1/households/99999999999999999999", "/api/v1/regions/%00"):
        _assert_bad_input(api.get(path, headers=api._headers()))
    assert Client().get("/households/99999999999999999999999/").status_code == 400


def test_a_deeply_nested_json_body_is_refused(world: World) -> None:
    api = client_for(world.village)
    body = "[" * 100_000 + "]" * 100_000
    response = api.post("/api/v1/cases", body, content_type="application/json")
    _assert_bad_input(response)


def test_a_body_that_is_not_json_still_answers_422(world: World) -> None:
    api = client_for(world.village)
    response = api.api("POST", "/cases", "{not json", content_type="application/json")
    assert response.status_code == 422 and response.json()["code"] == "invalid_body"


@pytest.mark.parametrize("name", ["nul", "control", "megabyte"])
@pytest.mark.parametrize("path", ["/login/", "/admin/login/"])
def test_the_login_pages_refuse_hostile_values_before_checking_the_password(
    world: World, path: str, name: str
) -> None:
    for field in ("username", "password"):
        data = {"username": world.village.username, "password": PASSWORD, field: BAD_VALUES[name]}
        response = Client().post(path, data)
        assert response.status_code == 400
        assert "请求有误" in response.content.decode()


def test_a_long_username_is_a_wrong_login_not_a_database_error(world: World) -> None:
    response = Client().post("/login/", {"username": "u" * 1_000, "password": "x"})
    assert response.status_code in {401, 200}
    assert "用户名或密码错误" in response.content.decode()
    api = client_for(None).api("POST", "/auth/token", {"username": "u" * 1_000, "password": "x"})
    assert api.status_code == 422


def test_a_hostile_bearer_token_is_refused(world: World) -> None:
    response = Client().get("/api/v1/households", headers={"Authorization": "Bearer a\x00b"})
    _assert_bad_input(response)


def test_a_cookie_nobody_could_have_set_is_ignored(world: World) -> None:
    web = Client()
    web.cookies["sessionid"] = "abcdefgh\x01"
    assert web.get("/login/").status_code == 200


@pytest.mark.parametrize(
    ("field", "value", "status", "code"),
    [
        ("wage", "1e15", 400, "invalid_amount"),
        ("wage", 1_000_000_001, 400, "invalid_amount"),
        ("transfer", "NaN", 422, "invalid_body"),
        ("year", 40_000, 422, "invalid_body"),
    ],
)
def test_an_amount_or_year_beyond_what_a_column_holds_is_refused(
    world: World, field: str, value: Any, status: int, code: str
) -> None:
    api = client_for(world.village)
    body = {"year": 2025, "wage": 1000, field: value}
    response = api.api("POST", f"/households/{world.household.pk}/incomes", body)
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert not IncomeRecord.objects.exists()


def test_texts_longer_than_their_columns_are_refused_naming_the_field(world: World) -> None:
    api = client_for(world.village)
    body = {
        "village_code": BAOFENG_VILLAGE,
        "is_alleviated": False,
        "address": "周庄村" * 100,
        "members": [{"name": "王五", "id_number": "410421195001010018", "relation": "户主"}],
    }
    response = api.api("POST", "/households", body)
    assert response.status_code == 422
    assert "address" in response.json()["detail"]
    plan = api.api("PUT", f"/cases/{world.case.pk}/plan", {"helper_phone": "1" * 30})
    assert plan.status_code == 422 and "helper_phone" in plan.json()["detail"]


def test_policy_values_beyond_their_columns_are_refused(world: World) -> None:
    api = client_for(world.city)
    assert api.api("PUT", "/policy/monitoring-lines/40000", {"yuan": 7000}).status_code == 422
    line = api.api("PUT", "/policy/monitoring-lines/2025", {"yuan": "1e12"})
    assert line.status_code == 400
    value = api.api("PUT", "/policy/parameters/notice_min_days", {"value": "1e12"})
    assert value.status_code == 400


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/nope"])
def test_an_unknown_api_route_answers_the_json_404_for_every_method(method: str, path: str) -> None:
    response = Client(enforce_csrf_checks=True).generic(method, path, "{}", "application/json")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found"


def test_page_forms_refuse_numbers_beyond_their_columns_next_to_the_field(world: World) -> None:
    web = Client()
    web.force_login(world.village)
    household, case = world.household, world.case
    income = web.post(
        f"/households/{household.pk}/incomes/", {"year": 2025, "wage": "1e20", "transfer": "1"}
    )
    assert income.status_code == 400 and not IncomeRecord.objects.exists()
    assert "1000000000" in income.content.decode().replace(",", "")
    days = web.post(
        f"/monitoring/cases/{case.pk}/actions/publicize/",
        {"starts_on": "2026-01-01", "days": 10**12},
    )
    assert days.status_code in {200, 400}
    report = web.post(
        "/monitoring/cases/report/",
        {"household": 10**30, "channel": "self_report", "category": "marginal", "risk_types": "01"},
    )
    assert report.status_code in {200, 400, 404}
    measure = web.post(
        f"/monitoring/cases/{case.pk}/measures/",
        {"type": "employment", "content": "x", "amount": "1e15", "starts_on": "2026-01-01"},
    )
    assert measure.status_code in {200, 302, 400}
    assert world.case.measures.filter(amount__gt=10**9).count() == 0
