from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fangpin.accounts.models import ApiToken, User
from tests.conftest import BAOFENG, BAOFENG_VILLAGE, CITY, PASSWORD

pytestmark = pytest.mark.django_db


def token_request(anonymous, username, password):
    return anonymous.api("POST", "/auth/token", {"username": username, "password": password})


def test_the_right_password_gets_a_token_that_opens_the_api(anonymous, make_user):
    make_user("county", BAOFENG, username="baofeng")
    response = token_request(anonymous, "baofeng", PASSWORD)
    assert response.status_code == 200
    token = response.json()["token"]
    assert ApiToken.objects.filter(digest=ApiToken.digest_of(token)).exists()
    me = anonymous.get("/api/v1/regions/410421", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200


def test_only_a_digest_of_the_token_is_stored(anonymous, make_user):
    make_user("county", BAOFENG, username="baofeng")
    token = token_request(anonymous, "baofeng", PASSWORD).json()["token"]
    assert not ApiToken.objects.filter(digest=token).exists()


def test_a_wrong_password_answers_401_with_a_code(anonymous, make_user):
    make_user("county", BAOFENG, username="baofeng")
    response = token_request(anonymous, "baofeng", "wrong")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"
    assert token_request(anonymous, "nobody", "x").status_code == 401


def test_five_failures_lock_the_account_even_for_the_right_password(anonymous, make_user):
    make_user("county", BAOFENG, username="baofeng")
    for _ in range(5):
        assert token_request(anonymous, "baofeng", "wrong").status_code == 401
    response = token_request(anonymous, "baofeng", PASSWORD)
    assert response.status_code == 429
    assert response.json()["code"] == "login_locked"
    assert "分钟后再试" in response.json()["detail"]


def test_a_success_before_the_limit_clears_the_failures(anonymous, make_user):
    make_user("county", BAOFENG, username="baofeng")
    for _ in range(4):
        token_request(anonymous, "baofeng", "wrong")
    assert token_request(anonymous, "baofeng", PASSWORD).status_code == 200
    for _ in range(4):
        token_request(anonymous, "baofeng", "wrong")
    assert token_request(anonymous, "baofeng", PASSWORD).status_code == 200


def test_a_bad_token_answers_401(anonymous):
    response = anonymous.get("/api/v1/regions/410400", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_a_malformed_token_request_answers_422(anonymous):
    response = anonymous.api("POST", "/auth/token", {"username": "x"})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_body"


def test_passwords_are_stored_with_a_strong_hash(make_user, settings):
    from fangpin import settings as production

    # The test suite hashes fast; check what the deployed settings do.
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    user = make_user("city", CITY)
    assert user.password.split("$")[0] in {"argon2", "pbkdf2_sha256", "scrypt", "bcrypt_sha256"}
    assert PASSWORD not in user.password


def test_create_user_binds_a_role_to_a_region(capsys):
    call_command(
        "create-user",
        "zhouzhuang",
        "--role",
        "village",
        "--region",
        BAOFENG_VILLAGE,
        "--password",
        PASSWORD,
    )
    user = User.objects.get(username="zhouzhuang")
    assert (user.role, user.region_id) == ("village", BAOFENG_VILLAGE)
    assert user.check_password(PASSWORD)
    assert "村级" in capsys.readouterr().out


def test_create_user_prints_a_generated_password(capsys):
    call_command("create-user", "county1", "--role", "county", "--region", BAOFENG)
    out = capsys.readouterr().out
    password = out.rsplit("密码 ", 1)[1].strip()
    assert User.objects.get(username="county1").check_password(password)


def test_create_user_with_an_unknown_region_exits_1(capsys):
    with pytest.raises(CommandError) as caught:
        call_command("create-user", "x", "--role", "county", "--region", "419999")
    assert caught.value.returncode == 1
    assert "不存在" in str(caught.value)
    assert not User.objects.filter(username="x").exists()


def test_create_user_with_a_region_of_the_wrong_level_exits_1():
    with pytest.raises(CommandError) as caught:
        call_command("create-user", "x", "--role", "village", "--region", BAOFENG)
    assert caught.value.returncode == 1
    assert not User.objects.filter(username="x").exists()


def test_create_user_with_an_unknown_role_exits_1_with_a_chinese_message():
    with pytest.raises(CommandError) as caught:
        call_command("create-user", "x", "--role", "mayor", "--region", BAOFENG)
    assert caught.value.returncode == 1
    assert "未知角色" in str(caught.value)
    assert not User.objects.filter(username="x").exists()


def test_a_body_that_is_not_json_answers_422_with_a_chinese_detail(anonymous):
    response = anonymous.post("/api/v1/auth/token", "{not json", content_type="application/json")
    assert response.status_code == 422
    assert response.json() == {"detail": "请求体不是合法的 JSON", "code": "invalid_body"}


def test_the_api_docs_page_loads_swagger_from_this_server_not_a_cdn(anonymous):
    page = anonymous.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn." not in page
    assert anonymous.get("/api/v1/openapi.json").status_code == 200


def test_an_unknown_api_path_answers_404_in_json(anonymous):
    response = anonymous.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "接口不存在" in response.json()["detail"]
