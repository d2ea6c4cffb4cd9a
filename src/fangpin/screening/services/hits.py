"""Turning a run's hits into warnings: one per household and rule, none twice for a period,
each with its sentence, evidence rows and response deadline. Runs inside the batch's final
transaction (see `running.batch_run`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from fangpin.core.deadlines import add_working_days
from fangpin.core.scoping import code_range
from fangpin.policy.services import parameter_int
from fangpin.registry.models import Household, Person

from ..engines import Hit, Result
from ..engines.sql import REF_BASE
from ..models import Batch, Warning
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
    """Turn hits into warnings: one per household and rule, none twice for a period."""
    low, high = code_range(_prefix(batch))
    households = set().union(*(found.households() for found in result.rule_hits))
    in_region = {
        pk
        for chunk in _chunks(households)
        for pk in Household.objects.filter(
            pk__in=chunk, village_id__gte=low, village_id__lte=high
        ).values_list("pk", flat=True)
    }
    if not in_region:
        return 0
    taken: dict[str, set[int]] = {}
    for chunk in _chunks(in_region):
        for household_id, rule_name in (
            Warning.objects.filter(household_id__in=chunk)
            .filter(rule__in={found.rule.name for found in result.rule_hits})
            .filter(Q(status=Warning.Status.OPEN) | Q(period=batch.period))
            .values_list("household_id", "rule")
        ):
            taken.setdefault(rule_name, set()).add(household_id)
    # Python objects only for the hits that become warnings.
    fresh: dict[tuple[int, str], list[Hit]] = {}
    for found in result.rule_hits:
        for hit in found.each(in_region - taken.get(found.rule.name, set())):
            fresh.setdefault((hit.household_id, hit.rule), []).append(hit)
    if not fresh:
        return 0
    rules = {found.rule.name: found.rule for found in result.rule_hits}
    names = dict(
        Person.objects.filter(pk__in={h.person_id for v in fresh.values() for h in v}).values_list(
            "pk", "name"
        )
    )
    refs = {r for v in fresh.values() for h in v for r in h.refs[:EVIDENCE_ROWS]}
    rows = _evidence(result, prior, refs)
    due = add_working_days(timezone.localdate(), parameter_int("warning_response_days"))
    warnings = []
    for (household_id, rule_name), group in sorted(fresh.items()):
        rule = rules[rule_name]
        group.sort(key=lambda h: h.person_id)
        first = group[0]
        sentences = [
            rule.render({**h.fields, "name": names.get(h.person_id, ""), **_period(batch)})
            for h in group
        ]
        evidence = [rows[r] for h in group for r in h.refs[:EVIDENCE_ROWS] if r in rows]
        warnings.append(
            Warning(
                household_id=household_id,
                person_id=first.person_id,
                rule=rule_name,
                period=batch.period,
                batch=batch,
                message=";".join(sentences),
                risk_type=str(first.fields.get("risk_type") or rule.risk_type),
                evidence=evidence,
                deadline=due.due_on,
                deadline_provisional=due.provisional,
            )
        )
    bulk_create_with_history(warnings, Warning, batch_size=1000)
    return len(warnings)


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
