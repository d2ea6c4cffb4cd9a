"""Special-attention groups: derived from the record where it can tell, recorded otherwise;
shown on the household page, a filter of the household list, counted on the dashboard."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from fangpin.registry.models import Household, Person
from tests.conftest import BAOFENG, BAOFENG_VILLAGE
from tests.monitoring import factories

pytestmark = pytest.mark.django_db


def _web(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _members(hh: Household) -> list[Person]:
    return [m.person for m in hh.current_memberships().order_by("id")]


def test_groups_the_record_tells_are_shown_without_being_recorded(make_user) -> None:
    hh = factories.household(BAOFENG_VILLAGE)
    head, _, youngest = _members(hh)
    head.disability_grade = 1
    head.health = "残疾"
    head.save()
    youngest.birth_date = timezone.localdate() - dt.timedelta(days=365 * 9)
    youngest.health = "患大病"
    youngest.save()
    page = _web(make_user("village", BAOFENG_VILLAGE)).get(f"/households/{hh.pk}/")
    text = page.content.decode()
    assert 'data-attention="severe_disability">重度残疾人' in text
    assert 'data-attention="child_in_difficulty">困境儿童' in text
    assert "留守儿童</span>" not in text


def test_a_cadre_records_a_left_behind_child_and_lists_and_counts_find_it(make_user) -> None:
    village = make_user("village", BAOFENG_VILLAGE)
    hh = factories.household(BAOFENG_VILLAGE)
    other = factories.household(BAOFENG_VILLAGE)
    child = _members(hh)[2]
    web = _web(village)
    posted = web.post(
        f"/households/{hh.pk}/attention/",
        {"person": child.pk, "group": "left_behind_child", "on": "1"},
    )
    assert posted.status_code == 302
    page = web.get(f"/households/{hh.pk}/").content.decode()
    assert 'data-attention="left_behind_child">留守儿童' in page

    listed = web.get("/households/?attention=left_behind_child").content.decode()
    assert hh.number in listed
    assert other.number not in listed

    county = _web(make_user("county", BAOFENG))
    board = county.get("/dashboard/").content.decode()
    assert 'data-figure="attention_left_behind_child">1<' in board

    withdrawn = web.post(
        f"/households/{hh.pk}/attention/",
        {"person": child.pk, "group": "left_behind_child", "on": "0"},
    )
    assert withdrawn.status_code == 302
    assert hh.number not in web.get("/households/?attention=left_behind_child").content.decode()


def test_only_writers_record_and_only_for_current_members(make_user) -> None:
    hh = factories.household(BAOFENG_VILLAGE)
    stranger = _members(factories.household(BAOFENG_VILLAGE))[0]
    body = {"person": _members(hh)[0].pk, "group": "disabled_elderly", "on": "1"}
    viewer = _web(make_user("viewer", BAOFENG))
    assert viewer.post(f"/households/{hh.pk}/attention/", body).status_code == 403
    village = _web(make_user("village", BAOFENG_VILLAGE))
    refused = village.post(f"/households/{hh.pk}/attention/", {**body, "person": stranger.pk})
    assert refused.status_code == 400  # not a choice of this household's form
    assert village.post(f"/households/{hh.pk}/attention/", body).status_code == 302


def test_the_dashboard_counts_a_person_once_whether_derived_recorded_or_both() -> None:
    from fangpin.registry.attention import counts
    from fangpin.registry.models import AttentionFlag

    today = timezone.localdate()
    both, derived_only, recorded_only = (factories.household(BAOFENG_VILLAGE) for _ in range(3))
    # Derived (grade 1) and also recorded by a cadre: one person, counted once.
    head = _members(both)[0]
    head.disability_grade = 1
    head.save()
    AttentionFlag.objects.create(person=head, group="severe_disability")
    # Derived only: a child with a serious illness.
    child = _members(derived_only)[2]
    child.birth_date = today - dt.timedelta(days=365 * 9)
    child.health = "患大病"
    child.save()
    # Recorded only: a grade-3 disability the cadre judged severe, and a left-behind child.
    other = _members(recorded_only)[0]
    other.disability_grade = 3
    other.save()
    AttentionFlag.objects.create(person=other, group="severe_disability")
    AttentionFlag.objects.create(person=_members(recorded_only)[2], group="left_behind_child")

    found = {code: n for code, _, n in counts(BAOFENG_VILLAGE, today)}
    assert found == {
        "left_behind_child": 1,
        "child_in_difficulty": 1,
        "disabled_elderly": 0,
        "severe_disability": 2,
    }
    # Outside the village's county nothing is counted.
    assert all(n == 0 for _, _, n in counts("410422", today))
