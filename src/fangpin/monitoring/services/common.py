"""Validation and event helpers shared by the monitoring services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from fangpin.accounts.models import User
from fangpin.core.errors import BadValue

from ..models import (
    Case,
    CaseEvent,
    RiskType,
)

MAX_RISK_TYPES = 5


def clean_risk_types(raw: Iterable[str]) -> list[str]:
    codes = [str(code).strip() for code in raw]
    if not 1 <= len(codes) <= MAX_RISK_TYPES:
        raise BadValue("风险类型须填写 1 至 5 项", code="invalid_risk_types")
    unknown = [code for code in codes if code not in RiskType.values]
    if unknown:
        raise BadValue(
            f"未知的风险类型代码:{'、'.join(unknown)}(应为全国系统代码,如 01、0201、07)",
            code="invalid_risk_types",
        )
    if len(set(codes)) != len(codes):
        raise BadValue("风险类型不能重复", code="invalid_risk_types")
    return codes


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
