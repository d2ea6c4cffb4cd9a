"""The household plan (一户一策) and assistance measures of a case."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from fangpin.accounts.models import Role, User
from fangpin.core.bounds import MAX_YUAN
from fangpin.core.errors import BadValue, Conflict, Forbidden, NotFound
from fangpin.core.phone import clean_phone
from fangpin.core.scoping import get_scoped

from ..guards import GuardCode
from ..models import (
    Case,
    Measure,
    MeasureStatus,
    MeasureType,
    Plan,
    State,
)
from .common import _choice, _event, _jsonable

PLAN_ROLES = frozenset({Role.VILLAGE, Role.TOWNSHIP})
MEASURE_ROLES = frozenset({Role.VILLAGE, Role.TOWNSHIP})


PLAN_FIELDS = (
    "summary",
    "helper_name",
    "helper_phone",
    "helper_unit",
    "contact_name",
    "contact_phone",
    "contact_unit",
)


PHONE_LABELS = {"helper_phone": "帮扶责任人电话", "contact_phone": "监测联系人电话"}


def _case_for_assistance(user: User, case_id: int, roles: frozenset[str]) -> Case:
    case = get_scoped(Case.objects.select_related("household"), user, pk=case_id)
    if user.role not in roles:
        raise Forbidden("您的角色不能登记帮扶计划或措施")
    if case.state == State.REJECTED:
        raise Conflict("未纳入监测的记录不能登记帮扶", code=GuardCode.ACTION_NOT_ALLOWED)
    return case


@transaction.atomic
def plan_set(*, user: User, case_id: int, **values: str) -> Plan:
    """Set the household's plan (一户一策): helper, contact and the plan text."""
    case = _case_for_assistance(user, case_id, PLAN_ROLES)
    unknown = set(values) - set(PLAN_FIELDS)
    if unknown:
        raise BadValue(f"未知字段:{'、'.join(sorted(unknown))}", code="invalid_field")
    plan = Plan.objects.select_for_update().filter(household=case.household).first()
    if plan is None:
        plan = Plan(household=case.household)
    cleaned = {}
    for key, value in values.items():
        text = (value or "").strip()
        cleaned[key] = clean_phone(text, PHONE_LABELS[key]) if key in PHONE_LABELS else text
    changed = {k: v for k, v in cleaned.items() if getattr(plan, k) != v}
    if not changed:
        return plan  # an unchanged save changes nothing: no history row, no event
    for key, value in changed.items():
        setattr(plan, key, value)
    plan.save()
    _event(case=case, user=user, action="plan", from_state=case.state, body=dict(values))
    return plan


def _check_measure_dates(starts_on: dt.date, ends_on: dt.date | None) -> None:
    if ends_on is not None and ends_on < starts_on:
        raise BadValue("结束日期不能早于开始日期", code="invalid_dates")


@transaction.atomic
def measure_create(
    *,
    user: User,
    case_id: int,
    type: str,
    content: str,
    starts_on: dt.date,
    status: str = MeasureStatus.PLANNED,
    amount: Decimal | None = None,
    ends_on: dt.date | None = None,
) -> Measure:
    case = _case_for_assistance(user, case_id, MEASURE_ROLES)
    _choice(type, MeasureType, "帮扶类型", "invalid_measure_type")
    _choice(status, MeasureStatus, "措施状态", "invalid_measure_status")
    if not content.strip():
        raise BadValue("请填写帮扶内容", code="content_required")
    if amount is not None and amount < 0:
        raise BadValue("金额不能为负数", code="invalid_amount")
    # The column holds 12 digits (10 before the point): a larger sum would fail in the database.
    if amount is not None and amount > MAX_YUAN:
        raise BadValue("金额过大,请核对", code="invalid_amount")
    _check_measure_dates(starts_on, ends_on)
    measure = Measure.objects.create(
        household=case.household,
        case=case,
        type=type,
        content=content.strip(),
        amount=amount,
        starts_on=starts_on,
        ends_on=ends_on,
        status=status,
        created_by=user,
    )
    _event(
        case=case,
        user=user,
        action="measure",
        from_state=case.state,
        body=_jsonable(
            {
                "measure_id": measure.pk,
                "type": type,
                "content": measure.content,
                "amount": amount,
                "starts_on": starts_on,
                "ends_on": ends_on,
                "status": status,
            }
        ),
    )
    return measure


@transaction.atomic
def measure_update(
    *,
    user: User,
    case_id: int,
    measure_id: int,
    status: str | None = None,
    ends_on: dt.date | None = None,
) -> Measure:
    """Mark a measure implemented or end it: measures end only by such an explicit decision."""
    case = _case_for_assistance(user, case_id, MEASURE_ROLES)
    try:
        measure = Measure.objects.select_for_update().get(pk=measure_id, household=case.household)
    except Measure.DoesNotExist:
        raise NotFound() from None
    changes: dict[str, Any] = {}
    if status is not None:
        measure.status = _choice(status, MeasureStatus, "措施状态", "invalid_measure_status")
        changes["status"] = status
    if ends_on is not None:
        _check_measure_dates(measure.starts_on, ends_on)
        measure.ends_on = ends_on
        changes["ends_on"] = ends_on
    measure.save()
    _event(
        case=case,
        user=user,
        action="measure_update",
        from_state=case.state,
        body=_jsonable({"measure_id": measure.pk, **changes}),
    )
    return measure
