"""Recomputing provisional inclusion deadlines."""

from __future__ import annotations

from django.db import transaction

from fangpin.core.deadlines import add_working_days
from fangpin.policy.services import parameter_int

from ..models import IDENTIFICATION_STATES, Case


def deadlines_recompute() -> int:
    """Recompute provisional inclusion deadlines (after the holiday calendar was updated).

    Returns how many cases changed. Only cases still in identification are touched: a
    deadline that has done its work is history.
    """
    days = parameter_int("inclusion_deadline_working_days")
    changed = 0
    with transaction.atomic():
        open_cases = Case.objects.select_for_update().filter(
            deadline_provisional=True, state__in=IDENTIFICATION_STATES
        )
        for case in open_cases:
            due = add_working_days(case.discovered_on, days)
            if (due.due_on, due.provisional) != (case.deadline, case.deadline_provisional):
                case.deadline, case.deadline_provisional = due.due_on, due.provisional
                case.save(update_fields=["deadline", "deadline_provisional", "updated_at"])
                changed += 1
    return changed
