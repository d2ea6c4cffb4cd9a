"""Authentication that holds: one lockout for every way in (web login, API token, back
office), not outrun by simultaneous attempts, answered with Retry-After; the back office for
superusers only; tokens revoked on demand and by any password change; weak passwords refused
in Chinese."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from fangpin.accounts.models import ApiToken, LoginThrottle, User
from fangpin.accounts.services import password_change, token_issue, user_create
from tests.conftest import BAOFENG, BAOFENG_TOWN, BAOFENG_VILLAGE, CITY, PASSWORD
from tests.registry.helpers import make_household

from . import login_race
from .counting import PATH as COUNTING_BACKEND
from .counting import CountingBackend

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
LOCK_S = 15 * 60


def web_login(username: str, password: str, client: Client | None = None) -> Any:
    return (client or Client()).post("/login/", {"username": username, "password": password})


def api_login(username: str, password: str) -> Any:
    body = json.dumps({"username": username, "password": password})
    return Client().post("/api/v1/auth/token", body, content_type="application/json")


def admin_login(username: str, password: str, client: Client | None = None) -> Any:
    return (client or Client()).post(
        "/admin/login/?next=/admin/", {"username": username, "password": password}
    )


LOGINS: dict[str, Callable[[str, str], Any]] = {
    "web": web_login,
    "api": api_login,
    "admin": admin_login,
}


@pytest.fixture
def counting(settings: Any) -> type[CountingBackend]:
    settings.AUTHENTICATION_BACKENDS = [COUNTING_BACKEND]
    CountingBackend.reset()
    return CountingBackend


@pytest.fixture
def root(db: Any) -> User:
    return User.objects.create_superuser("root", "", PASSWORD)


def assert_locked(response: Any) -> None:
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= LOCK_S
    is_json = response["Content-Type"].startswith("application/json")
    text = response.json()["detail"] if is_json else response.content.decode()
    assert "分钟后再试" in text


# --- one lockout for every way in -----------------------------------------------------------


def test_failures_on_each_path_count_on_the_others_and_lock_every_path(root, counting):
    web_login("root", "wrong-1")
    web_login("root", "wrong-2")
    api_login("root", "wrong-3")
    api_login("root", "wrong-4")
    assert admin_login("root", "wrong-5").status_code == 200  # the form again, with an error
    assert counting.calls == 5

    for login in LOGINS.values():
        assert_locked(login("root", PASSWORD))
    api = api_login("root", PASSWORD)
    assert api.json()["code"] == "login_locked"
    assert counting.calls == 5  # locked attempts check no password


def test_thirty_wrong_guesses_at_the_back_office_are_stopped_after_five(root, counting):
    answers = [admin_login("root", f"guess-{i}").status_code for i in range(30)]
    assert answers[:5] == [200] * 5
    assert set(answers[5:]) == {429}
    assert counting.calls == 5


def test_a_locked_user_cannot_sign_in_at_the_back_office_and_use_the_session_elsewhere(
    make_user, counting
):
    make_user("county", BAOFENG, "bf")
    for _ in range(5):
        api_login("bf", "wrong")
    client = Client()
    assert_locked(admin_login("bf", PASSWORD, client))
    assert client.get("/").status_code == 302  # not signed in
    assert client.get("/api/v1/regions/410421").status_code == 401


def test_the_lock_ends_after_the_window_and_retry_after_says_when(make_user):
    make_user("county", BAOFENG, "bf")
    for _ in range(5):
        web_login("bf", "wrong")
    locked = web_login("bf", PASSWORD)
    assert LOCK_S - 5 <= int(locked["Retry-After"]) <= LOCK_S
    assert "登录失败次数过多" in locked.content.decode()

    LoginThrottle.objects.filter(username="bf").update(
        last_at=timezone.now() - dt.timedelta(minutes=14)
    )
    assert 0 < int(web_login("bf", PASSWORD)["Retry-After"]) <= 60
    LoginThrottle.objects.filter(username="bf").update(
        last_at=timezone.now() - dt.timedelta(minutes=16)
    )
    assert web_login("bf", PASSWORD).status_code == 302


def test_a_very_long_or_nul_username_is_refused_without_a_check(counting):
    # Refused at the edge as bad input (400), before any lockout claim or password check.
    assert api_login("x" * 100_000, "p").status_code == 400
    assert api_login("root\x00", "p").status_code == 400
    assert counting.calls == 0


# --- simultaneous attempts -----------------------------------------------------------------


def assert_race_held(outcome: dict[str, Any]) -> None:
    statuses = Counter(status for status, _ in outcome["answers"])
    assert outcome["checks"] == 5, outcome
    # A wrong password: 401 from the web login and the API, the form again from the admin.
    assert statuses[429] == login_race.ATTEMPTS - 5, outcome
    assert statuses[401] + statuses[200] == 5, outcome
    for status, retry_after in outcome["answers"]:
        assert (status == 429) == (retry_after is not None), outcome
        if retry_after is not None:
            assert 0 < int(retry_after) <= LOCK_S


def python(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """This interpreter in a child process, with the project on its path."""
    path = os.pathsep.join([str(ROOT / "src"), str(ROOT)])
    return subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        [sys.executable, *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": path, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_twenty_simultaneous_wrong_passwords_on_sqlite_check_only_five(tmp_path):
    done = python("-m", "tests.security.login_race", str(tmp_path))
    assert done.returncode == 0, done.stderr[-3000:]
    assert_race_held(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.fixture
def reference_data_restored(django_db_blocker: Any) -> Any:
    """A transactional test empties every table when it ends; put the division tree and the
    policy rows back for the tests after it."""
    yield
    from fangpin.policy.services import policy_seed
    from fangpin.regions.models import Region
    from fangpin.regions.services import regions_load

    with django_db_blocker.unblock():
        if not Region.objects.exists():
            regions_load(city="4104")
        policy_seed()


# SQLite's in-memory test database refuses a second connection's write at once ("table is
# locked") instead of waiting, so on SQLite the race runs on a real database file in a child
# process (above); here it runs on the test database itself.
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_wrong_passwords_on_postgresql_check_only_five(
    reference_data_restored, settings
):
    settings.AUTHENTICATION_BACKENDS = [COUNTING_BACKEND]
    User.objects.create_user(login_race.USERNAME, password=PASSWORD)
    assert_race_held(login_race.race())


# --- the back office is for administrators ---------------------------------------------------


@pytest.mark.parametrize(
    ("role", "region"),
    [
        ("village", BAOFENG_VILLAGE),
        ("township", BAOFENG_TOWN),
        ("county", BAOFENG),
        ("city", CITY),
        ("department", CITY),
        ("viewer", CITY),
    ],
)
def test_the_back_office_refuses_every_role_but_signs_in_nobody(make_user, role, region):
    user = make_user(role, region)
    assert not user.is_staff
    client = Client()
    response = admin_login(user.username, PASSWORD, client)
    assert response.status_code == 403
    assert "后台仅供系统管理员使用" in response.content.decode()
    assert client.get("/").status_code == 302  # the refused login left no session


def test_a_cadre_signed_in_to_the_app_cannot_open_or_change_anything_in_the_back_office(
    make_user,
):
    clerk = make_user("village", BAOFENG_VILLAGE)
    household = make_household(clerk, BAOFENG_VILLAGE)
    # Even a cadre made staff before this change (the migration takes the flag away).
    User.objects.filter(pk=clerk.pk).update(is_staff=True)
    client = Client()
    client.force_login(clerk)
    change = f"/admin/registry/household/{household.pk}/change/"

    assert client.get("/admin/").status_code == 302
    assert client.get(change)["Location"].startswith("/admin/login/")
    client.post(change, {"address": "改过", "phone": "", "is_alleviated": ""})
    household.refresh_from_db()
    assert household.address != "改过"
    assert "后台" not in client.get("/").content.decode()


def test_a_superuser_signs_in_to_the_back_office(root):
    client = Client()
    response = admin_login("root", PASSWORD, client)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert 'href="/admin/"' in client.get("/").content.decode()


def test_new_users_are_not_staff(make_user):
    assert not make_user("county", BAOFENG).is_staff
    assert not User.objects.filter(is_staff=True, is_superuser=False).exists()


# --- tokens ---------------------------------------------------------------------------------


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_delete_revokes_the_presented_token_only(make_user):
    make_user("county", BAOFENG, "bf")
    first = api_login("bf", PASSWORD).json()["token"]
    second = api_login("bf", PASSWORD).json()["token"]
    client = Client()

    assert client.delete("/api/v1/auth/token", headers=bearer(first)).status_code == 204
    gone = client.get("/api/v1/regions/410421", headers=bearer(first))
    assert gone.status_code == 401 and gone.json()["code"] == "unauthenticated"
    assert client.delete("/api/v1/auth/token", headers=bearer(first)).status_code == 401
    assert client.get("/api/v1/regions/410421", headers=bearer(second)).status_code == 200


def test_delete_without_a_token_answers_401_in_json(make_user):
    client = Client()
    client.force_login(make_user("county", BAOFENG))
    response = client.delete("/api/v1/auth/token")  # a session is not a token to revoke
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "code"}


def test_the_token_routes_and_their_answers_are_in_the_openapi_schema():
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    token = paths["/api/v1/auth/token"]
    assert set(token["delete"]["responses"]) >= {"204", "401"}
    assert set(token["post"]["responses"]) >= {"200", "401", "422", "429"}


def test_a_password_change_through_a_service_revokes_every_token(make_user):
    user = make_user("county", BAOFENG, "bf")
    tokens = [token_issue(user=user), token_issue(user=user)]
    user.set_password("Another-pass-2027")
    user.save()
    for token in tokens:
        assert Client().get("/api/v1/regions/410421", headers=bearer(token)).status_code == 401


def test_a_password_written_directly_still_revokes_tokens(make_user):
    user = make_user("county", BAOFENG, "bf")
    token = token_issue(user=user)
    User.objects.filter(pk=user.pk).update(password=make_password("Another-pass-2027"))
    assert Client().get("/api/v1/regions/410421", headers=bearer(token)).status_code == 401


def test_password_change_service_deletes_the_tokens_and_ends_other_sessions(make_user):
    user = make_user("county", BAOFENG, "bf")
    token_issue(user=user)
    elsewhere = Client()
    elsewhere.force_login(user)
    password_change(user=user, password="Another-pass-2027")
    assert not ApiToken.objects.filter(user=user).exists()
    assert elsewhere.get("/").status_code == 302


# --- the password page ----------------------------------------------------------------------


def change_password(client: Client, old: str, new: str, again: str | None = None) -> Any:
    return client.post(
        "/password/",
        {"old_password": old, "new_password": new, "new_password_again": again or new},
    )


def test_every_user_changes_the_password_in_the_app_and_loses_other_logins(make_user):
    user = make_user("village", BAOFENG_VILLAGE, "cun")
    token = token_issue(user=user)
    here, elsewhere = Client(), Client()
    web_login("cun", PASSWORD, here)
    web_login("cun", PASSWORD, elsewhere)
    page = here.get("/password/")
    assert page.status_code == 200 and "修改密码" in page.content.decode()
    assert 'href="/password/"' in here.get("/").content.decode()

    response = change_password(here, PASSWORD, "Zhouzhuang-new-2027")

    assert response.status_code == 302
    assert "密码已修改" in here.get("/").content.decode()  # this session stays
    assert elsewhere.get("/").status_code == 302  # the other one ended
    assert Client().get("/api/v1/regions/410421", headers=bearer(token)).status_code == 401
    assert web_login("cun", "Zhouzhuang-new-2027").status_code == 302


def test_the_password_page_refuses_weak_or_mismatched_passwords_in_chinese(make_user):
    make_user("village", BAOFENG_VILLAGE, "zhouzhuangcun")
    client = Client()
    web_login("zhouzhuangcun", PASSWORD, client)

    short = change_password(client, PASSWORD, "11111111").content.decode()
    similar = change_password(client, PASSWORD, "zhouzhuangcun1").content.decode()
    mismatch = change_password(client, PASSWORD, "Good-pass-2027", "Good-pass-2028")

    assert "密码太短,至少需要 10 个字符" in short
    assert "这个密码太常见了" in short and "密码只包含数字" in short
    assert "太相似" in similar
    assert "两次输入的新密码不一致" in mismatch.content.decode()
    assert mismatch.status_code == 400
    assert User.objects.get(username="zhouzhuangcun").check_password(PASSWORD)


def test_a_wrong_current_password_on_the_page_counts_towards_the_lockout(make_user):
    make_user("village", BAOFENG_VILLAGE, "cun")
    client = Client()
    web_login("cun", PASSWORD, client)
    first = change_password(client, "guess-0", "Good-pass-2027")
    answers = [
        change_password(client, f"guess-{i}", "Good-pass-2027").status_code for i in range(1, 6)
    ]
    assert first.status_code == 400 and "当前密码不正确" in first.content.decode()
    assert answers == [400] * 4 + [429]
    assert_locked(web_login("cun", PASSWORD))
    assert User.objects.get(username="cun").check_password(PASSWORD)


# --- passwords --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("11111111", "密码太短"),
        ("1234567890123", "密码只包含数字"),
        ("password123", "这个密码太常见了"),
        ("zhouzhuang-1", "太相似"),
    ],
)
def test_create_user_refuses_a_weak_password_with_the_reason_in_chinese(password, reason):
    with pytest.raises(CommandError) as caught:
        call_command(
            "create-user",
            "zhouzhuang",
            "--role",
            "county",
            "--region",
            BAOFENG,
            "--password",
            password,
        )
    assert caught.value.returncode == 1
    assert reason in str(caught.value)
    assert not User.objects.filter(username="zhouzhuang").exists()


def test_the_demo_and_test_passwords_pass_the_validators():
    for name, password in (("city", "fangpin2026"), ("county-410421", PASSWORD)):
        user, _ = user_create(username=name, role="city", region_code=CITY, password=password)
        assert user.check_password(password)


def test_generated_passwords_pass_the_validators():
    from fangpin.accounts.services import password_problems

    for i in range(20):
        user, password = user_create(username=f"gen{i}", role="city", region_code=CITY)
        assert password_problems(password, user=user) == []


# --- sessions and cookies -------------------------------------------------------------------


def test_web_sessions_end_with_the_browser_and_after_inactivity(make_user, settings):
    make_user("county", BAOFENG, "bf")
    client = Client()
    response = web_login("bf", PASSWORD, client)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # ends with the browser
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600
    assert client.get("/").status_code == 200

    session = client.session
    session["fangpin_seen"] -= settings.FANGPIN_SESSION_IDLE_MINUTES * 60 + 1
    session.save()
    assert client.get("/").status_code == 302


def test_a_session_ends_after_its_hours_even_when_active(make_user, settings):
    make_user("county", BAOFENG, "bf")
    client = Client()
    web_login("bf", PASSWORD, client)
    client.get("/")
    session = client.session
    session["fangpin_started"] -= settings.SESSION_COOKIE_AGE + 1
    session.save()
    assert client.get("/").status_code == 302


def test_cookies_are_secure_when_served_over_https():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER)"
    )
    settings_module = {"DJANGO_SETTINGS_MODULE": "fangpin.settings"}
    plain = python("-c", code, **settings_module)
    https = python("-c", code, FANGPIN_HTTPS="1", FANGPIN_BEHIND_PROXY="1", **settings_module)
    assert plain.stdout.split() == ["False", "False", "None"], plain.stderr
    assert https.stdout.split() == ["True", "True", "('HTTP_X_FORWARDED_PROTO',", "'https')"]
