from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Path, Router, Schema

from fangpin.auth import AuthedRequest
from fangpin.core.bounds import Text100, Year, Yuan
from fangpin.core.errors import Forbidden

from . import services
from .defaults import PARAMETERS, TERM_LABELS
from .models import MonitoringLine, Parameter, Term, YearValue, as_number

router = Router(tags=["政策参数"])


class LineIn(Schema):
    yuan: Yuan


class ValueIn(Schema):
    value: Yuan
    year: Year | None = None  # set the value of one year (figures that change every year)


class TermIn(Schema):
    valid_from: dt.date
    text: Text100


def _require_city(request: AuthedRequest) -> None:
    if request.auth.role != "city":
        raise Forbidden("只有市级用户可以查看和修改政策参数")


def _snapshot() -> dict[str, Any]:
    province = services.province_code()
    lines = {
        str(line.year): as_number(line.yuan)
        for line in MonitoringLine.objects.filter(province=province).order_by("year")
    }
    stored = {p.key: p.value for p in Parameter.objects.filter(province=province)}
    by_year: dict[str, dict[str, Any]] = {}
    for row in YearValue.objects.filter(province=province).order_by("key", "year"):
        by_year.setdefault(row.key, {})[str(row.year)] = as_number(row.value)
    terms: dict[str, Any] = {
        key: {"label": label, "versions": []} for key, label in TERM_LABELS.items()
    }
    for term in Term.objects.order_by("key", "valid_from"):
        if term.key in terms:
            terms[term.key]["versions"].append({"valid_from": term.valid_from, "text": term.text})
    parameters = {
        key: {
            "value": as_number(stored.get(key, default)),
            "label": label,
            "unit": unit,
        }
        for key, (default, label, unit) in PARAMETERS.items()
    }
    return {
        "province": province,
        "monitoring_lines": lines,
        "parameters": parameters,
        "parameters_by_year": by_year,
        "terms": terms,
    }


@router.get("", summary="政策参数与各年度监测线")
def policy_get(request: AuthedRequest) -> dict[str, Any]:
    _require_city(request)
    return _snapshot()


@router.put("/monitoring-lines/{year}", summary="设置某年度监测线")
def monitoring_line_put(
    request: AuthedRequest, body: LineIn, year: int = Path(..., ge=1900, le=2200)
) -> dict[str, Any]:
    line = services.monitoring_line_set(user=request.auth, year=year, yuan=body.yuan)
    return {"year": line.year, "yuan": as_number(line.yuan)}


@router.put("/parameters/{key}", summary="设置政策参数")
def parameter_put(
    request: AuthedRequest, body: ValueIn, key: str = Path(..., max_length=64)
) -> dict[str, Any]:
    if body.year is not None:
        yearly = services.parameter_year_set(
            user=request.auth, key=key, year=body.year, value=body.value
        )
        return {"key": yearly.key, "year": yearly.year, "value": as_number(yearly.value)}
    row = services.parameter_set(user=request.auth, key=key, value=body.value)
    return {"key": row.key, "value": as_number(row.value)}


@router.put("/terms/{key}", summary="设置政策用语(自某日起使用的名称)")
def term_put(
    request: AuthedRequest, body: TermIn, key: str = Path(..., max_length=64)
) -> dict[str, Any]:
    row = services.term_set(user=request.auth, key=key, valid_from=body.valid_from, text=body.text)
    return {"key": row.key, "valid_from": row.valid_from, "text": row.text}
