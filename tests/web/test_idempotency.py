"""Idempotency-Key on API POSTs (issue 14 item 4): a retry never acts twice."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection

from fangpin.api import api
from fangpin.core.models import IdempotencyRecord
from fangpin.monitoring.models import Case, CaseEvent
from tests.conftest import BAOFENG_VILLAGE, YEXIAN_VILLAGE, ApiClient
from tests.registry.helpers import make_household

pytestmark = pytest.mark.django_db


def _report(household_id: int) -> dict[str, object]:
    return {
        "household_id": household_id,
        "channel": "cadre_visit",
        "category": "marginal",
        "risk_types": ["01"],
    }


@pytest.fixture
def clerk(make_user):
    return make_user("village", BAOFENG_VILLAGE, "clerk")


@pytest.fixture
def home(clerk):
    return make_household(clerk, BAOFENG_VILLAGE)


def test_a_retried_report_makes_one_case_and_gets_the_first_answer(clerk, home):
    client = ApiClient(clerk)
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = client.api("POST", "/cases", _report(home.pk), headers=key)
    again = client.api("POST", "/cases", _report(home.pk), headers=key)
    assert first.status_code == 201
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Case.objects.filter(household=home).count() == 1
    assert CaseEvent.objects.filter(case__household=home).count() == 1  # history: once


def test_without_a_key_each_post_acts(clerk, home):
    client = ApiClient(clerk)
    client.api("POST", "/cases", _report(home.pk))
    second = client.api("POST", "/cases", _report(home.pk))
    # No key: the second report is a real second request, refused by the workflow itself.
    assert second.status_code == 409


def test_the_same_key_for_another_request_is_refused(clerk, home):
    other = make_household(clerk, BAOFENG_VILLAGE)
    client = ApiClient(clerk)
    key = {"Idempotency-Key": "visit-2026-12-02-0001"}
    assert client.api("POST", "/cases", _report(home.pk), headers=key).status_code == 201
    reused = client.api("POST", "/cases", _report(other.pk), headers=key)
    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency_key_reused"
    assert not Case.objects.filter(household=other).exists()


def test_a_refused_request_keeps_nothing_so_its_corrected_retry_runs(make_user, clerk, home):
    foreign = make_household(make_user("village", YEXIAN_VILLAGE, "yexian"), YEXIAN_VILLAGE)
    client = ApiClient(clerk)
    key = {"Idempotency-Key": "k-1"}
    assert client.api("POST", "/cases", _report(foreign.pk), headers=key).status_code == 404
    assert not IdempotencyRecord.objects.exists()
    # The same request again still answers 404 (not a replay of a kept answer)...
    assert client.api("POST", "/cases", _report(foreign.pk), headers=key).status_code == 404
    # ... and the key is free for the corrected request.
    assert client.api("POST", "/cases", _report(home.pk), headers=key).status_code == 201


def test_keys_belong_to_their_user(make_user, clerk, home):
    colleague = make_user("village", BAOFENG_VILLAGE, "colleague")
    other = make_household(colleague, BAOFENG_VILLAGE)
    key = {"Idempotency-Key": "same-key"}
    assert ApiClient(clerk).api("POST", "/cases", _report(home.pk), headers=key).status_code == 201
    mine = ApiClient(colleague).api("POST", "/cases", _report(other.pk), headers=key)
    assert mine.status_code == 201 and "Idempotent-Replayed" not in mine
    assert Case.objects.count() == 2


def test_the_session_of_the_web_ui_is_keyed_too(client, clerk, home):
    client.force_login(clerk)
    key = {"Idempotency-Key": "from-the-phone-app"}
    for _ in range(3):
        answer = client.post(
            "/api/v1/cases", _report(home.pk), content_type="application/json", headers=key
        )
        assert answer.status_code == 201
    assert Case.objects.filter(household=home).count() == 1


@pytest.mark.parametrize("bad", ["", "含中文", "x" * 129, "a b"])
def test_a_malformed_key_is_refused_before_anything_runs(clerk, home, bad):
    answer = ApiClient(clerk).api(
        "POST", "/cases", _report(home.pk), headers={"Idempotency-Key": bad}
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_idempotency_key"
    assert not Case.objects.exists()


def test_every_authenticated_post_documents_the_header():
    paths = api.get_openapi_schema()["paths"]
    posts = [op for item in paths.values() for m, op in item.items() if m == "post"]
    keyed = [op for op in posts if op.get("security")]
    assert keyed and all(
        any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in op["parameters"])
        for op in keyed
    )


# Concurrent writers need a server database: the in-memory SQLite of the tests answers "table
# is locked" to a second thread at once (CI runs this on PostgreSQL).
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_racing_retries_make_one_case(reference_data_restored, reference_data, make_user):
    clerk = make_user("village", BAOFENG_VILLAGE, "racer")
    home = make_household(clerk, BAOFENG_VILLAGE)
    client = ApiClient(clerk)
    key = {"Idempotency-Key": "raced"}
    answers: list[int] = []
    start = threading.Barrier(2)

    def send() -> None:
        start.wait()
        try:
            answers.append(client.api("POST", "/cases", _report(home.pk), headers=key).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers == [201, 201]
    assert Case.objects.filter(household=home).count() == 1


def test_a_page_form_sent_twice_by_the_phone_records_one_measure(client, clerk, home):
    from fangpin.monitoring import services as monitoring

    case = monitoring.case_create(
        user=clerk, household=home, channel="cadre_visit", category="marginal", risk_types=["01"]
    )
    client.force_login(clerk)
    form = {
        "m-type": "health",
        "m-content": "协调落实大病保险二次报销",
        "m-starts_on": "2026-01-05",
        "m-status": "planned",
    }
    url = f"/monitoring/cases/{case.pk}/measures/"
    key = {"Idempotency-Key": "outbox-entry-1"}
    first = client.post(url, form, headers=key)
    again = client.post(url, form, headers=key)
    assert first.status_code == 302 and again.status_code == 302
    assert again["Location"] == first["Location"] and again["Idempotent-Replayed"] == "true"
    assert case.household.measures.count() == 1


def test_a_page_form_sent_back_with_errors_keeps_no_key(client, clerk, home):
    from fangpin.monitoring import services as monitoring

    case = monitoring.case_create(
        user=clerk, household=home, channel="cadre_visit", category="marginal", risk_types=["01"]
    )
    client.force_login(clerk)
    url = f"/monitoring/cases/{case.pk}/measures/"
    wrong = {"m-type": "health", "m-content": "", "m-starts_on": "2026-01-05"}
    assert client.post(url, wrong, headers={"Idempotency-Key": "k"}).status_code == 400
    assert not IdempotencyRecord.objects.exists()
