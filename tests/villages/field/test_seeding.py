"""The demo seeder: every household in one grid, months of visits, the sample catalogue."""

from __future__ import annotations

import random

from django.utils import timezone

from fangpin.monitoring.seeding import seed as seed_cases
from fangpin.registry.models import Household
from fangpin.registry.seeding import registry_seed
from fangpin.villages.field.seeding import seed
from fangpin.villages.models import Grid, GridHousehold, Liaison, Policy, SelfReport, Visit
from tests.conftest import BAOFENG_TOWN


def test_the_demo_puts_every_household_in_a_grid_and_visits_them(db, make_user):
    registry_seed(households=400, random_seed=7, regions=[BAOFENG_TOWN])
    make_user("village", "410421101201", "zhouzhuangcun")
    today = timezone.localdate()
    households = Household.objects.order_by("id")
    seed_cases(rng=random.Random(3), households=households, today=today)
    seed(rng=random.Random(5), households=households, today=today)

    assert GridHousehold.objects.count() == households.count()
    assert not GridHousehold.objects.exclude(grid__level__in=["village", "group"]).exists()
    assert all(
        link.grid.region_id == link.household.village_id
        for link in GridHousehold.objects.all()[:200]
    )
    assert Grid.objects.filter(level="county").count() == 1
    assert Grid.objects.filter(level="township").count() == 1
    assert Visit.objects.count() > 100
    months = {v.visited_on.strftime("%Y-%m") for v in Visit.objects.all()}
    assert len(months) >= 3
    assert Policy.objects.filter(sample=True).count() == 22 + 13
    assert Policy.objects.filter(level="city").count() >= 13
    assert Liaison.objects.exists() and SelfReport.objects.exists()
    # Running it again changes nothing.
    counts = (Grid.objects.count(), Visit.objects.count(), Policy.objects.count())
    seed(rng=random.Random(5), households=households, today=today)
    assert (Grid.objects.count(), Visit.objects.count(), Policy.objects.count()) == counts
