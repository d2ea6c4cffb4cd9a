"""Case and warning lists page by cursor (issue 15): no case or warning is shown twice or
skipped while new ones arrive, a damaged cursor is a 400, and the case page reads a fixed
number of queries however long its history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fangpin.screening.models import Warning
from tests.conftest import BAOFENG_VILLAGE

from . import factories
from .conftest import Cadres


def _page_through(client: Any, path: str, between: Any) -> list[int]:
    seen: list[int] = []
    cursor = ""
    while True:
        body = client.api("GET", f"{path}{'&' if '?' in path else '?'}cursor={cursor}").json()
        seen += [item["id"] for item in body["items"]]
        between()
        if body["next_cursor"] is None:
            return seen
        cursor = body["next_cursor"]


def test_case_list_pages_by_cursor_without_repeating_or_skipping_while_cases_arrive(
    cadres: Cadres,
) -> None:
    before = []
    for day in range(-12, -12 + 23):
        created = cadres.report(
            factories.household(BAOFENG_VILLAGE), reported_on=cadres.day(min(day, 0))
        )
        assert created.status_code == 201, created.json()
        before.append(created.json()["id"])

    def another_case() -> None:
        cadres.report(factories.household(BAOFENG_VILLAGE), reported_on=cadres.day(-5))

    seen = _page_through(cadres.county, "/cases?state=reported", another_case)

    assert len(seen) == len(set(seen))
    assert set(before) <= set(seen)
    bad = cadres.county.api("GET", "/cases?cursor=bm90LWpzb24")
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_cursor")


def test_warning_list_pages_by_cursor_without_repeating_or_skipping(cadres: Cadres) -> None:
    today = timezone.localdate()

    def warning(offset: int) -> Warning:
        return Warning.objects.create(
            household=factories.household(BAOFENG_VILLAGE),
            rule="medical_high_out_of_pocket",
            risk_type="01",
            message="年度自付医疗费用高",
            deadline=today + dt.timedelta(days=offset % 4),
        )

    before = [warning(i).pk for i in range(25)]
    seen = _page_through(cadres.township, "/warnings?status=open", lambda: warning(1))

    assert len(seen) == len(set(seen))
    assert set(before) <= set(seen)


def test_case_page_reads_a_fixed_number_of_queries_however_long_its_history(
    cadres: Cadres, django_assert_max_num_queries: Any
) -> None:
    fresh = cadres.report(factories.household(BAOFENG_VILLAGE)).json()["id"]
    longer = cadres.report(factories.household(BAOFENG_VILLAGE)).json()["id"]
    cadres.run(longer, cadres.steps()[:3])  # verified, deliberated, publicized
    cadres.county.api("GET", f"/cases/{fresh}")  # warm the token and caches

    with CaptureQueriesContext(connection) as short:
        cadres.county.api("GET", f"/cases/{fresh}")
    with django_assert_max_num_queries(len(short)):
        body = cadres.county.api("GET", f"/cases/{longer}").json()
    assert len(body["history"]) >= 4
