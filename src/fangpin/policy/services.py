"""Reading and setting policy parameters and monitoring lines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction

from fangpin.accounts.models import Role, User
from fangpin.core.errors import BadValue, Forbidden

from .defaults import MONITORING_LINES, PARAMETERS, TERMS, YEAR_VALUES
from .error_codes import PolicyErrorCode
from .models import HENAN, MonitoringLine, Parameter, Term, YearValue


def province_code() -> str:
    """The province whose policy applies (setting FANGPIN_PROVINCE, Henan by default)."""
    return str(getattr(settings, "FANGPIN_PROVINCE", HENAN))


def _latest(values: dict[int, Decimal], year: int) -> Decimal | None:
    known = [y for y in values if y <= year]
    return values[max(known)] if known else None


def parameter(key: str, *, year: int | None = None, province: str | None = None) -> Decimal:
    """The value in force for a parameter; for `year`, its value of that year (or the latest
    earlier year) when it has yearly values. Stored rows first, then the defaults."""
    province = province or province_code()
    if year is not None:
        yearly = (
            YearValue.objects.filter(province=province, key=key, year__lte=year)
            .order_by("-year")
            .values_list("value", flat=True)
            .first()
        )
        if yearly is not None:
            return yearly
    row = (
        Parameter.objects.filter(province=province, key=key).values_list("value", flat=True).first()
    )
    if row is not None:
        return row
    if key not in PARAMETERS:
        raise KeyError(key)
    default = _latest(YEAR_VALUES.get(key, {}), year) if year is not None else None
    return default if default is not None else PARAMETERS[key][0]


def parameter_int(key: str, *, year: int | None = None, province: str | None = None) -> int:
    return int(parameter(key, year=year, province=province))


class Terms:
    """Every name the policy gives, with the day each came into force (one query)."""

    def __init__(self) -> None:
        self.versions: dict[str, dict[dt.date, str]] = {k: dict(v) for k, v in TERMS.items()}
        stored: dict[str, dict[dt.date, str]] = {}
        for key, valid_from, text in Term.objects.values_list("key", "valid_from", "text"):
            stored.setdefault(key, {})[valid_from] = text
        self.versions.update(stored)  # a key with stored names uses only those

    def get(self, key: str, on: dt.date) -> str:
        """The name in force on `on` (the earliest one for a date before them all)."""
        versions = self.versions.get(key)
        if not versions:
            raise KeyError(key)
        earlier = [d for d in versions if d <= on]
        return versions[max(earlier) if earlier else min(versions)]


def term(key: str, on: dt.date) -> str:
    """The name `key` in force on `on`."""
    return Terms().get(key, on)


def monitoring_line(year: int, *, province: str | None = None) -> Decimal | None:
    """The line for a year; a year without its own line uses the latest earlier one."""
    province = province or province_code()
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
    """Store the defaults once, so that they show (and are edited) as rows."""
    province = province_code()
    for year, yuan in MONITORING_LINES.items():
        MonitoringLine.objects.get_or_create(province=province, year=year, defaults={"yuan": yuan})
    for key, (value, _label, _unit) in PARAMETERS.items():
        Parameter.objects.get_or_create(province=province, key=key, defaults={"value": value})
    for key, years in YEAR_VALUES.items():
        for year, amount in years.items():
            YearValue.objects.get_or_create(
                province=province, key=key, year=year, defaults={"value": amount}
            )
    for key, versions in TERMS.items():
        for valid_from, text in versions.items():
            Term.objects.get_or_create(key=key, valid_from=valid_from, defaults={"text": text})


def _require_city(user: User) -> None:
    if user.role != Role.CITY:
        raise Forbidden("只有市级用户可以修改政策参数")


def _number(raw: object, what: str) -> Decimal:
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        raise BadValue(f"{what}必须是数字", code=PolicyErrorCode.INVALID_NUMBER) from None
    if value < 0 or not value.is_finite():
        raise BadValue(f"{what}不能为负数", code=PolicyErrorCode.INVALID_NUMBER)
    # The columns hold 8 digits before the point; a larger value would fail in the database.
    if value >= Decimal(10) ** 8:
        raise BadValue(f"{what}过大,请核对", code=PolicyErrorCode.INVALID_NUMBER)
    return value


def monitoring_line_set(*, user: User, year: int, yuan: object) -> MonitoringLine:
    _require_city(user)
    if not 2013 <= year <= 2100:
        raise BadValue("年度超出范围(2013–2100)", code=PolicyErrorCode.INVALID_YEAR)
    amount = _number(yuan, "监测线")
    with transaction.atomic():
        line, _ = MonitoringLine.objects.select_for_update().get_or_create(
            province=province_code(), year=year, defaults={"yuan": amount}
        )
        if line.yuan != amount:
            line.yuan = amount
            line._change_reason = "市级修改监测线"  # type: ignore[attr-defined]
            line.save()
    return line


def parameter_set_check(*, user: User, key: str, value: object) -> Decimal:
    """The city may set it, the key exists, the value is a number of the right kind."""
    _require_city(user)
    if key not in PARAMETERS:
        raise BadValue(f"未知参数 {key}", code=PolicyErrorCode.UNKNOWN_PARAMETER)
    _, label, unit = PARAMETERS[key]
    amount = _number(value, label)
    # Days, months and ages are counted whole: 5.5 days would silently become 5.
    if unit in {"天", "工作日", "月", "岁"} and amount != amount.to_integral_value():
        raise BadValue(f"{label}必须是整数", code=PolicyErrorCode.INVALID_NUMBER)
    return amount


def parameter_set(*, user: User, key: str, value: object) -> Parameter:
    amount = parameter_set_check(user=user, key=key, value=value)
    with transaction.atomic():
        row, _ = Parameter.objects.select_for_update().get_or_create(
            province=province_code(), key=key, defaults={"value": amount}
        )
        if row.value != amount:
            row.value = amount
            row.save()
    return row


def parameter_year_set(*, user: User, key: str, year: int, value: object) -> YearValue:
    """Set a parameter's value for one year (kept with its history)."""
    row = parameter_set_check(user=user, key=key, value=value)
    if not 2013 <= year <= 2100:
        raise BadValue("年度超出范围(2013–2100)", code=PolicyErrorCode.INVALID_YEAR)
    with transaction.atomic():
        stored, _ = YearValue.objects.select_for_update().get_or_create(
            province=province_code(), key=key, year=year, defaults={"value": row}
        )
        if stored.value != row:
            stored.value = row
            stored.save()
    return stored


def term_set(*, user: User, key: str, valid_from: dt.date, text: str) -> Term:
    """Name `key` `text` from `valid_from` on (earlier dates keep their own name)."""
    _require_city(user)
    if key not in TERMS:
        raise BadValue(f"未知的名称项 {key}", code=PolicyErrorCode.UNKNOWN_TERM)
    text = text.strip()
    if not text or len(text) > 64:
        raise BadValue("名称不能为空,且不超过 64 个字", code=PolicyErrorCode.INVALID_TERM)
    with transaction.atomic():
        row, _ = Term.objects.select_for_update().get_or_create(
            key=key, valid_from=valid_from, defaults={"text": text}
        )
        if row.text != text:
            row.text = text
            row.save()
    return row
