"""The statistics page: charts, their tables and Excel downloads show the summary's numbers."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from fangpin.dashboard.summary import SummaryQuery
from fangpin.monitoring import clock as monitoring_clock
from fangpin.regions.models import Region
from tests.conftest import BAOFENG, BAOFENG_VILLAGE, CITY, ApiClient
from tests.monitoring.conftest import Cadres, Clock, poor_household, recovered

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture
def cadres(api_as: Callable[..., ApiClient], clock: Clock) -> Cadres:
    return Cadres(api_as, clock)


@pytest.fixture
def figures(cadres: Cadres) -> dict[str, int]:
    """Two households identified in 周庄村 (one 因病, one 因残), one of them eliminated."""
    first, second = poor_household(), poor_household(alleviated=False)
    eliminated = cadres.monitored(first)
    cadres.monitored(second, risk_types=["03"])
    recovered(first, cadres.clock.day)
    cadres.clock.months_later(7)
    cadres.run(eliminated, cadres.elimination_steps())
    return {"identified": 2, "eliminated": 1}


def browser(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def chart_options(page: str) -> dict[str, Any]:
    """The ECharts options embedded with json_script, by chart key."""
    found: dict[str, Any] = {}
    marker = '<script id="chart-option-'
    for chunk in page.split(marker)[1:]:
        key, rest = chunk.split('"', 1)
        found[key] = json.loads(rest.split(">", 1)[1].split("</script>", 1)[0])
    return found


def test_county_dashboard_shows_the_summary_figures_and_every_chart(
    cadres: Cadres, figures: dict[str, int]
) -> None:
    response = browser(cadres.county.user).get("/dashboard/")
    assert response.status_code == 200
    page = response.content.decode()
    summary = SummaryQuery(
        region=Region.objects.get(code=BAOFENG), today=monitoring_clock.today()
    ).calculate()
    assert summary.identified_households == figures["identified"]
    assert f'data-figure="identified_households">{figures["identified"]}<' in page
    assert f'data-figure="eliminated_households">{figures["eliminated"]}<' in page
    assert 'data-figure="elimination_rate_households">50.00%<' in page
    options = chart_options(page)
    assert set(options) == {"by_region", "by_category", "by_risk_type", "monthly", "overdue"}
    by_region = options["by_region"]
    town = by_region["xAxis"]["data"].index("周庄镇")
    assert by_region["series"][0]["data"][town] == figures["identified"]
    assert by_region["series"][1]["data"][town] == figures["eliminated"]
    monthly = options["monthly"]["series"]
    assert sum(monthly[0]["data"]) == figures["identified"]
    assert sum(monthly[1]["data"]) == figures["eliminated"]
    assert "echarts-5.6.0.min.js" in page


def test_each_chart_downloads_as_excel_with_the_numbers_of_its_table(
    cadres: Cadres, figures: dict[str, int]
) -> None:
    web = browser(cadres.county.user)
    response = web.get("/dashboard/export/by_category.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = {row[0]: row[1:] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["脱贫不稳定户"] == (1, 3)
    assert rows["边缘易致贫户"] == (1, 3)
    risks = load_workbook(io.BytesIO(web.get("/dashboard/export/by_risk_type.xlsx").content))
    values = {r[0]: r[1] for r in risks.active.iter_rows(min_row=2, values_only=True)}  # type: ignore[union-attr]
    assert values == {"因病": 1, "因残": 1}
    everything = load_workbook(io.BytesIO(web.get("/dashboard/export/all.xlsx").content))
    assert everything.sheetnames[0] == "汇总"
    assert len(everything.sheetnames) == 6
    assert web.get("/dashboard/export/nothing.xlsx").status_code == 404


def test_city_dashboard_breaks_down_by_county(
    cadres: Cadres, figures: dict[str, int], make_user: Callable[..., Any]
) -> None:
    page = browser(make_user("city", CITY)).get("/dashboard/").content.decode()
    by_region = chart_options(page)["by_region"]
    assert "宝丰县" in by_region["xAxis"]["data"]
    assert f"?region={BAOFENG}" in page


def test_a_county_user_cannot_look_into_another_county(cadres: Cadres) -> None:
    response = browser(cadres.county.user).get("/dashboard/?region=410422")
    assert response.status_code == 404


def test_village_users_see_their_own_village_and_departments_are_refused(
    cadres: Cadres, figures: dict[str, int], make_user: Callable[..., Any]
) -> None:
    page = browser(cadres.village.user).get("/dashboard/").content.decode()
    assert f'data-figure="identified_households">{figures["identified"]}<' in page
    assert "by_region" not in chart_options(page)
    department = make_user("department", BAOFENG)
    assert browser(department).get("/dashboard/").status_code == 403


def test_township_dashboard_drills_down_to_villages(
    cadres: Cadres, figures: dict[str, int]
) -> None:
    page = browser(cadres.township.user).get("/dashboard/").content.decode()
    options = chart_options(page)
    assert any("周庄村" in name for name in options["by_region"]["xAxis"]["data"])
    assert f"?region={BAOFENG_VILLAGE}" in page


def test_the_county_dashboard_runs_a_bounded_number_of_queries(
    cadres: Cadres, figures: dict[str, int], django_assert_max_num_queries: Any
) -> None:
    web = browser(cadres.county.user)
    # A summary per township (counters, overdue, warnings) plus the trend, and the kept
    # attention counts (read; on this first view also counted and written): independent of
    # how many cases or households there are.
    with django_assert_max_num_queries(76):
        assert web.get("/dashboard/").status_code == 200


def test_each_linked_dashboard_figure_opens_a_list_with_the_same_count(
    cadres: Cadres, figures: dict[str, int]
) -> None:
    import re

    client = browser(cadres.county.user)
    page = client.get("/dashboard/").content.decode()
    linked = re.findall(
        r'<a class="stat[^"]*" href="([^"]+)"><div class="n" data-figure="(\w+)">([\d,]+)<', page
    )
    found = {
        name: (href.replace("&amp;", "&"), int(n.replace(",", ""))) for href, name, n in linked
    }
    assert {
        "identified_households",
        "eliminated_households",
        "overdue_cases",
        "open_warnings",
    } <= set(found)
    assert found["identified_households"][1] == figures["identified"]
    for name, (href, number) in found.items():
        listed = client.get(href).content.decode()
        count = re.search(r"共 (?:<strong>)?(\d+)(?:</strong>)? (?:条|户)", listed)
        assert count is not None, name
        assert int(count.group(1)) == number, name
