from __future__ import annotations

from django.test import Client


def test_an_expired_form_explains_itself_in_chinese(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()
