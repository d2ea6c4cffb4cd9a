"""A province's read replica: dashboards and summaries read it, everything else the primary."""

from __future__ import annotations

import pytest
from django.db import connections

from fangpin.core import replica
from tests.conftest import BAOFENG, BAOFENG_VILLAGE, ApiClient
from tests.registry.helpers import make_household

pytestmark = pytest.mark.django_db


@pytest.fixture
def reads(monkeypatch):
    """Where each read went, as (app, database); the replica is the test database itself."""
    seen: list[tuple[str, str]] = []
    decide = replica.ReplicaRouter.db_for_read

    def spy(self, model, **hints):
        chosen = decide(self, model, **hints)
        seen.append((model._meta.app_label, chosen or "default"))
        return chosen

    monkeypatch.setattr(replica.ReplicaRouter, "db_for_read", spy)
    return seen


@pytest.fixture
def with_replica(settings):
    settings.FANGPIN_READ_REPLICA = True
    connections[replica.REPLICA] = connections["default"]  # a replica that never lags
    yield
    del connections[replica.REPLICA]


def test_the_summary_reads_the_replica_but_the_callers_account_the_primary(
    with_replica, reads, make_user
):
    clerk = make_user("village", BAOFENG_VILLAGE, "zhouzhuang-clerk")
    make_household(clerk, BAOFENG_VILLAGE)
    county = ApiClient(make_user("county", BAOFENG))
    reads.clear()
    response = county.api("GET", "/stats/summary", {"region": BAOFENG})
    assert response.status_code == 200
    on_replica = {app for app, db in reads if db == replica.REPLICA}
    assert on_replica, reads
    assert not on_replica & replica.PRIMARY_ONLY_APPS  # the token and user: the primary
    assert ("accounts", "default") in reads


def test_a_household_list_and_a_write_read_the_primary(with_replica, reads, make_user):
    clerk = make_user("village", BAOFENG_VILLAGE, "zhouzhuang-clerk")
    household = make_household(clerk, BAOFENG_VILLAGE)
    api = ApiClient(clerk)
    reads.clear()
    assert api.api("GET", "/households", {"region": BAOFENG}).json()["count"] == 1
    body = {"year": 2025, "wage": 1000}
    assert api.api("POST", f"/households/{household.pk}/incomes", body).status_code == 201
    assert reads and all(db == "default" for _, db in reads)


def test_the_flag_ends_with_the_request(with_replica, reads, make_user, client):
    county = make_user("county", BAOFENG)
    client.force_login(county)
    assert client.get("/dashboard/").status_code == 200
    assert any(db == replica.REPLICA for _, db in reads)
    reads.clear()
    from fangpin.monitoring.models import Case

    assert Case.objects.count() == 0
    assert reads == [("monitoring", "default")]


def test_without_a_replica_everything_reads_the_primary(reads, make_user, settings):
    settings.FANGPIN_READ_REPLICA = False
    county = ApiClient(make_user("county", BAOFENG))
    assert county.api("GET", "/stats/summary", {"region": BAOFENG}).status_code == 200
    assert reads and all(db == "default" for _, db in reads)
