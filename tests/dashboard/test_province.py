"""A viewer bound to the province (410000): the summary, the home page and the dashboard
cover every city, with the cities as the level below."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from fangpin.dashboard.counters import counters_rebuild
from fangpin.monitoring.models import Case, State
from fangpin.regions.models import Level, Region
from fangpin.regions.services import regions_load
from fangpin.registry.models import Household
from tests.conftest import BAOFENG_VILLAGE, CITY

pytestmark = pytest.mark.django_db
PROVINCE = "410000"


def _cases(village: str, count: int, state: str) -> None:
    today = dt.date(2026, 6, 30)
    start = Household.objects.count()
    households = Household.objects.bulk_create(
        [Household(number=f"P{village}{start + i:04d}", village_id=village) for i in range(count)]
    )
    Case.objects.bulk_create(
        Case(
            household=hh,
            village_id=village,
            state=state,
            channel="cadre_visit",
            category="unstable",
            risk_types=["01"],
            discovered_on=today,
            deadline=today,
            identified_on=today,
            members_at_approval=2,
            eliminated_on=today if state == State.ELIMINATED else None,
        )
        for hh in households
    )


@pytest.fixture
def two_cities() -> str:
    """Zhengzhou loaded beside Pingdingshan; returns one of its villages."""
    regions_load(city="4101")
    village = (
        Region.objects.filter(level=Level.VILLAGE, code__startswith="4101").order_by("code").first()
    )
    assert village is not None
    _cases(BAOFENG_VILLAGE, 2, State.MONITORED)
    _cases(village.code, 3, State.ELIMINATED)
    counters_rebuild()
    return village.code


def test_the_province_summary_adds_up_every_city(api_as, two_cities) -> None:
    province = api_as("viewer", PROVINCE).api("GET", "/stats/summary").json()
    city = api_as("city", CITY).api("GET", "/stats/summary").json()
    assert (province["identified_households"], province["identified_persons"]) == (5, 10)
    assert province["eliminated_households"] == 3
    assert province["region_name"] == "河南省"
    assert city["identified_households"] == 2


def test_a_city_user_cannot_read_the_province_summary(api_as, two_cities) -> None:
    client = api_as("city", CITY)
    assert client.api("GET", f"/stats/summary?region={PROVINCE}").status_code == 404


def test_the_province_home_page_and_dashboard_drill_down_to_cities(make_user, two_cities) -> None:
    client = Client()
    client.force_login(make_user("viewer", PROVINCE))
    home = client.get("/")
    assert home.status_code == 200
    text = home.content.decode()
    assert "平顶山市" in text and "郑州市" in text
    dashboard = client.get("/dashboard/")
    assert dashboard.status_code == 200
    assert "郑州市" in dashboard.content.decode()


def test_the_province_household_list_names_each_households_city(make_user, two_cities) -> None:
    client = Client()
    client.force_login(make_user("viewer", PROVINCE))
    page = client.get("/households/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "<th>市</th>" in text or ">市</th>" in text
    assert "郑州市" in text and "平顶山市" in text
