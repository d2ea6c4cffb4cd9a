from __future__ import annotations

from typing import Any

from ninja import Path, Router, Schema

from fangpin.auth import AuthedRequest
from fangpin.core.bounds import Yuan
from fangpin.core.errors import Forbidden

from . import services
from .defaults import PARAMETERS
from .models import HENAN, MonitoringLine, Parameter, as_number

router = Router(tags=["政策参数"])


class LineIn(Schema):
    yuan: Yuan


class ValueIn(Schema):
    value: Yuan


def _require_city(request: AuthedRequest) -> None:
    if request.auth.role != "city":
        raise Forbidden("只有市级用户可以查看和修改政策参数")


def _snapshot() -> dict[str, Any]:
    lines = {
        str(line.year): as_number(line.yuan)
        for line in MonitoringLine.objects.filter(province=HENAN).order_by("year")
    }
    stored = {p.key: p.value for p in Parameter.objects.filter(province=HENAN)}
    parameters = {
        key: {
            "value": as_number(stored.get(key, default)),
            "label": label,
            "unit": unit,
        }
        for key, (default, label, unit) in PARAMETERS.items()
    }
    return {"province": HENAN, "monitoring_lines": lines, "parameters": parameters}


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
    row = services.parameter_set(user=request.auth, key=key, value=body.value)
    return {"key": row.key, "value": as_number(row.value)}
