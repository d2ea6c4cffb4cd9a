"""Turning a run's hits into warnings: one per household and event, naming every rule that
fired, none twice for an event, each with its sentences, evidence rows and response deadline.
Runs inside the batch's final transaction (see `running.batch_run`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import duckdb
import pyarrow as pa
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from fangpin.core.deadlines import add_working_days
from fangpin.core.scoping import code_range
from fangpin.policy.services import parameter_int
from fangpin.registry.models import Household, Person

from ..engines import Hit, Result
from ..engines.sql import REF_BASE
from ..models import Batch, Warning
from ..signals import ScreenedEvent, events_screened
from ..sources import SOURCES
from .common import EVIDENCE_ROWS, period_bounds


def _evidence(result: Result, prior: tuple[Path, ...], refs: set[int]) -> dict[int, dict[str, Any]]:
    """The batch rows behind the hits (without ID number and name), by reference."""
    if not refs:
        return {}
    files = sorted(result.matched_dir.glob("*.parquet")) + list(prior)
    con = duckdb.connect()
    try:
        wanted = pa.table({"ref": pa.array(sorted(refs), pa.int64())})
        con.register("wanted", wanted)
        listing = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
        rows = (
            con.sql(
                "SELECT * EXCLUDE (person_id) "
                f"FROM read_parquet([{listing}], union_by_name = true) "
                "WHERE ref IN (SELECT ref FROM wanted)"
            )
            .to_arrow_table()
            .to_pylist()
        )
    finally:
        con.close()
    out = {}
    for item in rows:
        ref = item.pop("ref")
        batch_id, row_no = divmod(ref, REF_BASE)
        item["batch"] = batch_id
        item["row"] = row_no
        out[ref] = {k: _json(v) for k, v in item.items()}
    return out


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def warnings_from_hits(batch: Batch, result: Result, prior: tuple[Path, ...]) -> int:
    """Turn hits into warnings: one per household and event (one stay, one grant, one
    assessment) naming every rule that fired, none twice for an event. A household with an
    open monitoring case gets the event as evidence on its case instead (`events_screened`)."""
    low, high = code_range(_prefix(batch))
    households = set().union(*(found.households() for found in result.rule_hits))
    village_of: dict[int, str] = {
        pk: village
        for chunk in _chunks(households)
        for pk, village in Household.objects.filter(
            pk__in=chunk, village_id__gte=low, village_id__lte=high
        ).values_list("pk", "village_id")
    }
    if not village_of:
        return 0
    rules = {found.rule.name: found.rule for found in result.rule_hits}
    by_person: dict[tuple[int, int], list[Hit]] = {}
    for found in result.rule_hits:
        for hit in found.each(village_of.keys()):
            by_person.setdefault((hit.household_id, hit.person_id), []).append(hit)
    if not by_person:
        return 0
    hits = [h for group in by_person.values() for h in group]
    refs = {r for h in hits for r in h.refs[:EVIDENCE_ROWS]}
    refs |= {r for h in hits for r in _event_refs(h, batch)}
    rows = _evidence(result, prior, refs)
    column = _date_column(batch.source)
    by_event = {
        (household_id, _event_key(batch, person_id, group, rows, column)): group
        for (household_id, person_id), group in by_person.items()
    }
    taken: set[tuple[int, str]] = set()
    for chunk in _chunks({household_id for household_id, _ in by_event}):
        taken.update(
            Warning.objects.filter(household_id__in=chunk)
            .filter(event__in={event for _, event in by_event})
            .values_list("household_id", "event")
        )
    fresh = {key: group for key, group in by_event.items() if key not in taken}
    if not fresh:
        return 0
    names = dict(
        Person.objects.filter(pk__in={h.person_id for v in fresh.values() for h in v}).values_list(
            "pk", "name"
        )
    )
    titles = {name: rule.title for name, rule in rules.items()}
    events = []
    for (household_id, event), group in sorted(fresh.items()):
        group.sort(key=lambda h: h.rule)
        first = group[0]
        fired = list(dict.fromkeys(h.rule for h in group))
        sentences = [
            rules[h.rule].render({**h.fields, "name": names.get(h.person_id, ""), **_period(batch)})
            for h in group
        ]
        shown = dict.fromkeys(r for h in group for r in h.refs[:EVIDENCE_ROWS] if r in rows)
        events.append(
            ScreenedEvent(
                household_id=household_id,
                person_id=first.person_id,
                event=event,
                batch_id=batch.pk,
                period=batch.period,
                rules=fired,
                rule_titles=[titles[name] for name in fired],
                message=";".join(sentences),
                risk_type=str(first.fields.get("risk_type") or rules[first.rule].risk_type),
                evidence=[rows[r] for r in shown],
            )
        )
    handled: set[int] = set()
    for _receiver, taken_in_hand in events_screened.send(sender=Warning, events=events):
        handled.update(cast("set[int]", taken_in_hand or set()))
    due = add_working_days(timezone.localdate(), parameter_int("warning_response_days"))
    warnings = [
        Warning(
            household_id=e.household_id,
            village_id=village_of[e.household_id],
            person_id=e.person_id,
            rule=e.rules[0],
            rules=e.rules,
            event=e.event,
            period=batch.period,
            batch=batch,
            message=e.message,
            risk_type=e.risk_type,
            evidence=e.evidence,
            deadline=due.due_on,
            deadline_provisional=due.provisional,
        )
        for e in events
        if e.household_id not in handled
    ]
    bulk_create_with_history(warnings, Warning, batch_size=1000)
    return len(warnings)


def _date_column(source: str) -> str:
    """The column that dates a source's event (settled_on, granted_on, assessed_on ...)."""
    return next(c.name for c in SOURCES[source].columns if c.type == "date")


def _event_refs(hit: Hit, batch: Batch) -> list[int]:
    """The rows of this batch behind a hit (a yearly rule also reads earlier batches); the
    newest rows when the hit has none in this batch."""
    own = [r for r in hit.refs if r // REF_BASE == batch.pk]
    return own or hit.refs[-EVIDENCE_ROWS:]


def _event_key(
    batch: Batch, person_id: int, group: list[Hit], rows: dict[int, dict[str, Any]], column: str
) -> str:
    """One person's event in a batch, dated by the narrowest hit (a single stay rather than
    the year's sum): the newest row behind it. The rules that fired on one stay name one
    event; a later stay is another."""
    narrowest = min(group, key=lambda h: (len(_event_refs(h, batch)), h.rule))
    dates = [
        str(rows[r][column])
        for r in _event_refs(narrowest, batch)
        if r in rows and rows[r].get(column)
    ]
    return f"{batch.source}:{person_id}:{max(dates) if dates else batch.period}"


def _chunks(ids: set[int], size: int = 10_000) -> Iterator[list[int]]:
    """IDs in chunks small enough for one query's parameters (SQLite allows 32,766)."""
    ordered = sorted(ids)
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


def _prefix(batch: Batch) -> str:
    return str(batch.region.prefix)


def _period(batch: Batch) -> dict[str, object]:
    start, _ = period_bounds(batch.period)
    return {"period": batch.period, "period_year": start.year}
