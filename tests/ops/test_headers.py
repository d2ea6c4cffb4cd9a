"""What every answer carries: a strict Content-Security-Policy, no caching of personal data,
HSTS over HTTPS; and failures answered in JSON under /api/ and in Chinese pages elsewhere."""

from __future__ import annotations

import pytest
from django.test import Client

from fangpin.registry import selectors as registry_selectors
from tests.conftest import BAOFENG_VILLAGE, PASSWORD
from tests.registry.helpers import member


def _signed_in(make_user) -> Client:
    user = make_user("village", BAOFENG_VILLAGE)
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_pages_carry_a_self_only_content_security_policy_and_no_inline_code(make_user):
    client = _signed_in(make_user)
    for path in ("/", "/households/", "/dashboard/", "/screening/warnings/", "/profile/"):
        response = client.get(path)
        assert response.status_code == 200, path
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        html = response.content.decode()
        assert " onclick=" not in html and " onchange=" not in html, path
        assert " style=" not in html, path
        assert "<script>" not in html, path  # only <script src=...> and JSON data blocks


def test_signed_in_pages_and_api_answers_are_not_stored_by_any_cache(make_user, api_as):
    client = _signed_in(make_user)
    page = client.get("/households/")
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    api = api_as("county", "410421").api("GET", "/households")
    assert api.status_code == 200
    assert "no-store" in api["Cache-Control"]
    assert api["X-Content-Type-Options"] == "nosniff"
    assert api["Referrer-Policy"] == "same-origin"
    static = Client().get("/static/web/fangpin.css")
    assert "no-store" not in static.get("Cache-Control", "")


def test_hsts_is_sent_only_over_https(settings, make_user):
    settings.SECURE_HSTS_SECONDS = 31536000
    assert "Strict-Transport-Security" not in Client().get("/login/")
    secure = Client().get("/login/", secure=True)
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")


def test_an_oversized_api_body_answers_413_in_json(settings, api_as):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = api_as("village", BAOFENG_VILLAGE)
    body = {
        "village_code": BAOFENG_VILLAGE,
        "is_alleviated": True,
        "address": "x" * 5000,
        "members": [member("户主")],
    }
    response = client.api("POST", "/households", body)
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert "过大" in response.json()["detail"]


def test_an_oversized_form_answers_a_chinese_413_page(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = Client().post("/login/", {"username": "x" * 5000, "password": "y"})
    assert response.status_code == 413
    assert "提交的内容过大" in response.content.decode()


@pytest.fixture
def broken_household_list(monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(registry_selectors, "household_list", broken)


def test_an_unexpected_api_error_answers_500_in_json(api_as, broken_household_list):
    client = api_as("county", "410421")
    client.raise_request_exception = False
    response = client.api("GET", "/households")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": response.json()["detail"], "code": "server_error"}
    assert "系统内部错误" in response.json()["detail"]


def test_an_unexpected_page_error_answers_a_chinese_500_page(make_user, broken_household_list):
    client = _signed_in(make_user)
    client.raise_request_exception = False
    response = client.get("/households/")
    assert response.status_code == 500
    assert "系统出错了" in response.content.decode()
