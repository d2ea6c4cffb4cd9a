"""`/healthz` tells a load balancer whether this server can work, without a login."""

from __future__ import annotations

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_a_working_server_answers_ok_without_a_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "storage": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_unwritable_storage_answers_503_naming_it(client, settings, tmp_path):
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("")
    settings.MEDIA_ROOT = blocked / "media"  # cannot be created under a file
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "fail"
    assert response.json()["checks"]["storage"].startswith("fail")
    assert response.json()["checks"]["database"] == "ok"


def test_a_database_that_does_not_answer_answers_503(client, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("connection refused")

    from fangpin.web import health

    monkeypatch.setitem(health.CHECKS, "database", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "fail: OperationalError"
