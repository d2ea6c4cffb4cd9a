"""Running a batch in the worker: the engine call, then all warnings in one transaction."""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from fangpin.core import metrics
from fangpin.core.errors import FangpinError
from fangpin.core.files import private_tree
from fangpin.core.idcard import mask
from fangpin.policy.services import parameter

from .. import ingest
from ..engines import Job, Result, engine_get
from ..export import registry_export
from ..models import Batch
from ..rules import Rule, rules_for
from .common import batch_dir, period_bounds
from .hits import warnings_from_hits
from .recovery import heartbeat, runner_alive, runner_tag

log = logging.getLogger(__name__)


def _progress(batch_id: int) -> Callable[[int, str], None]:
    def report(percent: int, _stage: str) -> None:
        Batch.objects.filter(pk=batch_id).update(
            progress=min(max(percent, 0), 99), heartbeat_at=timezone.now()
        )

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
            values[key] = parameter(key, year=start.year)  # the value of the batch's own year
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
        if batch.status == Batch.Status.RUNNING and runner_alive(batch.runner, batch.heartbeat_at):
            return batch  # another live run has it (a redelivered job)
        batch.status = Batch.Status.RUNNING
        batch.progress = 1
        batch.error = ""
        batch.runner = runner_tag()
        batch.heartbeat_at = timezone.now()
        batch.save(update_fields=["status", "progress", "error", "runner", "heartbeat_at"])
    started = time.perf_counter()
    work = batch_dir(batch.pk)
    shutil.rmtree(work, ignore_errors=True)
    try:
        with heartbeat(batch.pk):
            return _run(batch, work, started, on_progress)
    finally:
        for leftover in ("raw.parquet", "spill", "raw.utf8.csv"):
            target = work / leftover
            if target.is_dir():
                shutil.rmtree(target, ignore_errors=True)
            else:
                target.unlink(missing_ok=True)
        private_tree(work)  # the matched rows are kept for later batches: ours alone


def _run(
    batch: Batch,
    work: Path,
    started: float,
    on_progress: Callable[[int, str], None] | None,
) -> Batch:
    try:
        stored = _progress(batch.pk)

        def progress(percent: int, stage: str) -> None:
            stored(percent, stage)
            if on_progress is not None:
                on_progress(percent, stage)

        # Earlier batches' rows: read by the rules, and again for the warnings' evidence.
        prior = _prior(batch)
        result = _screen(batch, work, prior, progress)
        with transaction.atomic():
            made = warnings_from_hits(batch, result, prior)
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
        metrics.screening_batch_finished(source=batch.source, status=batch.status, rows=0)
        return batch
    metrics.screening_batch_finished(
        source=batch.source, status=batch.status, rows=batch.rows_read or 0
    )
    return batch


def _screen(
    batch: Batch, work: Path, prior: tuple[Path, ...], progress: Callable[[int, str], None]
) -> Result:
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
        prior=prior,
        raw_columns=inspected.columns if direct else None,
        native=inspected.native if direct else None,
    )
    return engine_get(batch.engine).run(job, progress)
