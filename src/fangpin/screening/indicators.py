"""Computed indicators over warnings (the catalogue of `fangpin.core.indicators`)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from fangpin.core.errors import NotFound
from fangpin.core.indicators import Computed, formula, period_bounds, rate
from fangpin.core.scoping import region_q
from fangpin.monitoring import clock
from fangpin.regions.models import Region

from .models import Warning

RECORDS = 50


@formula(
    "warning_response_rate",
    name="预警按时核实率",
    words=(
        "核实时限落在本期、已到期或已处理的部门筛查预警中,在时限当日或之前处理(排除或转入监测)"
        "的条数 ÷ 这些预警的条数;时限为预警核实时限(政策参数,默认10个工作日)"
    ),
)
def warning_response_rate(region_code: str, period: str) -> Computed:
    first, last = period_bounds(period)
    prefix = Region.objects.filter(code=region_code).values_list("prefix", flat=True).first()
    if prefix is None:
        raise NotFound()
    today = clock.today()
    warnings = (
        Warning.objects.filter(region_q("village_id", prefix))
        .filter(deadline__gte=first, deadline__lte=last)
        .select_related("household")
        .order_by("deadline", "id")
    )
    due = on_time = 0
    late: list[dict[str, Any]] = []
    for warning in warnings.iterator(chunk_size=2000):
        handled = warning.status != Warning.Status.OPEN
        if not handled and warning.deadline >= today:
            continue  # still within its time limit
        due += 1
        done_on = timezone.localdate(warning.resolved_at) if warning.resolved_at else None
        if handled and done_on is not None and done_on <= warning.deadline:
            on_time += 1
        elif len(late) < RECORDS:
            note = f"时限 {warning.deadline:%Y-%m-%d}," + (
                f"{done_on:%Y-%m-%d} 处理" if done_on else "逾期未处理"
            )
            late.append(
                {
                    "label": f"{warning.household.number} {warning.message} {note}",
                    "url": reverse("screening:warning_detail", args=[warning.pk]),
                    "warning_id": warning.pk,
                }
            )
    return Computed(value=rate(on_time, due), numerator=on_time, denominator=due, records=late)
