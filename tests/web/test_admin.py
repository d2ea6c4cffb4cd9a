"""The back office (/admin/) is for administrators (superusers) only: every role of the
application is refused on every page, however it signed in; a superuser sees every county.
(Signing in there goes through the login lockout: tests/security/test_logins.py.)"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from fangpin.accounts.models import User
from fangpin.registry.models import Household
from tests.conftest import BAOFENG, BAOFENG_TOWN, BAOFENG_VILLAGE, CITY, YEXIAN, YEXIAN_VILLAGE
from tests.registry.helpers import make_household

pytestmark = pytest.mark.django_db

MODELS = (
    "regions_region",
    "regions_grid",
    "accounts_user",
    "registry_household",
    "registry_person",
    "registry_membership",
    "registry_incomerecord",
    "registry_guarantee",
    "registry_archivedocument",
    "policy_monitoringline",
    "policy_parameter",
)


@pytest.fixture
def two_counties(make_user: Callable[..., User]) -> tuple[Household, Household]:
    baofeng = make_household(
        make_user("county", BAOFENG, "bf"), BAOFENG_VILLAGE, head_name="宝丰人"
    )
    yexian = make_household(make_user("county", YEXIAN, "yx"), YEXIAN_VILLAGE, head_name="叶县人")
    return baofeng, yexian


@pytest.fixture
def superuser_client(db: object) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("root", "", "Root-pass-2026"))
    return client


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
def test_every_role_is_refused_on_every_page_of_the_back_office(
    make_user: Callable[..., User],
    two_counties: tuple[Household, Household],
    role: str,
    region: str,
) -> None:
    baofeng, _ = two_counties
    client = Client()
    client.force_login(make_user(role, region))
    urls = [reverse("admin:index")]
    urls += [reverse(f"admin:{model}_changelist") for model in MODELS]
    urls.append(reverse("admin:registry_household_change", args=[baofeng.pk]))
    urls.append(reverse("admin:registry_household_history", args=[baofeng.pk]))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url
        assert "宝丰人" not in response.content.decode()


def test_a_cadre_cannot_change_a_household_in_the_back_office(
    make_user: Callable[..., User], two_counties: tuple[Household, Household]
) -> None:
    baofeng, _ = two_counties
    client = Client()
    client.force_login(make_user("county", BAOFENG))
    url = reverse("admin:registry_household_change", args=[baofeng.pk])

    response = client.post(url, {"address": "周庄村三组", "phone": "", "is_alleviated": ""})

    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    baofeng.refresh_from_db()
    assert baofeng.address != "周庄村三组"


def test_superuser_sees_every_county_and_may_add_users(
    superuser_client: Client, two_counties: tuple[Household, Household]
) -> None:
    listing = superuser_client.get(reverse("admin:registry_household_changelist"))
    add_user = superuser_client.get(reverse("admin:accounts_user_add"))

    assert "宝丰人" in listing.content.decode() and "叶县人" in listing.content.decode()
    assert add_user.status_code == 200 and 'name="region"' in add_user.content.decode()


def test_every_page_of_the_back_office_opens_for_a_superuser(
    superuser_client: Client, two_counties: tuple[Household, Household]
) -> None:
    baofeng, _ = two_counties
    assert superuser_client.get(reverse("admin:index")).status_code == 200
    for model in MODELS:
        assert superuser_client.get(reverse(f"admin:{model}_changelist")).status_code == 200
    history = reverse("admin:registry_household_history", args=[baofeng.pk])
    assert superuser_client.get(history).status_code == 200


def test_the_back_office_refuses_a_bad_phone_like_the_app(
    superuser_client: Client, two_counties: tuple[Household, Household]
) -> None:
    from django.contrib import admin as django_admin
    from django.core.exceptions import ValidationError
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = User.objects.get(username="root")
    for obj in (request.user, two_counties[0]):
        form = django_admin.site._registry[type(obj)].get_form(request, obj)
        field = form.base_fields["phone"]
        with pytest.raises(ValidationError, match="不是有效的电话号码"):
            field.clean("12345")
        assert field.clean("13812345678") == "13812345678"
