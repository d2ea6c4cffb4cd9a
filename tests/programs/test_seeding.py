"""The demo seeder: the seed's kind of figures, links that show in the income records."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from fangpin.programs import seeding
from fangpin.programs.models import BenefitLink, FundAllocation, Workshop, WorkshopWorker
from fangpin.programs.selectors import funds_figures
from fangpin.programs.services import linked_income
from fangpin.registry.models import Household, IncomeRecord
from fangpin.registry.seeding import registry_seed
from tests.conftest import BAOFENG, BAOFENG_TOWN

pytestmark = pytest.mark.django_db


def test_demo_programs_give_the_seed_figures_and_feed_incomes():
    registry_seed(households=200, random_seed=3, regions=[BAOFENG_TOWN], progress=False)
    today = timezone.localdate()
    seeding.seed(rng=random.Random(1), households=Household.objects.order_by("id"), today=today)
    summary = funds_figures(BAOFENG, BAOFENG, today.year)
    assert abs(summary.total - seeding.TOTAL_FUNDS) < Decimal("1")
    assert summary.change_rate == Decimal("0.0339")
    assert Workshop.objects.count() == seeding.WORKSHOPS_PER_COUNTY
    assert WorkshopWorker.objects.exists() and BenefitLink.objects.exists()
    for hid in set(BenefitLink.objects.values_list("household_id", flat=True)):
        wage, prop = linked_income(hid, today.year)
        record = IncomeRecord.objects.filter(household_id=hid, year=today.year).first()
        assert record is not None and (record.linked_wage, record.linked_property) == (wage, prop)
    # Seeding again keeps what is there.
    before = FundAllocation.objects.aggregate(s=Sum("amount"))["s"]
    seeding.seed(rng=random.Random(1), households=Household.objects.order_by("id"), today=today)
    assert FundAllocation.objects.aggregate(s=Sum("amount"))["s"] == before


def test_demo_employment_shows_in_the_labour_force_training_and_three_haves():
    from fangpin.programs.models import (
        Certificate,
        Enrolment,
        PublicWelfareJob,
        TrainingSchool,
        TransferEmployment,
    )
    from fangpin.programs.selectors_employment import compliance_figures, labour_force_figures
    from fangpin.programs.three_haves import region_shares

    registry_seed(households=200, random_seed=3, regions=[BAOFENG_TOWN], progress=False)
    today = timezone.localdate()
    before = region_shares(BAOFENG, today)
    seeding.seed(rng=random.Random(1), households=Household.objects.order_by("id"), today=today)
    labour = labour_force_figures(BAOFENG, today)
    assert 0 < labour.employed < labour.persons
    assert TrainingSchool.objects.filter(county_id=BAOFENG).count() == 3
    assert [c.compliant for c in compliance_figures(BAOFENG)] == [True]
    assert Enrolment.objects.exists() and Certificate.objects.exists()
    assert TransferEmployment.objects.filter(point_to_point=True).exists()
    assert PublicWelfareJob.objects.exists()
    # Jobs and reported employment raise the share of households with a job.
    assert region_shares(BAOFENG, today).employment > before.employment
