"""Two users acting on one case at the same moment: exactly one wins, the other gets 409."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from fangpin.monitoring.guards import GuardCode
from fangpin.monitoring.models import Case, CaseEvent
from tests.conftest import BAOFENG_TOWN, ApiClient

from .conftest import poor_household


# SQLite's in-memory test database (shared cache) answers "table is locked" to a second
# connection at once instead of waiting, so threads cannot race there; on SQLite the same
# one-wins rule is shown by the version check (test_a_stale_version_is_refused_...), and in
# production SQLite's IMMEDIATE transactions queue the second writer behind the first.
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_township_users_approving_and_rejecting_at_once_one_wins(
    reference_data_restored, cadres, api_as
):
    case_id = cadres.report(poor_household()).json()["id"]
    cadres.run(case_id, cadres.steps()[:3])
    second: ApiClient = api_as("township", BAOFENG_TOWN, "township-2")
    clients = [(cadres.township, "approve_township", {}), (second, "reject", {"reason": "不同意"})]
    barrier = threading.Barrier(len(clients))
    results: list[Any] = [None] * len(clients)

    def act(index: int) -> None:
        client, action, body = clients[index]
        try:
            barrier.wait()
            response = client.api("POST", f"/cases/{case_id}/actions/{action}", body)
            results[index] = (response.status_code, response.json())
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = sorted(status for status, _ in results)
    assert statuses == [200, 409], results
    loser = next(body for status, body in results if status == 409)
    assert loser["code"] == GuardCode.ACTION_NOT_ALLOWED
    winner = next(body for status, body in results if status == 200)
    case = Case.objects.get(pk=case_id)
    assert case.state == winner["state"]
    # One event for the one action that happened.
    assert CaseEvent.objects.filter(case=case, from_state="publicized").count() == 1
