"""The day each step of a case happened (CONTRACT §4 "Dates").

The paper trail is often entered later, so a step carries its own day: `reported_on` for the
report, `done_on` for an action (`starts_on` for a notice). That day is never in the future,
lies at most `backdate_max_days` back, and is never before the case's previous step.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from fangpin.core.errors import BadValue
from fangpin.policy.services import parameter_int

from .error_codes import MonitoringErrorCode as Code

if TYPE_CHECKING:
    from .models import Case, CaseEvent

# The body key that holds the day of each kind of step.
REPORT_DAY = "reported_on"
ACTION_DAY = "done_on"


def check_day(day: dt.date, *, today: dt.date, previous: dt.date | None, what: str) -> None:
    """Refuse (400) a step's day in the future, too far back, or before the previous step."""
    if day > today:
        raise BadValue(
            f"{what} {day:%Y年%m月%d日} 晚于今天,不能登记尚未发生的事项",
            code=Code.DATE_IN_FUTURE,
        )
    limit = parameter_int("backdate_max_days", year=today.year)
    if day < today - dt.timedelta(days=limit):
        raise BadValue(
            f"{what} {day:%Y年%m月%d日} 早于补录期限:最多可补录 {limit} 天前的日期",
            code=Code.DATE_TOO_FAR_BACK,
        )
    if previous is not None and day < previous:
        raise BadValue(
            f"{what} {day:%Y年%m月%d日} 早于上一环节的日期 {previous:%Y年%m月%d日},"
            "各环节须按先后顺序办理",
            code=Code.DATE_OUT_OF_ORDER,
        )


def event_day(event: CaseEvent) -> dt.date:
    """The day a step happened: the day it carries, else the day it was entered."""
    body: dict[str, Any] = event.body or {}
    raw = body.get(ACTION_DAY) or body.get(REPORT_DAY)
    if raw:
        try:
            return dt.date.fromisoformat(str(raw))
        except ValueError:
            pass
    return timezone.localdate(event.at)


def previous_step_day(case: Case, step_actions: frozenset[str]) -> dt.date:
    """The day of the case's latest step (its report, or a workflow action)."""
    event = case.events.filter(action__in=step_actions).order_by("-id").first()
    return event_day(event) if event is not None else case.discovered_on
