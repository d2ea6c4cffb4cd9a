"""Running a batch in the worker: the engine call, then all warnings in one transaction."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from fangpin.core.deadlines import add_working_days
from fangpin.core.errors import FangpinError
from fangpin.core.idcard import mask
from fangpin.core.scoping import code_range
from fangpin.policy.services import parameter, parameter_int
from fangpin.registry.models import Household, Person

from .. import ingest
from ..engines import Hit, Job, Result, engine_get
from ..engines.sql import REF_BASE
from ..export import registry_export
from ..models import Batch, Warning
from ..rules import Rule, rules_for
from .common import EVIDENCE_ROWS, batch_dir, period_bounds

log = logging.getLogger(__name__)


def _progress(batch_id: int) -> Callable[[int, str], None]:
    def report(percent: int, _stage: str) -> None:
        Batch.objects.filter(pk=batch_id).update(progress=min(max(percent, 0), 99))

    return report


def rule_params(rules: Iterable[Rule], period: str) -> dict[str, object]:
    start, end = period_bounds(period)
    values: dict[str, object] = {
        "period_start": start,
        "period_end": end,
        "period_year": start.year,
    }
    for rule in rules:
        for key in rule.parameters:
            values[key] = parameter(key)
    return values


def _prior(batch: Batch) -> tuple[Path, ...]:
    """Matched rows of the latest finished batch of each earlier period of the same year."""
    year = batch.period[:4]
    latest: dict[str, int] = {}
    earlier = (
        Batch.objects.filter(
            source=batch.source,
            status=Batch.Status.DONE,
            period__startswith=f"{year}-",
            period__lt=batch.period,
        )
        .order_by("period", "finished_at", "id")
        .values_list("period", "id")
    )
    for period, pk in earlier:
        latest[period] = pk
    paths = []
    for pk in latest.values():
        paths.extend(sorted((batch_dir(pk) / "matched").glob("*.parquet")))
    return tuple(paths)


def batch_run(*, batch_id: int, on_progress: Callable[[int, str], None] | None = None) -> Batch:
    """Screen one batch (runs in the worker). All warnings are written in one transaction at
    the end, so a crash leaves none behind and the batch can be run again."""
    with transaction.atomic():
        batch = Batch.objects.select_for_update().get(pk=batch_id)
        if batch.status == Batch.Status.DONE:
            return batch
        batch.status = Batch.Status.RUNNING
        batch.progress = 1
        batch.error = ""
        batch.save(update_fields=["status", "progress", "error"])
    started = time.perf_counter()
    work = batch_dir(batch.pk)
    shutil.rmtree(work, ignore_errors=True)
    try:
        stored = _progress(batch.pk)

        def progress(percent: int, stage: str) -> None:
            stored(percent, stage)
            if on_progress is not None:
                on_progress(percent, stage)

        result = _screen(batch, work, progress)
        with transaction.atomic():
            made = _write_warnings(batch, result)
            batch.refresh_from_db()
            batch.status = Batch.Status.DONE
            batch.progress = 100
            batch.rows_read = result.rows_read
            batch.rows_matched = result.rows_matched
            batch.rows_unmatched = result.rows_unmatched
            batch.rows_malformed = result.rows_malformed
            batch.malformed_sample = [
                {**row, "id_number": mask(row.get("id_number") or "")}
                for row in result.malformed_sample
            ]
            batch.warnings_made = made
            batch.engine = result.engine
            batch.duration_ms = int((time.perf_counter() - started) * 1000)
            batch.finished_at = timezone.now()
            batch.save()
    except Exception as exc:
        shutil.rmtree(work, ignore_errors=True)
        detail = exc.detail if isinstance(exc, FangpinError) else "筛查失败:系统内部错误,请重新筛查"
        log.exception("screening batch %s failed", batch.pk)
        Batch.objects.filter(pk=batch.pk).update(
            status=Batch.Status.FAILED,
            progress=0,
            error=detail,
            duration_ms=int((time.perf_counter() - started) * 1000),
            finished_at=timezone.now(),
        )
        batch.refresh_from_db()
        return batch
    finally:
        for leftover in ("raw.parquet", "spill", "raw.utf8.csv"):
            target = work / leftover
            if target.is_dir():
                shutil.rmtree(target, ignore_errors=True)
            else:
                target.unlink(missing_ok=True)
    return batch


def _screen(batch: Batch, work: Path, progress: Callable[[int, str], None]) -> Result:
    path = Path(batch.file.path)
    inspected = ingest.inspect(path, source=batch.source, original_name=batch.original_name)
    registry, _ = registry_export()
    progress(10, "导出户籍库")
    rules = rules_for(batch.source)
    work.mkdir(parents=True, exist_ok=True)
    direct = inspected.fmt == "parquet" and batch.engine == "duckdb"
    raw = path if direct else ingest.stage_raw(path, inspected, work / "raw.parquet")
    job = Job(
        batch_id=batch.pk,
        source=batch.source,
        raw=raw,
        registry=registry,
        rules=rules,
        params=rule_params(rules, batch.period),
        workdir=work,
        prior=_prior(batch),
        raw_columns=inspected.columns if direct else None,
        native=inspected.native if direct else None,
    )
    return engine_get(batch.engine).run(job, progress)


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


def _write_warnings(batch: Batch, result: Result) -> int:
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
    rules = {r.name: r for r in rules_for(batch.source)}
    names = dict(
        Person.objects.filter(pk__in={h.person_id for v in fresh.values() for h in v}).values_list(
            "pk", "name"
        )
    )
    refs = {r for v in fresh.values() for h in v for r in h.refs[:EVIDENCE_ROWS]}
    rows = _evidence(result, _prior(batch), refs)
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
