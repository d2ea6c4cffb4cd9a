"""`fangpin demo --no-serve`: accounts for every role and a registry, made once."""

from __future__ import annotations

import datetime as dt
import random
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import QuerySet
from django.test import Client, override_settings

from fangpin.accounts.models import Role, User
from fangpin.registry.models import Household

pytestmark = pytest.mark.django_db(transaction=False)


def _demo(households: int = 120) -> str:
    out = StringIO()
    call_command("demo", "--no-serve", "--households", str(households), stdout=out)
    return out.getvalue()


def test_demo_creates_one_account_per_role_and_prints_them_in_chinese() -> None:
    printed = _demo()
    users = User.objects.filter(
        username__in=[
            "city",
            "baofeng",
            "yexian",
            "zhouzhuang",
            "zhouzhuangcun",
            "department",
            "viewer",
        ]
    )
    assert {u.role for u in users} == set(Role.values)
    assert {u.region_id for u in users} >= {
        "410400",
        "410421",
        "410422",
        "410421101",
        "410421101201",
    }
    for heading in ("用户名", "密码", "角色", "区划", "fangpin2026", "周庄镇"):
        assert heading in printed
    assert Client().login(username="zhouzhuangcun", password="fangpin2026")


def test_demo_seeds_the_registry_with_households_in_the_demo_village() -> None:
    _demo(households=120)
    assert Household.objects.count() == 120
    assert Household.objects.filter(village_id="410421101201").count() >= 30
    counties = {n[:6] for n in Household.objects.values_list("village_id", flat=True)}
    assert len(counties) >= 4


def test_running_demo_again_keeps_the_data_and_adds_nothing() -> None:
    _demo(households=120)
    numbers = set(Household.objects.values_list("number", flat=True))
    password_hash = User.objects.get(username="city").password
    printed = _demo(households=120)
    assert set(Household.objects.values_list("number", flat=True)) == numbers
    assert User.objects.get(username="city").password == password_hash
    assert "保留现有数据" in printed


CALLS: list[tuple[str, int, bool]] = []


def first_demo_seeder(
    *, rng: random.Random, households: QuerySet[Household], today: dt.date
) -> None:
    CALLS.append(("first", households.count(), isinstance(today, dt.date)))


def second_demo_seeder(
    *, rng: random.Random, households: QuerySet[Household], today: dt.date
) -> None:
    CALLS.append(("second", households.count(), isinstance(rng, random.Random)))


def test_demo_runs_the_apps_demo_seeders_in_order_once_after_the_registry() -> None:
    CALLS.clear()
    seeders = [f"{__name__}.first_demo_seeder", f"{__name__}.second_demo_seeder"]
    with override_settings(FANGPIN_DEMO_SEEDERS=seeders):
        _demo(households=80)
        _demo(households=80)
    assert CALLS == [("first", 80, True), ("second", 80, True)]
