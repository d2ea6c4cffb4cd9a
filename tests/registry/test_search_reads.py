"""Household search and list reads that stay fast at a million households (issue 15): the
ranking near a village, keyset pages (cursor), the capped count, and bounded query counts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from fangpin.accounts.models import User
from fangpin.core import keyset
from fangpin.regions.models import Region
from tests.conftest import BAOFENG, BAOFENG_TOWN, BAOFENG_VILLAGE, YEXIAN_VILLAGE, ApiClient
from tests.registry.helpers import make_household


def _village(prefix: str, *, besides: str = "") -> str:
    code: str = (
        Region.objects.filter(level="village", code__startswith=prefix)
        .exclude(code=besides)
        .order_by("code")
        .values_list("code", flat=True)
        .first()
    )
    return code


@pytest.fixture
def county_clerk(make_user: Callable[..., User]) -> User:
    return make_user("county", BAOFENG)


def _ids(body: dict[str, Any]) -> list[int]:
    return [item["id"] for item in body["items"]]


def test_a_common_name_lists_the_chosen_village_first_then_its_township_then_the_county(
    api_as: Callable[..., ApiClient], county_clerk: User
) -> None:
    same_town = _village(BAOFENG_TOWN, besides=BAOFENG_VILLAGE)
    other_town = _village("410421102")
    # Plain (village, 户编号) order would put the other village of the township first.
    far = make_household(county_clerk, other_town, members=1, head_name="王伟")
    near_town = make_household(county_clerk, same_town, members=1, head_name="王伟")
    own = [make_household(county_clerk, BAOFENG_VILLAGE, members=1, head_name="王伟") for _ in "ab"]
    make_household(county_clerk, BAOFENG_VILLAGE, members=1, head_name="李强")
    client = api_as("county", BAOFENG)

    ranked = client.api("GET", f"/households?q=王伟&near={BAOFENG_VILLAGE}").json()
    plain = client.api("GET", "/households?q=王伟").json()

    assert _ids(ranked) == [own[0].pk, own[1].pk, near_town.pk, far.pk]
    assert ranked["count"] == 4 and not ranked["count_capped"]
    by_code = sorted([far, near_town, *own], key=lambda h: (h.village_id, h.number))
    assert _ids(plain) == [h.pk for h in by_code]


def test_near_a_village_outside_the_region_changes_nothing_and_reveals_nothing(
    api_as: Callable[..., ApiClient], county_clerk: User, make_user: Callable[..., User]
) -> None:
    mine = make_household(county_clerk, BAOFENG_VILLAGE, members=1, head_name="王伟")
    make_household(make_user("county", "410422"), YEXIAN_VILLAGE, members=1, head_name="王伟")
    client = api_as("county", BAOFENG)

    body = client.api("GET", f"/households?q=王伟&near={YEXIAN_VILLAGE}").json()

    assert _ids(body) == [mine.pk] and body["count"] == 1


def test_ranked_search_pages_by_cursor_without_repeating_or_skipping(
    api_as: Callable[..., ApiClient], county_clerk: User
) -> None:
    other_town = _village("410421102")
    made = [
        make_household(county_clerk, village, members=1, head_name="王伟")
        for village in [other_town] * 12 + [BAOFENG_VILLAGE] * 13
    ]
    client = api_as("county", BAOFENG)

    first = client.api("GET", f"/households?q=王伟&near={BAOFENG_VILLAGE}").json()
    second = client.api(
        "GET", f"/households?q=王伟&near={BAOFENG_VILLAGE}&cursor={first['next_cursor']}"
    ).json()

    seen = _ids(first) + _ids(second)
    assert sorted(seen) == sorted(h.pk for h in made) and len(seen) == 25
    assert {h.pk for h in made[12:]} == set(seen[:13])  # the chosen village's 13 first
    assert second["next_cursor"] is None


def test_cursor_pages_neither_repeat_nor_skip_while_households_are_added(
    api_as: Callable[..., ApiClient], county_clerk: User
) -> None:
    before = [make_household(county_clerk, BAOFENG_VILLAGE, members=1) for _ in range(45)]
    client = api_as("village", BAOFENG_VILLAGE)

    seen: list[int] = []
    cursor = ""
    pages = 0
    while True:
        body = client.api("GET", f"/households?cursor={cursor}").json()
        seen += _ids(body)
        pages += 1
        # Someone registers a household between two page views.
        make_household(county_clerk, BAOFENG_VILLAGE, members=1)
        if body["next_cursor"] is None:
            break
        cursor = body["next_cursor"]

    assert len(seen) == len(set(seen)), "a household was listed twice"
    assert {h.pk for h in before} <= set(seen), "a household was skipped"
    assert pages >= 3


def test_a_damaged_cursor_is_a_bad_value_not_a_server_error(
    api_as: Callable[..., ApiClient], county_clerk: User
) -> None:
    make_household(county_clerk, BAOFENG_VILLAGE, members=1)
    client = api_as("county", BAOFENG)
    for cursor in ("garbage", keyset.encode(["x"]), keyset.encode([1, 2, 3])):
        response = client.api("GET", f"/households?cursor={cursor}")
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_cursor"


def test_a_cursor_from_another_region_shows_only_the_users_own_households(
    api_as: Callable[..., ApiClient], county_clerk: User, make_user: Callable[..., User]
) -> None:
    yexian = make_user("county", "410422")
    for _ in range(21):
        make_household(yexian, YEXIAN_VILLAGE, members=1)
    mine = make_household(county_clerk, BAOFENG_VILLAGE, members=1)
    foreign_cursor = api_as("county", "410422").api("GET", "/households").json()["next_cursor"]

    body = api_as("county", BAOFENG).api("GET", f"/households?cursor={foreign_cursor}").json()

    assert set(_ids(body)) <= {mine.pk}


def test_the_count_stops_at_the_cap_and_says_so(
    api_as: Callable[..., ApiClient], county_clerk: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(keyset, "COUNT_CAP", 5)
    made = [make_household(county_clerk, BAOFENG_VILLAGE, members=1) for _ in range(7)]
    client = api_as("county", BAOFENG)

    many = client.api("GET", "/households").json()
    few = client.api("GET", f"/households?q={made[3].number}").json()

    assert (many["count"], many["count_capped"], len(many["items"])) == (5, True, 7)
    assert (few["count"], few["count_capped"], _ids(few)) == (1, False, [made[3].pk])


def test_the_contract_page_parameter_still_pages(
    api_as: Callable[..., ApiClient], county_clerk: User
) -> None:
    made = [make_household(county_clerk, BAOFENG_VILLAGE, members=1) for _ in range(23)]
    client = api_as("county", BAOFENG)

    second = client.api("GET", "/households?page=2").json()

    assert _ids(second) == [h.pk for h in made[20:]]
    assert second["count"] == 23 and second["next_cursor"] is None


def test_household_detail_reads_a_fixed_number_of_queries_whatever_the_members(
    api_as: Callable[..., ApiClient],
    county_clerk: User,
    django_assert_max_num_queries: Any,
    django_assert_num_queries: Any,
) -> None:
    small = make_household(county_clerk, BAOFENG_VILLAGE, members=1)
    large = make_household(county_clerk, BAOFENG_VILLAGE, members=8)
    client = api_as("county", BAOFENG)
    client.api("GET", f"/households/{small.pk}")  # warm the token and caches

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.api("GET", f"/households/{small.pk}").status_code == 200
    with django_assert_num_queries(len(one)), django_assert_max_num_queries(12):
        body = client.api("GET", f"/households/{large.pk}").json()
    assert len(body["members"]) == 8


def test_a_capped_member_name_search_still_finds_the_users_own_village(
    api_as: Callable[..., ApiClient],
    county_clerk: User,
    make_user: Callable[..., User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from fangpin.registry import selectors
    from tests.registry.helpers import member

    monkeypatch.setattr(selectors, "MEMBER_NAME_HIT_LIMIT", 1)
    yexian = make_user("county", "410422")
    make_household(yexian, YEXIAN_VILLAGE, members=1)  # created first: the lower ids
    from fangpin.registry import services

    for user, village in ((yexian, YEXIAN_VILLAGE), (county_clerk, BAOFENG_VILLAGE)):
        services.household_create(
            user=user,
            village_code=village,
            is_alleviated=False,
            members=[member("户主", name="赵强"), member("之子", name="刘小伟")],
        )
    mine = api_as("village", BAOFENG_VILLAGE).api("GET", "/households?q=刘小伟").json()

    assert [item["village_code"] for item in mine["items"]] == [BAOFENG_VILLAGE]
