"""`fangpin seed`: a believable, valid and reproducible synthetic registry."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Count, Q

from fangpin.core import idcard
from fangpin.core.money import yuan
from fangpin.registry.choices import Relation
from fangpin.registry.models import Guarantee, Household, IncomeRecord, Membership, Person
from fangpin.registry.seeding import TASK_COUNTIES, registry_seed

TODAY = dt.date(2026, 6, 15)
pytestmark = pytest.mark.django_db


def _snapshot() -> list[tuple[Any, ...]]:
    rows = []
    for household in Household.objects.order_by("number"):
        members = sorted(
            (m.relation, m.person.id_number, m.person.name, m.person.health, m.person.labour)
            for m in household.memberships.select_related("person")
        )
        income = household.incomes.get()
        rows.append(
            (
                household.number,
                household.head_name,
                household.is_alleviated,
                household.address,
                tuple(members),
                income.per_capita_net,
                household.guarantee.housing_grade,
            )
        )
    return rows


def _empty_registry() -> None:
    IncomeRecord.objects.all().delete()
    Guarantee.objects.all().delete()
    Membership.objects.all().delete()
    Household.objects.all().delete()
    Person.objects.all().delete()


def test_the_same_random_seed_gives_the_same_registry() -> None:
    registry_seed(households=60, random_seed=7, today=TODAY)
    first = _snapshot()
    _empty_registry()
    registry_seed(households=60, random_seed=7, today=TODAY)
    assert _snapshot() == first
    _empty_registry()
    registry_seed(households=60, random_seed=8, today=TODAY)
    assert _snapshot() != first


def test_every_id_number_is_valid_and_agrees_with_birth_date_sex_and_county() -> None:
    registry_seed(households=300, random_seed=1, today=TODAY)
    people = list(
        Person.objects.values("id_number", "sex", "birth_date", "memberships__household__village")
    )
    assert len(people) >= 300
    for person in people:
        parsed = idcard.parse(person["id_number"])
        assert parsed.sex == person["sex"]
        assert parsed.birth_date == person["birth_date"]
        assert parsed.birth_date <= TODAY
        assert person["id_number"][:6] == person["memberships__household__village"][:6]


def test_every_household_has_exactly_one_head_and_its_counts_match_its_members() -> None:
    registry_seed(households=300, random_seed=2, today=TODAY)
    households = Household.objects.annotate(
        heads=Count("memberships", filter=Q(memberships__relation=Relation.HEAD)),
        members=Count("memberships", filter=Q(memberships__ended_on__isnull=True)),
    )
    for household in households:
        assert household.heads == 1
        assert household.member_count == household.members
        assert 1 <= household.members <= 7
        head = household.memberships.get(relation=Relation.HEAD).person
        assert household.head_name == head.name
        assert household.number.startswith(household.village_id)
        assert len(household.number) == 16


def test_income_is_computed_as_the_domain_says_and_some_households_are_below_the_line() -> None:
    registry_seed(households=300, random_seed=3, today=TODAY)
    below = 0
    for income in IncomeRecord.objects.select_related("household"):
        net = (
            income.wage
            + income.operating
            + income.property
            + income.transfer
            - income.operating_cost
        )
        assert income.net_income == net
        assert income.per_capita_net == yuan(net / income.members)
        assert income.members == income.household.member_count
        assert income.year == TODAY.year
        below += income.per_capita_net <= Decimal(8300)
    assert 0 < below < 150


def test_households_spread_over_the_seven_task_counties_with_some_alleviated() -> None:
    registry_seed(households=400, random_seed=4, today=TODAY)
    counties = Counter(number[:6] for number in Household.objects.values_list("number", flat=True))
    assert set(counties) == set(TASK_COUNTIES)
    alleviated = Household.objects.filter(is_alleviated=True).count()
    assert 60 <= alleviated <= 200
    assert Guarantee.objects.count() == 400
    assert Guarantee.objects.filter(housing_grade__in=["A", "B"]).count() > 300


def test_seeding_again_with_another_seed_adds_households_without_colliding() -> None:
    registry_seed(households=150, random_seed=5, regions=["410421101201"], today=TODAY)
    registry_seed(households=150, random_seed=5, regions=["410421101201"], today=TODAY)
    registry_seed(households=100, random_seed=6, regions=["410421101201"], today=TODAY)
    assert Household.objects.filter(village_id="410421101201").count() == 400
    assert Household.objects.values("number").distinct().count() == 400
    assert Person.objects.values("id_hash").distinct().count() == Person.objects.count()


def test_the_seed_command_reports_what_it_made() -> None:
    out = StringIO()
    call_command(
        "seed", "--households", "20", "--random-seed", "9", "--counties", "410422", stdout=out
    )
    assert "已生成 20 户" in out.getvalue()
    villages = Household.objects.values_list("village_id", flat=True)
    assert all(code.startswith("410422") for code in villages)
    assert Household.objects.count() == 20


def test_the_seed_command_rejects_an_unknown_region() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="没有村级区划"):
        call_command("seed", "--households", "5", "--counties", "419999", stdout=StringIO())
