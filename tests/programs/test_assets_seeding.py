"""The demo seeder's asset work: shared asset income shows in the income records, a disposal
approved (asset kept) and one waiting, this year's check with some assets flagged, groups."""

from __future__ import annotations

import random

import pytest
from django.db.models import Sum
from django.utils import timezone

from fangpin.programs import seeding
from fangpin.programs.models import Asset, AssetDisposal, AssetIncome, BenefitLink, VillageGroup
from fangpin.programs.selectors_assets import asset_work_figures
from fangpin.programs.services import linked_income
from fangpin.registry.models import Household, IncomeRecord
from fangpin.registry.seeding import registry_seed
from tests.conftest import BAOFENG, BAOFENG_TOWN

pytestmark = pytest.mark.django_db


def test_demo_asset_work_is_consistent_and_feeds_incomes():
    registry_seed(households=200, random_seed=3, regions=[BAOFENG_TOWN], progress=False)
    today = timezone.localdate()
    seeding.seed(rng=random.Random(1), households=Household.objects.order_by("id"), today=today)

    shared = BenefitLink.objects.filter(asset_income__isnull=False)
    assert shared.exists()
    for income in AssetIncome.objects.all():
        given = income.links.aggregate(s=Sum("amount"))["s"]
        assert given is None or given <= income.amount
    for hid in set(shared.values_list("household_id", flat=True)):
        wage, prop = linked_income(hid, today.year)
        record = IncomeRecord.objects.get(household_id=hid, year=today.year)
        assert (record.linked_wage, record.linked_property) == (wage, prop)
    approved = AssetDisposal.objects.get(state="approved")
    assert Asset.objects.get(pk=approved.asset_id).disposed_on == approved.decided_on
    assert AssetDisposal.objects.filter(state="requested").count() == 1
    figures = asset_work_figures(BAOFENG, today.year)
    assert 0 < figures.check.checked < figures.check.assets
    assert figures.groups == VillageGroup.objects.count() == 1
