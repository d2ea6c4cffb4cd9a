"""The pure parts of the load benchmark: latency figures, and the check against the history.

Kept apart from Django and locust so that tests can run them on made-up inputs
(tests/bench/test_load_check.py).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SeenAction:
    """One answer a client got to `POST /cases/{case}/actions/{action}`."""

    case_id: int
    action: str
    key: str  # the Idempotency-Key it was sent with
    status: int
    replayed: bool  # answered with `Idempotent-Replayed: true`


@dataclass
class HistoryCheck:
    """How the answers the clients saw compare with the case history after the run."""

    acted: int = 0  # distinct (case, action) that a client saw succeed
    events: int = 0  # matching history entries
    replays: int = 0  # retries answered from the kept first answer
    lost: list[tuple[int, str]] = field(default_factory=list)  # 2xx seen, no history entry
    doubled: list[tuple[int, str]] = field(default_factory=list)  # more than one entry
    unseen: list[tuple[int, str]] = field(default_factory=list)  # an entry no client saw
    # A retry answered afresh (not replayed) while its key had already succeeded: it acted twice.
    replay_ran_again: list[str] = field(default_factory=list)
    # A replayed answer for a key that never succeeded first: the kept answer came from nowhere.
    replay_without_first: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (
            self.lost
            or self.doubled
            or self.unseen
            or self.replay_ran_again
            or self.replay_without_first
        )

    def summary(self) -> str:
        verdict = "OK" if self.ok else "FAILED"
        return (
            f"{verdict}: {self.acted} actions seen succeed, {self.events} in the history, "
            f"{self.replays} retries replayed; lost {len(self.lost)}, doubled "
            f"{len(self.doubled)}, unseen {len(self.unseen)}, retries that acted again "
            f"{len(self.replay_ran_again)}, replays without a first "
            f"{len(self.replay_without_first)}"
        )


def history_check(seen: Iterable[SeenAction], events: Iterable[tuple[int, str]]) -> HistoryCheck:
    """Compare the actions clients saw succeed with the history entries `(case_id, action)`.

    Every (case, action) a client saw answered 2xx must be in the history exactly once, and
    the history must hold nothing no client saw (the cases were made for the run). A retry
    with the same key must be answered from the kept answer, never run again.
    """
    result = HistoryCheck()
    succeeded: set[tuple[int, str]] = set()
    first_by_key: dict[str, tuple[int, str]] = {}
    for answer in seen:
        if not 200 <= answer.status < 300:
            continue
        target = (answer.case_id, answer.action)
        if answer.replayed:
            result.replays += 1
            if answer.key not in first_by_key:
                result.replay_without_first.append(answer.key)
            continue
        if answer.key in first_by_key:
            result.replay_ran_again.append(answer.key)
            continue
        first_by_key[answer.key] = target
        succeeded.add(target)
    counted = Counter(events)
    result.acted = len(succeeded)
    result.events = sum(counted.values())
    result.lost = sorted(t for t in succeeded if counted[t] == 0)
    result.doubled = sorted(t for t, n in counted.items() if n > 1)
    result.unseen = sorted(t for t in counted if t not in succeeded)
    return result


@dataclass
class VisitCheck:
    """Visits the clients saw made (201) against the visits stored during the run."""

    made: int = 0
    stored: int = 0
    replays: int = 0
    lost: list[int] = field(default_factory=list)  # an id answered but not stored
    extra: list[int] = field(default_factory=list)  # stored, never answered: a doubled retry
    replay_differs: list[str] = field(default_factory=list)  # a retry got another id

    @property
    def ok(self) -> bool:
        return not (self.lost or self.extra or self.replay_differs)

    def summary(self) -> str:
        verdict = "OK" if self.ok else "FAILED"
        return (
            f"{verdict}: {self.made} visits made, {self.stored} stored, {self.replays} retries "
            f"replayed; lost {len(self.lost)}, extra {len(self.extra)}, retries answered with "
            f"another visit {len(self.replay_differs)}"
        )


def visit_check(answers: Iterable[tuple[str, int, bool]], stored: Iterable[int]) -> VisitCheck:
    """`answers`: (Idempotency-Key, visit id, replayed) of every 201; `stored`: visit ids."""
    result = VisitCheck()
    by_key: dict[str, int] = {}
    for key, visit_id, replayed in answers:
        if key in by_key:
            result.replays += 1
            if by_key[key] != visit_id or not replayed:
                result.replay_differs.append(key)
            continue
        by_key[key] = visit_id
    made = set(by_key.values())
    kept = set(stored)
    result.made = len(made)
    result.stored = len(kept)
    result.lost = sorted(made - kept)
    result.extra = sorted(kept - made)
    return result


def percentile_ms(samples: Sequence[float], q: float) -> float:
    """The q-quantile (0..1) of latencies in seconds, in ms, by the nearest-rank method."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    rank = max(1, math.ceil(q * len(ordered)))
    return ordered[rank - 1] * 1000


@dataclass
class KindFigures:
    kind: str
    requests: int
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float


def figures(kind: str, latencies: Sequence[float], errors: int) -> KindFigures:
    return KindFigures(
        kind=kind,
        requests=len(latencies) + errors,
        errors=errors,
        p50_ms=percentile_ms(latencies, 0.50),
        p95_ms=percentile_ms(latencies, 0.95),
        p99_ms=percentile_ms(latencies, 0.99),
    )
