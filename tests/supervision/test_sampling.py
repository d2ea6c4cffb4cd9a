"""Post-assessment samples: reproducible with a seed, inside the drawn villages, by stratum."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from django.utils import timezone

from fangpin.monitoring.models import Case
from fangpin.monitoring.seeding import seed as seed_cases
from fangpin.registry.models import Household, Membership
from fangpin.registry.seeding import registry_seed
from fangpin.supervision.sampling import allocate
from tests.conftest import BAOFENG, BAOFENG_TOWN, CITY, YEXIAN, YEXIAN_TOWN

pytestmark = pytest.mark.django_db

MONITORED = {
    "monitored",
    "elimination_reported",
    "elimination_verified",
    "elimination_deliberated",
    "elimination_publicized",
    "elimination_township_approved",
}


@pytest.fixture
def registry() -> None:
    registry_seed(households=700, random_seed=21, regions=[BAOFENG_TOWN, YEXIAN_TOWN])
    today = timezone.localdate()
    for rng_seed in (1, 2):
        seed_cases(
            rng=random.Random(rng_seed), households=Household.objects.order_by("id"), today=today
        )


def draw(client, seed: int, **extra):
    body = {"year": 2026, "villages_per_county": 3, "households_per_county": 60, "seed": seed}
    answer = client.api("POST", "/assessment-samples", {**body, **extra})
    assert answer.status_code == 201, answer.json()
    return answer.json()


def expected_stratum(household: Household) -> str:
    """The stratum, worked out here from the household's own records."""
    for case in Case.objects.filter(household=household):
        if case.state in MONITORED:
            return case.category
    ill = Membership.objects.filter(
        household=household, ended_on__isnull=True, person__health__contains="大病"
    ).exists()
    if ill:
        return "serious_illness"
    cases = Case.objects.filter(household=household)
    if (
        any(r.startswith("02") for c in cases for r in c.risk_types)
        or household.warnings.filter(risk_type__startswith="02").exists()
    ):
        return "disaster"
    return "alleviated" if household.is_alleviated else "general"


def test_the_same_seed_gives_the_same_sample_and_another_seed_another(registry, api_as):
    city = api_as("city", CITY)
    first = draw(city, 42)
    second = draw(city, 42)
    assert first["id"] != second["id"]
    assert first["villages"] == second["villages"]
    assert first["households"] == second["households"]
    assert first["strata"] == second["strata"]
    other = draw(city, 43)
    assert (other["villages"], other["households"]) != (first["villages"], first["households"])
    stored = city.api("GET", f"/assessment-samples/{first['id']}").json()
    assert stored["households"] == first["households"]


def test_the_sample_respects_counties_villages_and_strata(registry, api_as):
    sample = draw(api_as("city", CITY), 7)
    villages = [v["code"] for v in sample["villages"]]
    per_county = Counter(code[:6] for code in villages)
    assert per_county == {BAOFENG: 3, YEXIAN: 3}
    households = {h["household_id"]: h["stratum"] for h in sample["households"]}
    assert len(households) == len(sample["households"])  # nobody twice
    chosen = Household.objects.in_bulk(list(households))
    by_county = Counter(hh.village_id[:6] for hh in chosen.values())
    for county in (BAOFENG, YEXIAN):
        mine = [v for v in villages if v.startswith(county)]
        in_villages = Household.objects.filter(village_id__in=mine).count()
        assert by_county[county] == min(60, in_villages)
    for household_id, stratum in households.items():
        assert chosen[household_id].village_id in villages
        assert stratum == expected_stratum(chosen[household_id]), household_id
    # Each stratum got its share of weight × households (largest remainders), and the strata
    # weighted up (monitored objects) are over-represented against ordinary households.
    strata = sample["strata"]
    assert sum(s["sampled"] for s in strata.values()) == len(households)
    monitored = sum(strata[k]["sampled"] for k in ("unstable", "marginal", "sudden"))
    monitored_pool = sum(
        strata[k]["in_sampled_villages"] for k in ("unstable", "marginal", "sudden")
    )
    if monitored_pool and strata["general"]["in_sampled_villages"]:
        assert (
            monitored / monitored_pool
            > strata["general"]["sampled"] / strata["general"]["in_sampled_villages"]
        )
    assert strata["unstable"]["weight"] == 3.0 and strata["general"]["weight"] == 0.5


def test_allocation_follows_weight_times_size_and_never_exceeds_a_stratum():
    from decimal import Decimal

    w = {"a": Decimal(3), "b": Decimal(1), "c": Decimal("0.5")}
    # Shares 10, 13.33, 6.67: the last seat goes to the largest remainder.
    assert allocate(30, {"a": 10, "b": 40, "c": 40}, w) == {"a": 10, "b": 13, "c": 7}
    # A stratum smaller than its share gives the rest to the others.
    assert allocate(30, {"a": 5, "b": 40, "c": 40}, w) == {"a": 5, "b": 17, "c": 8}
    assert allocate(10, {"a": 2, "b": 2, "c": 2}, w) == {"a": 2, "b": 2, "c": 2}
    assert sum(allocate(7, {"a": 5, "b": 5, "c": 5}, w).values()) == 7


def test_a_county_samples_only_itself(registry, api_as):
    county = api_as("county", YEXIAN)
    answer = county.api(
        "POST",
        "/assessment-samples",
        {
            "year": 2026,
            "villages_per_county": 2,
            "households_per_county": 10,
            "seed": 1,
            "region_code": BAOFENG,
        },
    )
    assert answer.status_code == 404
    own = draw(county, 1)
    assert {v["code"][:6] for v in own["villages"]} == {YEXIAN}
    assert (
        api_as("county", BAOFENG).api("GET", f"/assessment-samples/{own['id']}").status_code == 404
    )


def test_assessors_record_findings_for_a_sampled_household(registry, api_as):
    city = api_as("city", CITY)
    sample = draw(city, 3)
    household_id = sample["households"][0]["household_id"]
    path = f"/assessment-samples/{sample['id']}/findings"
    answer = city.api("POST", path, {"household_id": household_id, "findings": "收入核算无误"})
    assert answer.status_code == 200 and answer.json()["findings"] == "收入核算无误"
    stored = city.api("GET", f"/assessment-samples/{sample['id']}").json()["households"][0]
    assert stored["findings"] == "收入核算无误"
    outside = Household.objects.exclude(pk__in=[h["household_id"] for h in sample["households"]])
    other = city.api("POST", path, {"household_id": outside.first().pk, "findings": "x"})
    assert other.status_code == 404
