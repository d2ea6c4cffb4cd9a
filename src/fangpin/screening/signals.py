"""What screening tells the apps above it (they listen; screening never imports them).

`events_screened` is sent inside the batch's final transaction with `events`, a list of
`ScreenedEvent`. A receiver returns the household ids it took in hand (a household with an
open monitoring case: the event becomes evidence on that case); screening makes warnings for
the others only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.dispatch import Signal

events_screened = Signal()


@dataclass
class ScreenedEvent:
    household_id: int
    person_id: int | None
    event: str  # "medical:<person>:<settled_on>": one stay, one grant, one assessment
    batch_id: int
    period: str
    rules: list[str]
    rule_titles: list[str]
    message: str
    risk_type: str
    evidence: list[dict[str, Any]] = field(default_factory=list)
