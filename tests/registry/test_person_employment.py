"""A member's employment (status, where, months) on the household record: set through the
API, kept with history, checked in Chinese, scoped like the household."""

from __future__ import annotations

import pytest
from django.utils import timezone

from fangpin.registry.models import Person
from tests.conftest import BAOFENG, BAOFENG_VILLAGE, YEXIAN
from tests.registry.helpers import make_household

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(make_user):
    return make_household(make_user("village", BAOFENG_VILLAGE, "clerk"), BAOFENG_VILLAGE)


def _path(home, person_id: int) -> str:
    return f"/households/{home.pk}/members/{person_id}/employment"


def _someone(home) -> int:
    return home.current_memberships().first().person_id


def test_employment_is_set_shown_on_the_household_and_kept_in_history(api_as, home):
    client = api_as("village", BAOFENG_VILLAGE)
    pid = _someone(home)
    body = {
        "employment_status": "务工",
        "work_place": "省外",
        "work_place_text": "浙江 宁波",
        "employment_months": 10,
    }
    response = client.api("PUT", _path(home, pid), body)
    assert response.status_code == 200, response.json()
    out = response.json()
    assert out["employment_status"] == "务工"
    assert out["work_place"] == "省外"
    assert out["work_place_text"] == "浙江 宁波"
    assert out["employment_months"] == 10
    assert out["employment_year"] == timezone.localdate().year

    detail = client.api("GET", f"/households/{home.pk}").json()
    shown = next(m for m in detail["members"] if m["person_id"] == pid)
    assert shown["employment_status"] == "务工"

    person = Person.objects.get(pk=pid)
    assert person.employment_recorded_on == timezone.localdate()
    latest = person.history.first()
    assert latest.employment_status == "务工"
    assert latest.history_change_reason == "就业情况"
    assert latest.history_user.username == client.user.username

    # The same values again change nothing: no new history row.
    rows = person.history.count()
    assert client.api("PUT", _path(home, pid), body).status_code == 200
    assert person.history.count() == rows

    # Becoming unemployed drops the place of work.
    gone = client.api("PUT", _path(home, pid), {"employment_status": "未就业"}).json()
    assert (gone["work_place"], gone["work_place_text"], gone["employment_months"]) == ("", "", 0)
    assert person.history.count() == rows + 1


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"employment_status": "打工"}, "就业状态“打工”不在可选值中"),
        ({"employment_status": "务工"}, "须填写就业地域"),
        ({"employment_status": "务工", "work_place": "国外"}, "就业地域“国外”"),
        (
            {"employment_status": "务工", "work_place": "县内", "employment_months": 13},
            "0 至 12",
        ),
    ],
)
def test_bad_employment_values_are_refused_in_chinese(api_as, home, body, words):
    client = api_as("village", BAOFENG_VILLAGE)
    response = client.api("PUT", _path(home, _someone(home)), body)
    assert response.status_code == 400
    assert words in response.json()["detail"]
    assert Person.objects.get(pk=_someone(home)).employment_status == ""


def test_employment_outside_the_region_or_of_a_non_member_is_refused(api_as, make_user, home):
    body = {"employment_status": "灵活就业", "work_place": "县内"}
    other = api_as("county", YEXIAN)
    assert other.api("PUT", _path(home, _someone(home)), body).status_code == 404
    viewer = api_as("viewer", BAOFENG)
    assert viewer.api("PUT", _path(home, _someone(home)), body).status_code == 403
    stranger = make_household(make_user("village", BAOFENG_VILLAGE, "c2"), BAOFENG_VILLAGE)
    client = api_as("county", BAOFENG)
    response = client.api("PUT", _path(home, _someone(stranger)), body)
    assert response.status_code == 400
    assert "不是该户的现有成员" in response.json()["detail"]
