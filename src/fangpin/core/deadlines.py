"""Deadlines in working days (工作日), following the State Council's holiday schedule.

The schedule, including weekend days made working days (调休), is announced each autumn for
the next year only. `chinese_calendar` knows the announced years; past its last year a day is
a working day when it is Monday to Friday, and the deadline is marked provisional so that it
can be recomputed once the library is updated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

import chinese_calendar


@dataclass(frozen=True)
class Deadline:
    due_on: dt.date
    provisional: bool


@cache
def last_known_year() -> int:
    return max(chinese_calendar.holidays).year


def is_working_day(day: dt.date) -> tuple[bool, bool]:
    """(is it a working day, is that answer provisional)."""
    if day.year > last_known_year():
        return day.weekday() < 5, True
    return bool(chinese_calendar.is_workday(day)), False


def add_working_days(start: dt.date, days: int) -> Deadline:
    """The day `days` working days after `start` (the start day itself is not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    provisional = False
    remaining = days
    while remaining:
        day += dt.timedelta(days=1)
        working, guessed = is_working_day(day)
        provisional = provisional or guessed
        if working:
            remaining -= 1
    return Deadline(due_on=day, provisional=provisional)
