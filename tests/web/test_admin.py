"""The back office (/admin/) shows each user its own region only, read-only where the role
only reads, and never reveals a household of another county through its history pages."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from fangpin.accounts.models import User
from fangpin.core import idcard
from fangpin.registry import services
from fangpin.registry.models import Household
from tests.conftest import BAOFENG, BAOFENG_VILLAGE, CITY, YEXIAN, YEXIAN_VILLAGE
from tests.registry.helpers import make_household, member, new_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_as(make_user: Callable[..., User]) -> Callable[..., Client]:
    def make(role: str, region: str) -> Client:
        client = Client()
        client.force_login(make_user(role, region))
        return client

    return make


@pytest.fixture
def two_counties(make_user: Callable[..., User]) -> tuple[Household, Household]:
    baofeng = make_household(
        make_user("county", BAOFENG, "bf"), BAOFENG_VILLAGE, head_name="宝丰人"
    )
    yexian = make_household(make_user("county", YEXIAN, "yx"), YEXIAN_VILLAGE, head_name="叶县人")
    return baofeng, yexian


def test_admin_household_list_is_scoped_to_the_users_county(
    admin_as: Callable[..., Client], two_counties: tuple[Household, Household]
) -> None:
    html = admin_as("county", BAOFENG).get(reverse("admin:registry_household_changelist"))
    text = html.content.decode()
    assert html.status_code == 200
    assert "宝丰人" in text and "叶县人" not in text


def test_admin_person_and_user_lists_are_scoped(
    admin_as: Callable[..., Client], two_counties: tuple[Household, Household]
) -> None:
    client = admin_as("county", BAOFENG)

    persons = client.get(reverse("admin:registry_person_changelist")).content.decode()
    users = client.get(reverse("admin:accounts_user_changelist")).content.decode()

    assert "宝丰人" in persons and "叶县人" not in persons
    assert "bf" in users and ">yx<" not in users


def test_admin_change_page_and_history_of_another_county_are_not_found(
    admin_as: Callable[..., Client], two_counties: tuple[Household, Household]
) -> None:
    _, yexian = two_counties
    client = admin_as("county", BAOFENG)

    change = client.get(reverse("admin:registry_household_change", args=[yexian.pk]))
    history = client.get(reverse("admin:registry_household_history", args=[yexian.pk]))
    version = yexian.history.first()  # type: ignore[attr-defined]
    old = client.get(
        reverse("admin:registry_household_simple_history", args=[yexian.pk, version.history_id])
    )

    assert change.status_code == 302  # Django admin's "does not exist" redirect to the index
    assert history.status_code == 404
    assert old.status_code == 404
    assert "叶县人" not in history.content.decode() + old.content.decode()


def test_viewer_reads_the_admin_but_cannot_change_and_sees_masked_id_numbers(
    admin_as: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    clerk = make_user("county", BAOFENG, "bf")
    head_id = new_id()
    household = services.household_create(
        user=clerk,
        village_code=BAOFENG_VILLAGE,
        is_alleviated=False,
        members=[member("户主", name="赵守业", id_number=head_id)],
    )
    viewer = admin_as("viewer", BAOFENG)

    listing = viewer.get(reverse("admin:registry_person_changelist")).content.decode()
    page = viewer.get(reverse("admin:registry_household_change", args=[household.pk]))
    posted = viewer.post(
        reverse("admin:registry_household_change", args=[household.pk]), {"address": "改"}
    )

    assert idcard.mask(head_id) in listing and head_id not in listing
    assert page.status_code == 200 and 'name="address"' not in page.content.decode()
    assert posted.status_code == 403
    household.refresh_from_db()
    assert household.address == ""


def test_county_user_may_correct_a_household_address_in_the_admin(
    admin_as: Callable[..., Client], two_counties: tuple[Household, Household]
) -> None:
    baofeng, _ = two_counties
    client = admin_as("county", BAOFENG)
    url = reverse("admin:registry_household_change", args=[baofeng.pk])

    form = client.get(url).content.decode()
    response = client.post(url, {"address": "周庄村三组", "phone": "", "is_alleviated": ""})

    assert 'name="address"' in form
    assert response.status_code == 302
    baofeng.refresh_from_db()
    assert baofeng.address == "周庄村三组"
    assert baofeng.history.first().history_user.username == "county-410421"  # type: ignore[attr-defined]


def test_policy_is_read_by_all_and_edited_by_the_city_only(
    admin_as: Callable[..., Client],
) -> None:
    from fangpin.policy.models import MonitoringLine

    line = MonitoringLine.objects.get(year=2024)
    url = reverse("admin:policy_monitoringline_change", args=[line.pk])

    county = admin_as("county", BAOFENG)
    city = admin_as("city", CITY)

    assert county.get(url).status_code == 200
    assert county.post(url, {"year": 2024, "yuan": "9000"}).status_code == 403
    assert city.post(url, {"year": 2024, "yuan": "8400"}).status_code == 302
    line.refresh_from_db()
    assert line.yuan == 8400


def test_nobody_but_a_superuser_deletes_in_the_admin(
    admin_as: Callable[..., Client], two_counties: tuple[Household, Household]
) -> None:
    baofeng, _ = two_counties
    client = admin_as("county", BAOFENG)

    response = client.get(reverse("admin:registry_household_delete", args=[baofeng.pk]))

    assert response.status_code == 403
    assert Household.objects.filter(pk=baofeng.pk).exists()


def test_superuser_sees_every_county_and_may_add_users(
    two_counties: tuple[Household, Household],
) -> None:
    root = User.objects.create_superuser("root", "", "Root-pass-2026")
    client = Client()
    client.force_login(root)

    listing = client.get(reverse("admin:registry_household_changelist")).content.decode()
    add_user = client.get(reverse("admin:accounts_user_add"))

    assert "宝丰人" in listing and "叶县人" in listing
    assert add_user.status_code == 200 and 'name="region"' in add_user.content.decode()


def test_every_admin_page_of_the_back_office_opens_for_a_viewer(
    admin_as: Callable[..., Client], two_counties: tuple[Household, Household]
) -> None:
    client = admin_as("viewer", BAOFENG)
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    for model in (
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
    ):
        assert client.get(reverse(f"admin:{model}_changelist")).status_code == 200, model
