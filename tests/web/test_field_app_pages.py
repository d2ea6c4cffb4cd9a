"""The field app's pages (web/pwa.py): what makes the site installable and what it keeps."""

from __future__ import annotations

import json

import pytest

from tests.conftest import BAOFENG, BAOFENG_VILLAGE

pytestmark = pytest.mark.django_db


def test_the_manifest_names_the_app_and_its_icons(client):
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    body = json.loads(response.content)
    assert body["name"].startswith("防贫") and body["lang"] == "zh-CN"
    icons = {icon["sizes"]: icon["src"] for icon in body["icons"]}
    for size in ("192x192", "512x512"):
        assert client.get(icons[size]).status_code == 200


def test_the_service_worker_is_never_cached_and_keeps_pages_for_one_session(client, settings):
    response = client.get("/sw.js")
    assert response["Content-Type"].startswith("text/javascript")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    text = response.content.decode()
    assert f"const MAX_AGE_MS = {settings.SESSION_COOKIE_AGE * 1000};" in text
    assert "/static/web/outbox.js" in text and '"/offline/"' in text


def test_only_field_roles_get_the_app(client, make_user):
    client.force_login(make_user("village", BAOFENG_VILLAGE))
    page = client.get("/").content.decode()
    assert 'rel="manifest"' in page and "web/outbox.js" in page and 'id="outbox"' in page
    client.force_login(make_user("county", BAOFENG))
    page = client.get("/").content.decode()
    assert 'rel="manifest"' not in page and "outbox.js" not in page


def test_signing_out_clears_the_phone(client, make_user):
    client.force_login(make_user("village", BAOFENG_VILLAGE))
    response = client.post("/logout/")
    assert response["Clear-Site-Data"] == '"cache", "storage"'


def test_the_offline_page_shows_no_one(client, make_user):
    client.force_login(make_user("village", BAOFENG_VILLAGE, "wang-wu"))
    page = client.get("/offline/").content.decode()
    assert "当前没有网络" in page and "wang-wu" not in page
