"""Seeding with several generator processes: the same seed gives the same registry, whatever
the number of processes and whichever finishes first, and nothing collides with stored rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction

from fangpin.core import idcard
from fangpin.registry.models import Guarantee, Household, IncomeRecord, Membership, Person
from fangpin.registry.seeding import registry_seed
from fangpin.registry.seeding.names import FEMALE, MALE
from fangpin.registry.seeding.people import _IdNumbers
from tests.conftest import BAOFENG_TOWN, BAOFENG_VILLAGE

TODAY = dt.date(2026, 6, 15)


def _snapshot() -> list[tuple[Any, ...]]:
    rows = []
    for household in Household.objects.order_by("number").prefetch_related(
        "memberships__person", "incomes"
    ):
        members = sorted(
            (m.relation, m.person.id_number, m.person.name, m.person.birth_date, m.person.phone)
            for m in household.memberships.all()
        )
        income = household.incomes.get()
        rows.append(
            (
                household.number,
                household.head_name,
                household.address,
                household.is_alleviated,
                tuple(members),
                income.net_income,
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


def _assert_unique() -> None:
    assert Household.objects.values("number").distinct().count() == Household.objects.count()
    assert Person.objects.values("id_hash").distinct().count() == Person.objects.count()


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_registry_with_any_number_of_processes() -> None:
    args = {"households": 120, "random_seed": 7, "today": TODAY, "regions": [BAOFENG_TOWN]}
    registry_seed(**args, processes=3, batch_size=25)
    first = _snapshot()
    _empty_registry()
    registry_seed(**args, processes=3, batch_size=25)
    assert _snapshot() == first
    _empty_registry()
    registry_seed(**args, processes=1, batch_size=25)
    assert _snapshot() == first
    assert len(first) == 120


def test_generator_slots_hand_out_disjoint_valid_id_numbers() -> None:
    birth = dt.date(1980, 3, 1)
    taken: dict[int, set[str]] = {0: set(), 1: set(), 2: set()}
    for slot in taken:
        ids = _IdNumbers(slot, 3)
        for n in range(400):  # more than one birthday holds per slot: spills to the day before
            sex = MALE if n % 2 else FEMALE
            number, born = ids.take("410421", birth, sex)
            parsed = idcard.parse(number)
            assert parsed.sex == sex
            assert parsed.birth_date == born <= birth
            taken[slot].add(number)
    assert all(len(numbers) == 400 for numbers in taken.values())
    assert not taken[0] & taken[1] and not taken[0] & taken[2] and not taken[1] & taken[2]


@pytest.mark.django_db
def test_seeding_again_with_other_process_counts_never_collides() -> None:
    for processes in (1, 2, 3):
        registry_seed(
            households=150,
            random_seed=5,
            regions=[BAOFENG_VILLAGE],
            today=TODAY,
            processes=processes,
            batch_size=40,
        )
    assert Household.objects.filter(village_id=BAOFENG_VILLAGE).count() == 450
    _assert_unique()
    for person in Person.objects.all():
        assert idcard.parse(person.id_number).birth_date == person.birth_date


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_forked_generators_write_what_one_process_would(
    reference_data_restored: Any, reference_data: Any
) -> None:
    args = {
        "households": 200,
        "random_seed": 11,
        "today": TODAY,
        "regions": [BAOFENG_TOWN],
        "batch_size": 30,
    }
    registry_seed(**args, processes=3)  # outside a transaction on PostgreSQL: forked
    parallel = _snapshot()
    _assert_unique()
    _empty_registry()
    registry_seed(**args, processes=2)
    assert _snapshot() == parallel
    _empty_registry()
    with transaction.atomic():  # inside one: every slot taken in turn in this process
        registry_seed(**args, processes=2)
    assert _snapshot() == parallel
    assert len(parallel) == 200
