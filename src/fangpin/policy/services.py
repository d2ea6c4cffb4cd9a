"""Reading and setting policy parameters and monitoring lines."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction

from fangpin.accounts.models import Role, User
from fangpin.core.errors import BadValue, Forbidden

from .defaults import MONITORING_LINES, PARAMETERS
from .models import HENAN, MonitoringLine, Parameter


def parameter(key: str, *, province: str = HENAN) -> Decimal:
    """The value in force for a parameter: the stored one, else the default."""
    row = (
        Parameter.objects.filter(province=province, key=key).values_list("value", flat=True).first()
    )
    if row is not None:
        return row
    if key not in PARAMETERS:
        raise KeyError(key)
    return PARAMETERS[key][0]


def parameter_int(key: str, *, province: str = HENAN) -> int:
    return int(parameter(key, province=province))


def monitoring_line(year: int, *, province: str = HENAN) -> Decimal | None:
    """The line for a year; a year without its own line uses the latest earlier one."""
    row = (
        MonitoringLine.objects.filter(province=province, year__lte=year)
        .order_by("-year")
        .values_list("yuan", flat=True)
        .first()
    )
    if row is not None:
        return row
    known = [y for y in MONITORING_LINES if y <= year] if province == HENAN else []
    return MONITORING_LINES[max(known)] if known else None


def policy_seed() -> None:
    """Store the Henan defaults once, so that they show (and are edited) as rows."""
    for year, yuan in MONITORING_LINES.items():
        MonitoringLine.objects.get_or_create(province=HENAN, year=year, defaults={"yuan": yuan})
    for key, (value, _label, _unit) in PARAMETERS.items():
        Parameter.objects.get_or_create(province=HENAN, key=key, defaults={"value": value})


def _require_city(user: User) -> None:
    if user.role != Role.CITY:
        raise Forbidden("只有市级用户可以修改政策参数")


def _number(raw: object, what: str) -> Decimal:
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        raise BadValue(f"{what}必须是数字", code="invalid_number") from None
    if value < 0 or not value.is_finite():
        raise BadValue(f"{what}不能为负数", code="invalid_number")
    # The columns hold 8 digits before the point; a larger value would fail in the database.
    if value >= Decimal(10) ** 8:
        raise BadValue(f"{what}过大,请核对", code="invalid_number")
    return value


def monitoring_line_set(*, user: User, year: int, yuan: object) -> MonitoringLine:
    _require_city(user)
    if not 2013 <= year <= 2100:
        raise BadValue("年度超出范围(2013–2100)", code="invalid_year")
    amount = _number(yuan, "监测线")
    with transaction.atomic():
        line, _ = MonitoringLine.objects.select_for_update().get_or_create(
            province=HENAN, year=year, defaults={"yuan": amount}
        )
        if line.yuan != amount:
            line.yuan = amount
            line._change_reason = "市级修改监测线"  # type: ignore[attr-defined]
            line.save()
    return line


def parameter_set(*, user: User, key: str, value: object) -> Parameter:
    _require_city(user)
    if key not in PARAMETERS:
        raise BadValue(f"未知参数 {key}", code="unknown_parameter")
    _, label, unit = PARAMETERS[key]
    amount = _number(value, label)
    # Days, months and ages are counted whole: 5.5 days would silently become 5.
    if unit in {"天", "工作日", "月", "岁"} and amount != amount.to_integral_value():
        raise BadValue(f"{label}必须是整数", code="invalid_number")
    with transaction.atomic():
        row, _ = Parameter.objects.select_for_update().get_or_create(
            province=HENAN, key=key, defaults={"value": amount}
        )
        if row.value != amount:
            row.value = amount
            row.save()
    return row
