"""The home page's figures for the user's region, and the Chinese error pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from fangpin.accounts.models import User
from fangpin.registry import services
from tests.conftest import BAOFENG, BAOFENG_TOWN, BAOFENG_VILLAGE, CITY, PASSWORD, YEXIAN_VILLAGE
from tests.registry.helpers import make_household

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(make_user: Callable[..., User]) -> Callable[..., Client]:
    def make(role: str, region: str) -> Client:
        client = Client()
        client.force_login(make_user(role, region))
        return client

    return make


def _problem_guarantee(user: User, household_id: int) -> None:
    services.guarantees_set(
        user=user,
        household_id=household_id,
        food_ok=True,
        clothing_ok=True,
        education_ok=True,
        medical_ok=True,
        housing_grade="D",
        water_ok=True,
    )


def test_home_page_counts_the_users_region_and_lists_sub_regions_with_their_counts(
    browser: Callable[..., Client],
    make_user: Callable[..., User],
    django_assert_max_num_queries: Any,
) -> None:
    clerk = make_user("county", BAOFENG, "baofeng-clerk")
    poor = make_household(clerk, BAOFENG_VILLAGE, members=2, is_alleviated=True)
    make_household(clerk, BAOFENG_VILLAGE, members=3)
    services.income_record(user=clerk, household_id=poor.pk, year=2025, wage="4000")
    _problem_guarantee(clerk, poor.pk)
    yexian = make_household(make_user("county", "410422", "ye"), YEXIAN_VILLAGE, members=4)
    assert yexian.pk

    client = browser("township", BAOFENG_TOWN)
    client.get("/")
    with django_assert_max_num_queries(12):
        html = client.get("/").content.decode()

    def stat(label: str) -> str:
        return html.split(label, 1)[0].rsplit('<div class="n">', 1)[1].split("<", 1)[0]

    assert stat("农户(户)") == "2"
    assert stat("家庭人口(人)") == "5"
    assert stat("脱贫户(户)") == "1"
    assert stat("三保障及饮水有问题(户)") == "1"
    assert "2025年人均纯收入不高于监测线" in html
    assert stat("2025年人均纯收入不高于监测线") == "1"
    assert f"?region={BAOFENG_VILLAGE}" in html  # 周庄村 is listed under 周庄镇 with its counts
    row = html.split(f"?region={BAOFENG_VILLAGE}", 1)[1].split("</tr>", 1)[0]
    cells = [c.split("</a", 1)[0] for c in row.split("</td>")[1:4]]
    assert [c.rsplit(">", 1)[-1] for c in cells] == ["2", "5", "1"]


def test_a_later_income_above_the_line_takes_the_household_off_the_below_line_count(
    browser: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    clerk = make_user("county", BAOFENG, "baofeng-clerk")
    household = make_household(clerk, BAOFENG_VILLAGE, members=1)
    services.income_record(user=clerk, household_id=household.pk, year=2025, wage="3000")
    services.income_record(user=clerk, household_id=household.pk, year=2025, wage="30000")

    html = browser("village", BAOFENG_VILLAGE).get("/").content.decode()

    label = "2025年人均纯收入不高于监测线"
    assert html.split(label, 1)[0].rsplit('<div class="n">', 1)[1].startswith("0<")


def test_city_user_sees_the_counties_on_the_home_page(browser: Callable[..., Client]) -> None:
    html = browser("city", CITY).get("/").content.decode()
    assert "宝丰县" in html and "叶县" in html and f"?region={BAOFENG}" in html


def test_unknown_page_answers_a_chinese_404(browser: Callable[..., Client]) -> None:
    page = browser("village", BAOFENG_VILLAGE).get("/no-such-page/")
    assert page.status_code == 404
    assert "页面不存在" in page.content.decode()


def test_login_lockout_answers_429_with_a_chinese_message(
    make_user: Callable[..., User], client: Client, settings: Any
) -> None:
    user = make_user("village", BAOFENG_VILLAGE)
    for _ in range(settings.FANGPIN_LOGIN_MAX_FAILURES):
        client.post("/login/", {"username": user.username, "password": "wrong"})

    page = client.post("/login/", {"username": user.username, "password": PASSWORD})

    assert page.status_code == 429
    assert "登录失败次数过多" in page.content.decode()


def test_login_with_the_right_password_leads_to_the_home_page(
    make_user: Callable[..., User], client: Client
) -> None:
    user = make_user("village", BAOFENG_VILLAGE)
    page = client.post("/login/", {"username": user.username, "password": PASSWORD}, follow=True)
    assert page.status_code == 200
    assert "周庄村" in page.content.decode()


def test_a_service_refusal_on_a_page_shows_the_chinese_403_page(make_user):
    from django.test import Client

    client = Client()
    client.force_login(make_user("department", "410400"))
    response = client.get("/monitoring/cases/")
    assert response.status_code == 403
    assert "行业部门账号只能上传数据" in response.content.decode()
