"""The signed-in user's own page: who they are, and their name and phone to correct."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from fangpin.accounts.models import User
from tests.conftest import BAOFENG_VILLAGE

pytestmark = pytest.mark.django_db


@pytest.fixture
def cadre(make_user: Callable[..., User]) -> User:
    user = make_user("village", BAOFENG_VILLAGE, username="zhou-village")
    user.first_name, user.phone = "周文", "13812345678"
    user.save()
    return user


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_profile_shows_name_role_region_and_phone_and_links_the_password_page(
    cadre: User,
) -> None:
    client = signed_in(cadre)
    page = client.get("/profile/").content.decode()
    for words in ("周文", "村级", "周庄村", BAOFENG_VILLAGE, "13812345678", 'href="/password/"'):
        assert words in page
    assert 'href="/profile/"' in client.get("/").content.decode()  # reachable from every page


def test_the_user_changes_their_own_name_and_phone(cadre: User) -> None:
    client = signed_in(cadre)
    saved = client.post("/profile/", {"name": " 周  文华 ", "phone": "0375-6123456"})
    assert saved.status_code == 302 and saved["Location"] == "/profile/"
    cadre.refresh_from_db()
    assert (cadre.first_name, cadre.phone) == ("周 文华", "0375-6123456")
    assert cadre.role == "village" and cadre.region_id == BAOFENG_VILLAGE
    assert "个人资料已保存" in client.get("/profile/").content.decode()


def test_a_bad_phone_or_an_empty_name_is_refused_and_nothing_changes(cadre: User) -> None:
    client = signed_in(cadre)
    refused = client.post("/profile/", {"name": "周文华", "phone": "12345"})
    assert refused.status_code == 400
    assert "电话不是有效的电话号码" in refused.content.decode()
    empty = client.post("/profile/", {"name": "  ", "phone": ""})
    assert empty.status_code == 400
    cadre.refresh_from_db()
    assert (cadre.first_name, cadre.phone) == ("周文", "13812345678")


def test_the_profile_needs_a_signed_in_user(client: Client) -> None:
    response = client.get("/profile/")
    assert response.status_code == 302 and "/login/" in response["Location"]
