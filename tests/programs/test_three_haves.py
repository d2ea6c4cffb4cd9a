"""三有一持续 (DOMAIN §9): a dividend link and a workshop wage change a household's income
record, its status and the region's shares; nothing is typed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from fangpin.monitoring.clock import add_months
from fangpin.policy.services import monitoring_line
from fangpin.programs import services as programs
from fangpin.programs.indicators import three_haves_share
from fangpin.registry import services as registry
from fangpin.registry.models import IncomeRecord
from tests.conftest import BAOFENG, BAOFENG_VILLAGE

pytestmark = pytest.mark.django_db


def _shares(client) -> dict:
    return client.api("GET", "/programs/panel", {"region": BAOFENG}).json()["three_haves"]


def _status(client, household) -> dict:
    return client.api("GET", f"/three-haves/households/{household.pk}").json()


def test_a_dividend_and_a_workshop_wage_change_income_status_and_shares(api_as, make_user):
    from tests.registry.helpers import make_household

    today = timezone.localdate()
    half_year_ago = add_months(today, -6)
    line = monitoring_line(today.year)
    clerk = make_user("village", BAOFENG_VILLAGE, "clerk")
    county = make_user("county", BAOFENG, "county-clerk")
    client = api_as("county", BAOFENG, "reader")

    # A: 脱贫户 of two, half a year of income just under the line, no industry, no job.
    a = make_household(clerk, BAOFENG_VILLAGE, members=2, is_alleviated=True)
    registry.income_record(
        user=clerk,
        household_id=a.pk,
        year=today.year,
        transfer=2 * line - 1000,
        recorded_on=half_year_ago,
    )
    # B: 脱贫户 with a business and a workshop job that held all along: sustained.
    b = make_household(clerk, BAOFENG_VILLAGE, members=1, is_alleviated=True)
    registry.income_record(
        user=clerk,
        household_id=b.pk,
        year=today.year,
        operating=line + 2000,
        recorded_on=half_year_ago,
    )
    # C: a 一般农户 is not counted; D: a 脱贫户 with nothing recorded counts as lacking all.
    make_household(clerk, BAOFENG_VILLAGE, members=1)
    make_household(clerk, BAOFENG_VILLAGE, members=1, is_alleviated=True)
    shop = programs.workshop_create(
        user=county, name="车间", type="home", village_code=BAOFENG_VILLAGE, owner="公司"
    )
    started = add_months(today, -7)
    programs.workshop_worker_add(
        user=county,
        workshop_id=shop.pk,
        person_id=b.current_memberships().first().person_id,
        starts_on=started,
        monthly_wage=0,
    )

    before = _status(client, a)
    assert (before["industry"], before["employment"], before["income"]) == (False, False, False)
    assert _status(client, b)["sustained"] is True
    shares = _shares(client)
    assert shares["households"] == 3
    assert (shares["industry"], shares["employment"], shares["income"]) == (1, 1, 1)
    assert (shares["all_three"], shares["sustained"]) == (1, 1)
    assert shares["sustained_share"] == 0.3333

    # A dividend of 2,000 from a cooperative: property income, and an industry.
    entity = programs.entity_create(
        user=county, name="合作社", type="cooperative", county_code=BAOFENG
    )
    client.api(
        "POST",
        "/benefit-links",
        {
            "household_id": a.pk,
            "entity_id": entity.pk,
            "kind": "dividend",
            "year": today.year,
            "amount": 2000,
        },
    )
    record = IncomeRecord.objects.filter(household=a, year=today.year).latest("recorded_on")
    assert record.linked_property == Decimal("2000.00")
    assert record.per_capita_net == line + 500
    middle = _status(client, a)
    assert (middle["industry"], middle["employment"], middle["income"]) == (True, False, True)

    # A workshop job for A's head at 1,000 a month: wage income, and a job.
    head = a.current_memberships().first().person_id
    answer = client.api(
        "POST",
        f"/workshops/{shop.pk}/workers",
        {"person_id": head, "starts_on": started.isoformat(), "monthly_wage": 1000},
    )
    assert answer.status_code == 201
    months = programs.months_in_year(started, None, today.year)
    record.refresh_from_db()
    assert record.linked_wage == Decimal(1000 * months)
    assert record.wage == Decimal(1000 * months)
    assert record.per_capita_net == line + 500 + Decimal(500 * months)
    after = _status(client, a)
    assert (after["industry"], after["employment"], after["income"]) == (True, True, True)
    assert after["all_three"] is True

    shares = _shares(client)
    assert (shares["industry"], shares["employment"], shares["income"]) == (2, 2, 2)
    assert shares["all_three"] == 2 and shares["all_three_share"] == 0.6667
    # 持续 needs the three over the last six months: A's dividend counts for its year only.
    a_sustained = half_year_ago.year == today.year
    assert after["sustained"] is a_sustained
    assert shares["sustained"] == 1 + a_sustained

    figure = three_haves_share(BAOFENG, today.strftime("%Y-%m"))
    assert figure.denominator == 3 and figure.numerator == 1 + a_sustained


def test_a_monitored_household_is_counted_and_a_planned_measure_is_not_an_industry(
    api_as, make_user
):
    from fangpin.monitoring import services as monitoring
    from fangpin.monitoring.models import Case, State
    from tests.registry.helpers import make_household

    clerk = make_user("village", BAOFENG_VILLAGE, "clerk")
    home = make_household(clerk, BAOFENG_VILLAGE, members=1)
    case = monitoring.case_create(
        user=clerk, household=home, channel="self_report", category="marginal", risk_types=["01"]
    )
    Case.objects.filter(pk=case.pk).update(state=State.MONITORED)
    monitoring.measure_create(
        user=clerk,
        case_id=case.pk,
        type="industry",
        content="种苗",
        starts_on=add_months(timezone.localdate(), -1),
    )
    client = api_as("county", BAOFENG)
    assert _shares(client)["households"] == 1
    assert _status(client, home)["industry"] is False
