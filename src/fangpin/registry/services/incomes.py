"""Recording a household's income for a year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.db import transaction

from fangpin.core.bounds import MAX_YUAN
from fangpin.core.errors import BadValue
from fangpin.core.money import yuan
from fangpin.core.scoping import get_scoped

from ..models import Household, IncomeRecord
from .common import (
    INVALID_AMOUNT,
    INVALID_YEAR,
    NEGATIVE_AMOUNT,
    NO_MEMBERS,
    _save,
    _today,
    _writable_household,
)

if TYPE_CHECKING:
    from fangpin.accounts.models import User


def _amount(value: object, label: str) -> Decimal:
    if value is None or value == "":
        return Decimal("0.00")
    try:
        amount = yuan(value)
    except (InvalidOperation, ValueError):
        raise BadValue(f"{label}应为金额(元)", code=INVALID_AMOUNT) from None
    if amount < 0:
        raise BadValue(f"{label}不能为负数", code=NEGATIVE_AMOUNT)
    if amount > MAX_YUAN:
        raise BadValue(f"{label}超过 10 亿元,请核对", code=INVALID_AMOUNT)
    return amount


def per_capita_net(
    *,
    wage: Decimal,
    operating: Decimal,
    property: Decimal,
    transfer: Decimal,
    operating_cost: Decimal,
    members: int,
) -> tuple[Decimal, Decimal]:
    """(家庭纯收入, 人均纯收入) per DOMAIN §2, in yuan with two places."""
    net = yuan(wage + operating + property + transfer - operating_cost)
    return net, yuan(net / members)


@transaction.atomic
def income_record(
    *,
    user: User,
    household_id: int | str,
    year: int,
    wage: object = 0,
    operating: object = 0,
    property: object = 0,
    transfer: object = 0,
    operating_cost: object = 0,
    insurance_payout: object = 0,
    out_of_pocket_medical: object = 0,
    recorded_on: dt.date | None = None,
) -> IncomeRecord:
    """Record a household's income for a year; per-capita net uses today's member count.

    The typed wage and property income are the parts not paid through benefit links: the
    linked parts of the year (see `income_links_set`) are carried over and added.
    """
    household = _writable_household(user, household_id)
    today = _today()
    if not 2000 <= int(year) <= today.year + 1:
        raise BadValue(f"年度 {year} 不合理", code=INVALID_YEAR)
    members = household.memberships.filter(ended_on__isnull=True).count()
    if members == 0:
        raise BadValue("该户没有现有成员,无法计算人均收入", code=NO_MEMBERS)
    amounts = {
        "wage": _amount(wage, "工资性收入"),
        "operating": _amount(operating, "生产经营性收入"),
        "property": _amount(property, "财产性收入"),
        "transfer": _amount(transfer, "转移性收入"),
        "operating_cost": _amount(operating_cost, "生产经营性支出"),
    }
    linked = _linked_parts(household.pk, int(year))
    amounts["wage"] += linked[0]
    amounts["property"] += linked[1]
    net, per_capita = per_capita_net(**amounts, members=members)
    record = IncomeRecord(
        linked_wage=linked[0],
        linked_property=linked[1],
        household=household,
        year=int(year),
        recorded_on=recorded_on or today,
        insurance_payout=_amount(insurance_payout, "理赔收入"),
        out_of_pocket_medical=_amount(out_of_pocket_medical, "合规自付支出"),
        members=members,
        net_income=net,
        per_capita_net=per_capita,
        recorded_by=user,
        **amounts,
    )
    _save(record, user)
    return record


def _linked_parts(household_id: int, year: int) -> tuple[Decimal, Decimal]:
    latest = (
        IncomeRecord.objects.filter(household_id=household_id, year=year)
        .order_by("-recorded_on", "-id")
        .values_list("linked_wage", "linked_property")
        .first()
    )
    return (latest[0], latest[1]) if latest else (Decimal("0.00"), Decimal("0.00"))


@transaction.atomic
def income_links_set(
    *,
    user: User,
    household_id: int | str,
    year: int,
    wage: Decimal,
    property: Decimal,
) -> IncomeRecord:
    """Set the parts of a year's income that come from benefit links (四金) and workshops.

    Called by the programs app with the year's totals of the household's links whenever one
    changes; the registry never reads those links itself (apps depend one way). The latest
    record of the year is updated in place (simple-history keeps the former figures, with the
    user), so the typed parts stay as typed; a year with no record yet gets one holding only
    the linked parts. The caller has checked the user's role; scope is checked here.
    """
    household = get_scoped(Household.objects.select_for_update(), user, pk=household_id)
    wage, property = yuan(wage), yuan(property)
    record = (
        IncomeRecord.objects.select_for_update()
        .filter(household=household, year=int(year))
        .order_by("-recorded_on", "-id")
        .first()
    )
    if record is None:
        members = household.memberships.filter(ended_on__isnull=True).count()
        if members == 0:
            raise BadValue("该户没有现有成员,无法计算人均收入", code=NO_MEMBERS)
        record = IncomeRecord(
            household=household,
            year=int(year),
            recorded_on=_today(),
            members=members,
            recorded_by=user,
        )
    elif record.linked_wage == wage and record.linked_property == property:
        return record
    record.wage = record.wage - record.linked_wage + wage
    record.property = record.property - record.linked_property + property
    record.linked_wage, record.linked_property = wage, property
    record.net_income, record.per_capita_net = per_capita_net(
        wage=record.wage,
        operating=record.operating,
        property=record.property,
        transfer=record.transfer,
        operating_cost=record.operating_cost,
        members=record.members,
    )
    _save(record, user, "联农带农收入变化")
    return record
