"""`/metrics`: what Prometheus reads, who may read it, and that no personal value gets in."""

from __future__ import annotations

import re

import pytest
from prometheus_client.parser import text_string_to_metric_families

from fangpin.monitoring import services as monitoring
from tests.conftest import BAOFENG_VILLAGE, ApiClient
from tests.registry.helpers import make_household

pytestmark = pytest.mark.django_db

OUTSIDER = "203.0.113.7"  # TEST-NET-3: not loopback, not allowed by default
TOKEN = "metrics-scrape-token-0123456789abcdef"


def scrape(client) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/plain")
    return samples(response.content.decode())


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(scraped, name: str, **labels: str) -> float:
    return scraped.get((name, frozenset(labels.items())), 0.0)


def test_a_request_is_counted_under_its_route_pattern_with_no_id_in_any_label(client, make_user):
    clerk = make_user("village", BAOFENG_VILLAGE, "zhouzhuang-clerk")
    household = make_household(clerk, BAOFENG_VILLAGE, members=2)
    id_number = household.current_memberships().first().person.id_number
    api = ApiClient(clerk)
    route = "api/v1/households/<household_id>"
    before = scrape(client)

    assert api.api("GET", f"/households/{household.pk}").status_code == 200
    assert api.api("GET", "/households", {"q": id_number}).json()["count"] == 1
    assert api.api("GET", "/households/999999999").status_code == 404

    text = client.get("/metrics").content.decode()
    after = samples(text)
    assert (
        value(after, "fangpin_http_requests_total", route=route, method="GET", status="2xx")
        - (value(before, "fangpin_http_requests_total", route=route, method="GET", status="2xx"))
        == 1
    )
    assert (
        value(after, "fangpin_http_requests_total", route=route, method="GET", status="4xx")
        - (value(before, "fangpin_http_requests_total", route=route, method="GET", status="4xx"))
        == 1
    )
    latency = "fangpin_http_request_duration_seconds_count"
    assert value(after, latency, route=route, method="GET") >= 2
    assert value(after, "fangpin_http_request_db_queries_count", route=route) >= 2
    # Nothing the user typed or any object's number is in the text, labels or otherwise.
    for secret in (id_number, household.number, "999999999"):
        assert secret not in text
    labels = {v for (_, pairs) in after for (_, v) in pairs}
    assert not [v for v in labels if f"/{household.pk}" in v or re.search(r"\d{5,}", v)]


def test_a_workflow_action_is_counted_once_it_commits_and_a_refused_one_is_not(
    client, make_user, django_capture_on_commit_callbacks
):
    clerk = make_user("village", BAOFENG_VILLAGE, "zhouzhuang-clerk")
    household = make_household(clerk, BAOFENG_VILLAGE)
    case = monitoring.case_create(
        user=clerk,
        household=household,
        channel="cadre_visit",
        category="marginal",
        risk_types=["01"],
    )
    api = ApiClient(clerk)
    verified = ("fangpin_case_transitions_total", {"action": "verify", "to_state": "verified"})
    before = value(scrape(client), verified[0], **verified[1])
    body = {"findings": "属实", "consent_signed": True}
    with django_capture_on_commit_callbacks(execute=True):
        assert api.api("POST", f"/cases/{case.pk}/actions/verify", body).status_code == 200
        # The same action again is refused (409): nothing happened, nothing is counted.
        assert api.api("POST", f"/cases/{case.pk}/actions/verify", body).status_code == 409
    assert value(scrape(client), verified[0], **verified[1]) - before == 1


def test_the_build_is_named_on_every_scrape(client):
    scraped = scrape(client)
    build = [labels for (name, labels) in scraped if name == "fangpin_build_info"]
    assert len(build) == 1
    assert {key for key, _ in build[0]} == {"version", "python", "django"}


def test_another_network_gets_the_404_of_an_unknown_page(client):
    hidden = client.get("/metrics", REMOTE_ADDR=OUTSIDER)
    unknown = client.get("/no-such-page", REMOTE_ADDR=OUTSIDER)
    assert hidden.status_code == unknown.status_code == 404
    assert b"fangpin_" not in hidden.content
    assert client.post("/metrics", REMOTE_ADDR=OUTSIDER).status_code == 404


def test_a_request_through_a_proxy_is_not_let_in_by_the_proxys_loopback_address(client):
    # nginx on the same machine: every visitor arrives from 127.0.0.1 with a forwarding header.
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR=OUTSIDER).status_code == 404
    assert client.get("/metrics", HTTP_X_REAL_IP=OUTSIDER).status_code == 404
    assert client.get("/metrics").status_code == 200  # the same machine, directly


def test_the_bearer_token_lets_a_scraper_in_from_anywhere(client, settings):
    settings.FANGPIN_METRICS_TOKEN = TOKEN
    allowed = client.get("/metrics", REMOTE_ADDR=OUTSIDER, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert allowed.status_code == 200
    assert b"fangpin_build_info" in allowed.content
    wrong = client.get("/metrics", REMOTE_ADDR=OUTSIDER, HTTP_AUTHORIZATION="Bearer guessed")
    assert wrong.status_code == 404
    settings.FANGPIN_METRICS_TOKEN = ""
    # No token configured: an empty bearer is no key.
    empty = client.get("/metrics", REMOTE_ADDR=OUTSIDER, HTTP_AUTHORIZATION="Bearer ")
    assert empty.status_code == 404


def test_an_allowed_network_scrapes_and_loopback_then_is_no_longer_special(client, settings):
    settings.FANGPIN_METRICS_ALLOW = ["203.0.113.0/24"]
    assert client.get("/metrics", REMOTE_ADDR=OUTSIDER).status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="198.51.100.1").status_code == 404
    assert client.get("/metrics").status_code == 404
    settings.FANGPIN_METRICS_ALLOW = ["::1/128", "127.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="::ffff:127.0.0.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="::1").status_code == 200
