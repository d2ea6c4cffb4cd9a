"""Find and act: the household, case and warning lists filter and sort, every home figure
opens the list behind it (with the same count), and city and county lists name the county,
township and village of each row."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from fangpin.accounts.models import User
from fangpin.monitoring import selectors as case_selectors
from fangpin.monitoring.models import Case, Category, Channel, RiskType, State
from fangpin.regions.models import Region
from fangpin.registry import selectors
from fangpin.registry.models import Household
from tests.conftest import BAOFENG, BAOFENG_TOWN, BAOFENG_VILLAGE, CITY, YEXIAN_VILLAGE
from tests.monitoring import factories

pytestmark = pytest.mark.django_db


def _other_village() -> str:
    """A second village of 周庄镇."""
    return (
        Region.objects.filter(parent_id=BAOFENG_TOWN, level="village")
        .exclude(code=BAOFENG_VILLAGE)
        .values_list("code", flat=True)
        .first()
    )


def _case(hh: Household, state: str = State.REPORTED, **extra: Any) -> Case:
    today = timezone.localdate()
    fields: dict[str, Any] = {
        "category": Category.UNSTABLE,
        "risk_types": [RiskType.ILLNESS],
        "discovered_on": today - dt.timedelta(days=3),
        "deadline": today + dt.timedelta(days=10),
    }
    fields.update(extra)
    return Case.objects.create(
        household=hh, village_id=hh.village_id, state=state, channel=Channel.CADRE_VISIT, **fields
    )


@pytest.fixture
def world() -> dict[str, Household]:
    """Five households of 宝丰县 (two villages) and one of 叶县, with incomes, guarantees
    and cases in different states."""
    today = timezone.localdate()
    other = _other_village()
    hh = {
        "poor": factories.household(BAOFENG_VILLAGE, alleviated=True),
        "poor_ok": factories.household(BAOFENG_VILLAGE, alleviated=True),
        "plain": factories.household(BAOFENG_VILLAGE),
        "far": factories.household(other),
        "far_poor": factories.household(other, alleviated=True),
        "yexian": factories.household(YEXIAN_VILLAGE, alleviated=True),
    }
    last_month = today - dt.timedelta(days=30)
    factories.income(hh["poor"], per_capita=3000, recorded_on=last_month)
    factories.income(hh["far"], per_capita=4000, recorded_on=last_month)
    factories.income(hh["poor_ok"], per_capita=90000, recorded_on=last_month)
    factories.income(hh["yexian"], per_capita=3000, recorded_on=last_month)
    factories.guarantees(hh["poor"], all_met=False)
    factories.guarantees(hh["far_poor"], all_met=False)
    factories.guarantees(hh["plain"])
    factories.guarantees(hh["yexian"], all_met=False)
    _case(hh["poor"], deadline=today - dt.timedelta(days=1))  # identifying, overdue
    _case(
        hh["far"],
        State.MONITORED,
        category=Category.MARGINAL,
        risk_types=[RiskType.FLOOD, RiskType.SCHOOLING],
        identified_on=today,
    )
    _case(hh["far_poor"], State.ELIMINATED, eliminated_on=today)
    _case(hh["yexian"])
    return hh


def _ids(qs: Any) -> set[int]:
    return set(qs.values_list("pk", flat=True))


def test_households_filter_by_category_status_and_problem(
    make_user: Callable[..., User], world: dict[str, Household]
) -> None:
    county = make_user("county", BAOFENG)

    def found(**filters: Any) -> set[str]:
        ids = _ids(selectors.household_list(user=county, **filters))
        return {k for k, h in world.items() if h.pk in ids}

    assert found(category="alleviated") == {"poor", "poor_ok", "far_poor"}
    assert found(category="general") == {"plain", "far"}
    assert found(status="identifying") == {"poor"}
    assert found(status="monitored") == {"far"}
    assert found(status="eliminated") == {"far_poor"}
    assert found(status="none") == {"poor_ok", "plain"}
    assert found(problem="guarantee") == {"poor", "far_poor"}
    assert found(problem="below_line") == {"poor", "far"}
    assert found(category="alleviated", problem="guarantee", region=BAOFENG_VILLAGE) == {"poor"}


def test_households_sort_by_number_or_head_name(
    make_user: Callable[..., User], world: dict[str, Household]
) -> None:
    county = make_user("county", BAOFENG)
    Household.objects.filter(pk=world["plain"].pk).update(head_name="丁一")
    by_head = list(selectors.household_list(user=county, sort="head"))
    assert by_head[0].pk == world["plain"].pk
    numbers = [h.number for h in selectors.household_list(user=county, sort="-number")]
    assert numbers == sorted(numbers, reverse=True) and len(numbers) == 5


def test_every_home_figure_opens_a_list_with_the_same_count(
    make_user: Callable[..., User], world: dict[str, Household]
) -> None:
    client = Client()
    client.force_login(make_user("county", BAOFENG))
    html = client.get("/").content.decode()
    cards = re.findall(
        r'<a class="stat[^"]*"(?: id="[^"]*")? href="([^"]+)">'
        r'<div class="n">([\d,]+)</div><div class="l">([^<]+)<',
        html,
    )
    figures = {
        label: (href.replace("&amp;", "&"), int(n.replace(",", ""))) for href, n, label in cards
    }
    assert len(figures) == 5  # every figure on the home page is a link
    assert figures["农户(户)"] == ("/households/", 5)
    assert figures["脱贫户(户)"] == ("/households/?category=alleviated", 3)
    assert figures["三保障及饮水有问题(户)"] == ("/households/?problem=guarantee", 2)
    below = next(v for k, v in figures.items() if "监测线" in k)
    assert below == ("/households/?problem=below_line", 2)
    for label, (href, number) in figures.items():
        if label.startswith("家庭人口"):
            continue  # persons: the list behind it counts households
        page = client.get(href).content.decode()
        listed = int(re.search(r"共 <strong>(\d+)</strong> 户", page).group(1))
        assert listed == number, label
    # The sub-region table's figures link to the same filtered list.
    row_links = re.findall(r'<td data-label="脱贫户"><a href="([^"]+)">(\d+)</a>', html)
    assert row_links
    for href, number in row_links:
        page = client.get(href.replace("&amp;", "&")).content.decode()
        assert int(re.search(r"共 <strong>(\d+)</strong> 户", page).group(1)) == int(number)


def test_the_household_page_keeps_its_filters_and_names_the_region_columns(
    make_user: Callable[..., User], world: dict[str, Household]
) -> None:
    client = Client()
    client.force_login(make_user("city", CITY))
    page = client.get("/households/?category=alleviated&sort=number").content.decode()
    assert "共 <strong>4</strong> 户" in page
    assert '<option value="alleviated" selected>' in page
    assert "<th>县(市、区)</th><th>乡镇</th><th>村</th>" in page
    assert re.search(r'<td class="region-col">宝丰县</td><td class="region-col">周庄镇</td>', page)


def test_cases_filter_by_village_name_category_risk_and_overdue(
    make_user: Callable[..., User], world: dict[str, Household]
) -> None:
    county = make_user("county", BAOFENG)

    def found(**filters: Any) -> set[str]:
        ids = set(
            case_selectors.case_list(user=county, **filters).values_list("household_id", flat=True)
        )
        return {k for k, h in world.items() if h.pk in ids}

    assert found() == {"poor", "far", "far_poor"}
    assert found(region=BAOFENG_VILLAGE) == {"poor"}
    assert found(region=_other_village()) == {"far", "far_poor"}
    assert found(q=world["far"].head_name) == {"far"}
    assert found(q=world["poor"].number) == {"poor"}
    assert found(category=Category.MARGINAL) == {"far"}
    assert found(risk=RiskType.SCHOOLING) == {"far"}
    assert found(risk=RiskType.ILLNESS) == {"poor", "far_poor"}
    assert found(risk=RiskType.DROUGHT) == set()
    assert found(overdue=True) == {"poor"}


def test_the_case_page_filters_and_a_city_user_sees_the_county_of_each_case(
    make_user: Callable[..., User], world: dict[str, Household]
) -> None:
    client = Client()
    client.force_login(make_user("city", CITY))
    page = client.get("/monitoring/cases/?overdue=1").content.decode()
    assert "共 1 条" in page
    assert "<th>县(市、区)</th><th>乡镇</th><th>村</th>" in page
    assert '<td class="region-col">宝丰县</td>' in page
    page = client.get(
        f"/monitoring/cases/?risk={RiskType.SCHOOLING}&region={BAOFENG}"
    ).content.decode()
    assert "共 1 条" in page and world["far"].head_name in page
    page = client.get("/monitoring/cases/?category=nonsense").content.decode()
    assert "未知的监测对象类别" in page


def test_the_warning_page_filters_by_village_and_names_the_region(
    make_user: Callable[..., User], world: dict[str, Household]
) -> None:
    from fangpin.screening.models import Warning

    today = timezone.localdate()
    for key in ("poor", "far"):
        Warning.objects.create(
            household=world[key],
            rule="income_below_line",
            risk_type=RiskType.ILLNESS,
            message="收入低于监测线",
            deadline=today - dt.timedelta(days=1 if key == "poor" else -5),
        )
    client = Client()
    client.force_login(make_user("county", BAOFENG))
    page = client.get("/screening/warnings/").content.decode()
    assert "共 <strong>2</strong> 条" in page
    assert "<th>乡镇</th><th>村</th>" in page
    page = client.get(f"/screening/warnings/?region={BAOFENG_VILLAGE}").content.decode()
    assert "共 <strong>1</strong> 条" in page and world["poor"].number in page
    page = client.get("/screening/warnings/?overdue=1").content.decode()
    assert "共 <strong>1</strong> 条" in page and "已逾期" in page


def test_the_api_lists_keep_their_contract_and_take_the_extra_filters(
    api_as: Callable[..., Any], world: dict[str, Household]
) -> None:
    county = api_as("county", BAOFENG)
    plain = county.api("GET", f"/households?region={BAOFENG_VILLAGE}&q=&page=1")
    assert plain.status_code == 200 and plain.json()["count"] == 3
    poor = county.api("GET", "/households?category=alleviated&problem=guarantee").json()
    assert {i["id"] for i in poor["items"]} == {world["poor"].pk, world["far_poor"].pk}
    cases = county.api("GET", f"/cases?region={BAOFENG}&state=monitored&overdue=false").json()
    assert [i["household_id"] for i in cases["items"]] == [world["far"].pk]
    schooling = county.api("GET", f"/cases?risk={RiskType.SCHOOLING}&q={world['far'].number}")
    assert schooling.json()["count"] == 1
    wrong = county.api("GET", "/cases?risk=42")
    assert wrong.status_code == 400 and wrong.json()["code"] == "invalid_risk_types"
