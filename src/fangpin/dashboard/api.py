"""Statistics API (`/api/v1/stats`)."""

from __future__ import annotations

from typing import Any

from ninja import Router

from fangpin.accounts.models import Role
from fangpin.auth import AuthedRequest
from fangpin.core.errors import Forbidden, NotFound
from fangpin.monitoring import clock
from fangpin.regions.selectors import region_get

from .summary import SummaryQuery

router = Router(tags=["统计"])


@router.get("/summary", summary="监测帮扶汇总(纳入、消除、消除率、逾期、待核实预警)")
def summary(request: AuthedRequest, region: str | None = None) -> dict[str, Any]:
    user = request.auth
    if user.role == Role.DEPARTMENT:
        # CONTRACT §3: departments upload batches only (the dashboard page refuses them too).
        raise Forbidden("行业部门用户只上报数据,不查看监测统计")
    code = region or (user.region_id or "")
    if not code:
        raise NotFound()
    place = region_get(user=user, code=code)
    return SummaryQuery(region=place, today=clock.today()).calculate().as_json()
