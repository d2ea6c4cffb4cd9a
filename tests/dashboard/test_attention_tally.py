"""Special-attention counts above the township come from figures at most an hour old
(core.tally); a township's are counted on each view."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from fangpin.core.models import Tally
from tests.conftest import BAOFENG, BAOFENG_TOWN, BAOFENG_VILLAGE, CITY
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


def _kept(region: str) -> int:
    return int(Tally.objects.get(region_code=region, name="attention").figures["left_behind_child"])


def test_the_county_and_city_read_kept_counts_until_they_are_an_hour_old(
    make_user, monkeypatch
) -> None:
    city = make_user("city", CITY)
    county = make_user("county", BAOFENG)
    township = make_user("township", BAOFENG_TOWN)
    _record_left_behind_child(make_user)
    first = _board(city)
    assert LEFT_BEHIND.format(1) in first and "统计于" in first
    assert LEFT_BEHIND.format(1) in _board(county)
    assert _kept(CITY) == _kept(BAOFENG) == 1

    _record_left_behind_child(make_user)  # a second child
    # The township counts on each view; above it the kept counts, saying when they were made.
    township_board = _board(township)
    assert LEFT_BEHIND.format(2) in township_board and "统计于" not in township_board
    assert LEFT_BEHIND.format(1) in _board(county)
    assert LEFT_BEHIND.format(1) in _board(city)

    later = timezone.now() + dt.timedelta(minutes=61)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert LEFT_BEHIND.format(2) in _board(city)
    assert LEFT_BEHIND.format(2) in _board(county)
    assert _kept(CITY) == _kept(BAOFENG) == 2
