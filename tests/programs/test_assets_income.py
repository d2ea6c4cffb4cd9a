"""Asset income and its distribution to households: each share reaches the household's income
record as property income through the benefit-link path, re-distributing the same income is
done once, and never more than the income is handed out."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from fangpin.monitoring.clock import add_months
from fangpin.policy.services import monitoring_line
from fangpin.programs import services as programs
from fangpin.programs.models import BenefitLink
from fangpin.registry import services as registry
from fangpin.registry.models import IncomeRecord
from tests.conftest import BAOFENG, BAOFENG_TOWN, BAOFENG_VILLAGE, YEXIAN_VILLAGE
from tests.registry.helpers import make_household

pytestmark = pytest.mark.django_db

BAOFENG_VILLAGE_2 = "410421101202"


def _year() -> int:
    return timezone.localdate().year


@pytest.fixture
def clerk(make_user):
    return make_user("village", BAOFENG_VILLAGE, "clerk")


@pytest.fixture
def county(api_as):
    return api_as("county", BAOFENG, "county-clerk")


@pytest.fixture
def asset(county):
    return programs.asset_create(
        user=county.user,
        name="光伏电站",
        asset_class="operating",
        value=300000,
        village_code=BAOFENG_VILLAGE,
        rights={k: "村集体" for k in ("ownership", "operation", "management")},
    )


def _income(client, asset, amount, year=None) -> dict:
    response = client.api(
        "POST",
        f"/assets/{asset.pk}/incomes",
        {"year": year or _year(), "amount": amount, "source": "发电收益"},
    )
    assert response.status_code == 201, response.json()
    return response.json()


def _distribute(client, income_id, body) -> object:
    return client.api("PUT", f"/asset-incomes/{income_id}/distribution", body)


def _record(household) -> IncomeRecord:
    return IncomeRecord.objects.filter(household=household, year=_year()).latest("recorded_on")


def test_asset_income_distributed_changes_the_income_record_and_three_haves(county, asset, clerk):
    today = timezone.localdate()
    line = monitoring_line(today.year)
    # A 脱贫户 of two with a job, its income half a year old and 1,000 yuan under the line.
    poor = make_household(clerk, BAOFENG_VILLAGE, members=2, is_alleviated=True)
    registry.income_record(
        user=clerk,
        household_id=poor.pk,
        year=today.year,
        wage=2 * line - 1000,
        recorded_on=add_months(today, -1),
    )
    before = county.api("GET", f"/three-haves/households/{poor.pk}").json()
    assert (before["industry"], before["employment"], before["income"]) == (False, True, False)
    record = _record(poor)
    assert record.property == 0

    income = _income(county, asset, "3000.00")
    response = _distribute(
        county,
        income["id"],
        {"rule": "list", "shares": [{"household_id": poor.pk, "amount": 3000}]},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["distributed"] == "3000.00" and body["undistributed"] == "0.00"
    assert [s["household_id"] for s in body["shares"]] == [poor.pk]

    record = _record(poor)
    assert record.property == Decimal("3000.00") and record.linked_property == Decimal("3000.00")
    assert record.per_capita_net == (2 * line - 1000 + 3000) / 2
    after = county.api("GET", f"/three-haves/households/{poor.pk}").json()
    # The share is an asset's income: an industry; the income is now above the line.
    assert (after["industry"], after["employment"], after["income"]) == (True, True, True)
    # The figure lives once: the link of kind asset_income, listed with the other links.
    link = BenefitLink.objects.get(household=poor)
    assert (link.kind, link.amount, link.asset_income_id) == (
        "asset_income",
        Decimal("3000.00"),
        income["id"],
    )
    listed = county.api("GET", "/benefit-links", {"region": BAOFENG}).json()["items"]
    assert [(i["kind"], i["amount"], i["asset_income_id"]) for i in listed] == [
        ("asset_income", "3000.00", income["id"])
    ]


def test_equal_shares_go_to_the_villages_alleviated_and_monitored_households(
    county, asset, clerk, make_user
):
    township = make_user("township", BAOFENG_TOWN, "township-clerk")
    a = make_household(clerk, BAOFENG_VILLAGE, members=2, is_alleviated=True)
    b = make_household(clerk, BAOFENG_VILLAGE, members=1, is_alleviated=True)
    c = make_household(clerk, BAOFENG_VILLAGE, members=3, is_alleviated=True)
    make_household(clerk, BAOFENG_VILLAGE, members=1)  # 一般农户: no share
    next_village = make_household(township, BAOFENG_VILLAGE_2, members=1, is_alleviated=True)
    income = _income(county, asset, "1000.00")

    body = _distribute(county, income["id"], {"rule": "equal"}).json()

    shares = {s["household_id"]: s["amount"] for s in body["shares"]}
    # 1,000 yuan in three: the fen left over goes to the first household.
    assert shares == {a.pk: "333.34", b.pk: "333.33", c.pk: "333.33"}
    assert next_village.pk not in shares
    assert body["distributed"] == "1000.00" and body["rule"] == "equal"
    for household, amount in ((a, "333.34"), (b, "333.33"), (c, "333.33")):
        assert _record(household).property == Decimal(amount)


def test_the_same_distribution_twice_has_the_effect_of_once(county, asset, clerk):
    a = make_household(clerk, BAOFENG_VILLAGE, members=2, is_alleviated=True)
    b = make_household(clerk, BAOFENG_VILLAGE, members=2, is_alleviated=True)
    income = _income(county, asset, "900.00")
    body = {
        "rule": "list",
        "shares": [{"household_id": a.pk, "amount": 500}, {"household_id": b.pk, "amount": 400}],
    }
    first = _distribute(county, income["id"], body).json()
    records = {h.pk: _record(h).history.count() for h in (a, b)}

    second = _distribute(county, income["id"], body)

    assert second.status_code == 200 and second.json()["shares"] == first["shares"]
    assert BenefitLink.objects.filter(asset_income_id=income["id"]).count() == 2
    assert {h.pk: _record(h).history.count() for h in (a, b)} == records
    assert _record(a).property == Decimal("500.00")


def test_a_new_distribution_replaces_the_old_one_and_the_dropped_household_loses_it(
    county, asset, clerk
):
    a = make_household(clerk, BAOFENG_VILLAGE, members=2, is_alleviated=True)
    b = make_household(clerk, BAOFENG_VILLAGE, members=2, is_alleviated=True)
    income = _income(county, asset, "900.00")
    _distribute(
        county,
        income["id"],
        {
            "rule": "list",
            "shares": [
                {"household_id": a.pk, "amount": 500},
                {"household_id": b.pk, "amount": 400},
            ],
        },
    )

    _distribute(
        county, income["id"], {"rule": "list", "shares": [{"household_id": a.pk, "amount": 900}]}
    )

    assert _record(a).property == Decimal("900.00")
    assert _record(b).property == Decimal("0.00")
    # Nothing is lost: the dropped share stays in the links' history.
    assert BenefitLink.history.filter(household_id=b.pk, history_type="-").count() == 1


def test_distributing_more_than_the_income_is_refused_with_409(county, asset, clerk):
    a = make_household(clerk, BAOFENG_VILLAGE, members=2, is_alleviated=True)
    b = make_household(clerk, BAOFENG_VILLAGE, members=2, is_alleviated=True)
    income = _income(county, asset, "800.00")

    response = _distribute(
        county,
        income["id"],
        {
            "rule": "list",
            "shares": [
                {"household_id": a.pk, "amount": 500},
                {"household_id": b.pk, "amount": 400},
            ],
        },
    )
    too_much_equal = _distribute(county, income["id"], {"rule": "equal", "total": 801})

    assert response.status_code == 409
    assert response.json()["code"] == "asset_income_over_distributed"
    assert "超过" in response.json()["detail"]
    assert too_much_equal.status_code == 409
    assert not BenefitLink.objects.exists()
    assert not IncomeRecord.objects.filter(household__in=[a, b]).exists()


def test_a_list_naming_a_household_outside_the_assets_county_or_twice_is_refused(
    county, asset, clerk, make_user
):
    a = make_household(clerk, BAOFENG_VILLAGE, members=2, is_alleviated=True)
    yexian_clerk = make_user("village", YEXIAN_VILLAGE, "yexian-clerk")
    far = make_household(yexian_clerk, YEXIAN_VILLAGE, members=1, is_alleviated=True)
    income = _income(county, asset, "800.00")

    twice = _distribute(
        county,
        income["id"],
        {
            "rule": "list",
            "shares": [
                {"household_id": a.pk, "amount": 100},
                {"household_id": a.pk, "amount": 100},
            ],
        },
    )
    outside = _distribute(
        county, income["id"], {"rule": "list", "shares": [{"household_id": far.pk, "amount": 1}]}
    )

    assert twice.status_code == 400
    assert twice.json()["code"] == "asset_income_duplicate_household"
    assert outside.status_code == 404
    assert outside.json()["code"] == "asset_income_household_not_found"


def test_equal_distribution_in_a_village_without_target_households_is_refused(county, asset):
    income = _income(county, asset, "800.00")
    response = _distribute(county, income["id"], {"rule": "equal"})
    assert response.status_code == 409
    assert response.json()["code"] == "asset_income_no_households"


def test_a_village_user_reads_incomes_but_may_not_record_or_distribute(api_as, county, asset):
    income = _income(county, asset, "800.00")
    village = api_as("village", BAOFENG_VILLAGE)
    assert village.api("GET", "/asset-incomes").json()["count"] == 1
    refused = village.api(
        "POST", f"/assets/{asset.pk}/incomes", {"year": _year(), "amount": 1, "source": "租金"}
    )
    assert refused.status_code == 403
    again = _distribute(village, income["id"], {"rule": "equal"})
    assert again.status_code == 403
