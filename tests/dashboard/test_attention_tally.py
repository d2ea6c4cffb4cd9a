"""The city's and province's special-attention counts come from a tally at most an hour old;
a county's are counted on each view."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from fangpin.dashboard.models import AttentionTally
from tests.conftest import BAOFENG, BAOFENG_VILLAGE, CITY
from tests.monitoring import factories

pytestmark = pytest.mark.django_db
LEFT_BEHIND = 'data-figure="attention_left_behind_child">{}<'


def _board(user: Any) -> str:
    client = Client()
    client.force_login(user)
    page = client.get("/dashboard/")
    assert page.status_code == 200
    return str(page.content.decode())


def _record_left_behind_child(make_user: Any) -> None:
    hh = factories.household(BAOFENG_VILLAGE)
    village = Client()
    village.force_login(make_user("village", BAOFENG_VILLAGE))
    child = [m.person for m in hh.current_memberships().order_by("id")][2]
    posted = village.post(
        f"/households/{hh.pk}/attention/",
        {"person": child.pk, "group": "left_behind_child", "on": "1"},
    )
    assert posted.status_code == 302


def test_the_city_reads_its_tally_until_it_is_an_hour_old(make_user, monkeypatch) -> None:
    city = make_user("city", CITY)
    county = make_user("county", BAOFENG)
    _record_left_behind_child(make_user)
    first = _board(city)
    assert LEFT_BEHIND.format(1) in first and "统计于" in first
    assert (
        AttentionTally.objects.filter(region_id=CITY, group="left_behind_child").get().persons == 1
    )

    _record_left_behind_child(make_user)  # a second child
    # The county counts on each view; the city shows its tally, saying when it was counted.
    assert LEFT_BEHIND.format(2) in _board(county)
    assert LEFT_BEHIND.format(1) in _board(city)

    later = timezone.now() + dt.timedelta(minutes=61)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert LEFT_BEHIND.format(2) in _board(city)
    assert AttentionTally.objects.get(region_id=CITY, group="left_behind_child").persons == 2
