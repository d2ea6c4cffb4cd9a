"""Computed indicators over cases (the catalogue of `fangpin.core.indicators`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from fangpin.core.errors import NotFound
from fangpin.core.indicators import Computed, formula, period_bounds, rate
from fangpin.core.scoping import region_q
from fangpin.regions.models import Region

from . import clock, dates
from .models import IDENTIFIED_STATES, Case, CaseEvent, State

RECORDS = 50  # a page of records behind a value


def _cases(region_code: str) -> QuerySet[Case]:
    prefix = Region.objects.filter(code=region_code).values_list("prefix", flat=True).first()
    if prefix is None:
        raise NotFound()
    return Case.objects.filter(region_q("village_id", prefix))


def _record(case: Case, note: str) -> dict[str, Any]:
    return {
        "label": f"{case.household.number} {note}",
        "url": reverse("monitoring:case_detail", args=[case.pk]),
        "case_id": case.pk,
    }


@formula(
    "elimination_rate_households",
    name="风险消除率(按户)",
    words=(
        "截至期末已风险消除的监测对象户数 ÷ 截至期末经县级审定纳入监测的监测对象户数;"
        "按户次计(消除后再次纳入的按两户次计),与统计看板的户消除率口径一致"
    ),
)
def elimination_rate_households(region_code: str, period: str) -> Computed:
    _, last = period_bounds(period)
    identified = _cases(region_code).filter(
        state__in=IDENTIFIED_STATES, identified_on__isnull=False, identified_on__lte=last
    )
    eliminated = identified.filter(state=State.ELIMINATED, eliminated_on__lte=last)
    whole, part = identified.count(), eliminated.count()
    records = [
        _record(c, f"{c.eliminated_on:%Y-%m-%d} 风险消除")
        for c in eliminated.select_related("household").order_by("-eliminated_on", "id")[:RECORDS]
    ]
    # Nothing identified: 0, as the dashboard says (not "all done").
    value = rate(part, whole) if whole else rate(0, 1)
    return Computed(value=value, numerator=part, denominator=whole, records=records)


@formula(
    "identification_on_time_rate",
    name="识别认定按时办结率",
    words=(
        "纳入监测办理时限落在本期、已到期或已办结的案件中,在时限内完成县级审定(或作出不予纳入"
        "决定)的件数 ÷ 这些案件的件数;时限为发现之日起的纳入监测办理时限(政策参数,默认15个工作日)"
    ),
)
def identification_on_time_rate(region_code: str, period: str) -> Computed:
    first, last = period_bounds(period)
    today = clock.today()
    cases = list(
        _cases(region_code)
        .filter(deadline__gte=first, deadline__lte=last)
        .select_related("household")
        .order_by("deadline", "id")
    )
    rejected_ids = [c.pk for c in cases if c.state == State.REJECTED]
    # The day a rejection was decided is the step's day (`done_on`, which may be backdated),
    # not the moment it was typed in.
    rejected_on: dict[int, dt.date] = {}
    for event in CaseEvent.objects.filter(
        case_id__in=rejected_ids, to_state=State.REJECTED
    ).order_by("id"):
        day = event.body.get(dates.ACTION_DAY) if isinstance(event.body, dict) else None
        rejected_on[event.case_id] = (
            dt.date.fromisoformat(day) if day else timezone.localdate(event.at)
        )
    due = on_time = 0
    late: list[dict[str, Any]] = []
    for case in cases:
        done_on = case.identified_on if case.state in IDENTIFIED_STATES else None
        if case.state == State.REJECTED:
            done_on = rejected_on.get(case.pk)
        if done_on is None and case.deadline >= today:
            continue  # still within its time limit: not due yet
        due += 1
        if done_on is not None and done_on <= case.deadline:
            on_time += 1
        elif len(late) < RECORDS:
            note = f"时限 {case.deadline:%Y-%m-%d}," + (
                f"{done_on:%Y-%m-%d} 办结" if done_on else "逾期未办结"
            )
            late.append(_record(case, note))
    return Computed(value=rate(on_time, due), numerator=on_time, denominator=due, records=late)
