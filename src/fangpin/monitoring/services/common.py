"""Validation and event helpers shared by the monitoring services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from fangpin.accounts.models import User
from fangpin.core.errors import BadValue
from fangpin.policy.services import parameter_int
from fangpin.registry.choices import CAN_WORK, SchoolStatus
from fangpin.registry.models import Household, Person

from ..error_codes import MonitoringErrorCode
from ..models import (
    Case,
    CaseEvent,
    RiskType,
)

MAX_RISK_TYPES = 5


def clean_risk_types(raw: Iterable[str]) -> list[str]:
    codes = [str(code).strip() for code in raw]
    if not 1 <= len(codes) <= MAX_RISK_TYPES:
        raise BadValue("风险类型须填写 1 至 5 项", code=MonitoringErrorCode.INVALID_RISK_TYPES)
    unknown = [code for code in codes if code not in RiskType.values]
    if unknown:
        raise BadValue(
            f"未知的风险类型代码:{'、'.join(unknown)}(应为全国系统代码,如 01、0201、07)",
            code=MonitoringErrorCode.INVALID_RISK_TYPES,
        )
    if len(set(codes)) != len(codes):
        raise BadValue("风险类型不能重复", code=MonitoringErrorCode.INVALID_RISK_TYPES)
    return codes


def check_risk_types_fit(household: Household, codes: Iterable[str], today: dt.date) -> None:
    """Risk types the household's own members make impossible are refused (400)."""
    people = [m.person for m in household.current_memberships().select_related("person")]
    if RiskType.UNSTABLE_EMPLOYMENT in codes and not any(p.labour in CAN_WORK for p in people):
        raise BadValue(
            "该户没有具备劳动能力的成员,不能选择风险类型「因务工就业不稳」",
            code=MonitoringErrorCode.RISK_TYPE_NEEDS_LABOUR,
        )
    if RiskType.SCHOOLING in codes and not any(_in_school(p, today) for p in people):
        raise BadValue(
            "该户没有在校学生或义务教育适龄儿童,不能选择风险类型「因学」",
            code=MonitoringErrorCode.RISK_TYPE_NEEDS_STUDENT,
        )


def _in_school(person: Person, today: dt.date) -> bool:
    """A pupil or student: enrolled (在校生情况), or of compulsory-school age (in school or
    not: a child who dropped out is the 因学 risk itself)."""
    if person.school_status not in ("", SchoolStatus.NOT_IN_SCHOOL, SchoolStatus.PRESCHOOL):
        return True
    low = parameter_int("compulsory_school_age_min", year=today.year)
    high = parameter_int("compulsory_school_age_max", year=today.year)
    return low <= person.age_on(today) <= high


def _choice(value: str, choices: Any, what: str, code: str) -> str:
    if value not in choices.values:
        raise BadValue(f"{what}取值无效:{value}", code=code)
    return value


def _event(
    *, case: Case, user: User | None, action: str, from_state: str, body: dict[str, Any]
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, actor=user, action=action, from_state=from_state, to_state=case.state, body=body
    )


def _jsonable(body: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in body.items():
        if isinstance(value, dt.date):
            out[key] = value.isoformat()
        elif isinstance(value, Decimal):
            out[key] = str(value)
        else:
            out[key] = value
    return out
