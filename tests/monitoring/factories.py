"""Test data for monitoring: households with members, income records and guarantees."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from decimal import Decimal

from fangpin.core import idcard
from fangpin.registry.models import Guarantee, Household, IncomeRecord, Membership, Person

_sequence = itertools.count(1)


def household(
    village: str,
    *,
    alleviated: bool = False,
    labours: Sequence[str] = ("普通劳动力", "普通劳动力", "无劳动力"),
) -> Household:
    n = next(_sequence)
    hh = Household.objects.create(
        number=f"T{village}{n:05d}",
        village_id=village,
        is_alleviated=alleviated,
        head_name=f"户主{n}",
        member_count=len(labours),
    )
    for i, labour in enumerate(labours):
        birth = dt.date(1960 + i * 7, 1 + n % 12, 1 + n % 28)
        person = Person.objects.create(
            id_number=idcard.make(village, birth, n * 10 + i),
            name=f"成员{n}-{i}",
            sex="男" if i % 2 == 0 else "女",
            birth_date=birth,
            labour=labour,
        )
        Membership.objects.create(
            household=hh,
            person=person,
            relation="户主" if i == 0 else "之子",
            started_on=dt.date(2015, 1, 1),
        )
    return hh


def income(
    hh: Household,
    *,
    per_capita: int | str,
    recorded_on: dt.date,
    year: int | None = None,
    out_of_pocket: int | str = 0,
) -> IncomeRecord:
    """An income record; `out_of_pocket` is the household's rigid spending (合规自付支出)."""
    members = hh.member_count or 1
    per = Decimal(per_capita)
    return IncomeRecord.objects.create(
        household=hh,
        year=year or recorded_on.year,
        recorded_on=recorded_on,
        wage=per * members,
        out_of_pocket_medical=Decimal(out_of_pocket),
        members=members,
        net_income=per * members,
        per_capita_net=per,
    )


def guarantees(hh: Household, *, all_met: bool = True) -> Guarantee:
    return Guarantee.objects.update_or_create(
        household=hh,
        defaults={"housing_grade": "A" if all_met else "D", "assessed_on": dt.date(2026, 1, 1)},
    )[0]


def enrol(hh: Household, school_status: str = "高中一年级") -> Person:
    """Make the household's youngest member a student."""
    person = hh.current_memberships().order_by("-person__birth_date")[0].person
    person.school_status = school_status
    person.save(update_fields=["school_status"])
    return person
