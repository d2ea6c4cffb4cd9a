"""Monitoring listens to screening: a department event on a household with an open case is
added to that case as evidence (a `department_evidence` entry in its history), not warned
again (CONTRACT §6)."""

from __future__ import annotations

from typing import Any

from fangpin.screening.signals import ScreenedEvent

from .models import Case, CaseEvent

EVIDENCE_ACTION = "department_evidence"


def events_to_cases(sender: Any, events: list[ScreenedEvent], **_: Any) -> set[int]:
    """Add each event to its household's open case, once; the households that have one."""
    households = {e.household_id for e in events}
    cases = {
        case.household_id: case
        for case in Case.objects.open()
        .filter(household_id__in=households)
        .only("pk", "household_id", "state")
    }
    if not cases:
        return set()
    known = set(
        CaseEvent.objects.filter(case__in=cases.values(), action=EVIDENCE_ACTION).values_list(
            "case_id", "body__event"
        )
    )
    added = []
    for e in events:
        case = cases.get(e.household_id)
        if case is None or (case.pk, e.event) in known:
            continue
        known.add((case.pk, e.event))
        added.append(
            CaseEvent(
                case=case,
                action=EVIDENCE_ACTION,
                from_state=case.state,
                to_state=case.state,
                body={
                    "event": e.event,
                    "person": e.person_id,
                    "batch": e.batch_id,
                    "period": e.period,
                    "rules": e.rules,
                    "rule_titles": "、".join(e.rule_titles),
                    "finding": e.message,
                    "evidence": e.evidence,
                },
            )
        )
    CaseEvent.objects.bulk_create(added)
    return set(cases)
