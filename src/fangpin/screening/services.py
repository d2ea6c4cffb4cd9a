"""Screening use cases: upload a batch, run it (in the worker), act on warnings."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import shutil
import time
import uuid
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from fangpin.accounts.models import Role, User
from fangpin.core.deadlines import add_working_days
from fangpin.core.errors import BadValue, Conflict, FangpinError, Forbidden
from fangpin.core.idcard import mask
from fangpin.core.scoping import code_range
from fangpin.policy.services import parameter, parameter_int
from fangpin.registry.models import Household, Person

from . import ingest
from .engines import Hit, Job, Result, engine_get
from .engines.sql import REF_BASE
from .export import registry_export, screening_dir
from .models import Batch, Source, Warning
from .rules import Rule, rules_for

log = logging.getLogger(__name__)

UPLOAD_ROLES = frozenset({Role.DEPARTMENT, Role.COUNTY})
ACT_ROLES = frozenset({Role.VILLAGE, Role.TOWNSHIP, Role.COUNTY})
ENGINES = ("duckdb", "spark")
EVIDENCE_ROWS = 50
_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    match = _PERIOD.match(period or "")
    if not match:
        raise BadValue("数据期间应为 YYYY-MM 格式,例如 2024-03", code="invalid_period")
    year, month = int(match.group(1)), int(match.group(2))
    start = dt.date(year, month, 1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return start, end


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def batch_upload(
    *,
    user: User | None,
    source: str,
    period: str,
    file: UploadedFile | Path,
    original_name: str | None = None,
    engine: str = "duckdb",
    enqueue: bool = True,
) -> Batch:
    """Check a department file and queue it for screening.

    The file is checked (format, header, column types) before a batch exists: a wrong file
    leaves nothing behind. The run itself happens in the worker, after commit. `user` None is
    the operator at the server's command line (`fangpin screen`), acting for the whole city.
    """
    if user is not None and user.role not in UPLOAD_ROLES:
        raise Forbidden("只有部门用户和县级用户可以上传部门数据")
    if source not in Source.values:
        raise BadValue(f"未知的数据来源:{source}", code="unknown_source")
    period_bounds(period)
    if engine not in ENGINES:
        raise BadValue("筛查引擎只能是 duckdb 或 spark", code="invalid_engine")
    region_id = user.region_id if user is not None else _top_region()
    if region_id is None:
        raise Forbidden("用户没有所属区划")
    name = original_name or file.name or ""
    name = Path(name).name
    ingest.file_format(name)
    incoming = screening_dir() / "incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    temp: Path | None = None
    try:
        if isinstance(file, UploadedFile):
            temp = incoming / f"{uuid.uuid4().hex}{Path(name).suffix.lower()}"
            with temp.open("wb") as out:
                for chunk in file.chunks():
                    out.write(chunk)
            path = temp
        else:
            path = Path(file)
        ingest.inspect(path, source=source, original_name=name)
        digest = _sha256(path)
        with transaction.atomic():
            batch = Batch(
                source=source,
                period=period,
                region_id=region_id,
                original_name=name[:255],
                sha256=digest,
                engine=engine,
                uploaded_by=user,
            )
            with path.open("rb") as fh:
                batch.file.save(name, File(fh), save=False)
            try:
                batch.save()
            except Exception:
                batch.file.delete(save=False)
                raise
            if enqueue:
                transaction.on_commit(lambda: _enqueue(batch.pk))
    finally:
        if temp is not None:
            temp.unlink(missing_ok=True)
    return batch


def _top_region() -> str | None:
    from fangpin.regions.models import Region

    return (
        Region.objects.filter(parent__isnull=True)
        .order_by("code")
        .values_list("code", flat=True)
        .first()
    )


def _enqueue(batch_id: int) -> None:
    from .jobs import batch_enqueue

    batch_enqueue(batch_id)


def batch_rerun(*, user: User, batch: Batch) -> Batch:
    """Queue a failed batch again (a crash left nothing behind, so it simply runs anew)."""
    if user.role not in UPLOAD_ROLES:
        raise Forbidden("只有部门用户和县级用户可以重新筛查")
    with transaction.atomic():
        locked = Batch.objects.select_for_update().get(pk=batch.pk)
        if locked.status not in (Batch.Status.FAILED, Batch.Status.DONE):
            raise Conflict("该批次正在排队或筛查中", code="batch_busy")
        locked.status = Batch.Status.QUEUED
        locked.progress = 0
        locked.error = ""
        locked.save(update_fields=["status", "progress", "error"])
        transaction.on_commit(lambda: _enqueue(locked.pk))
    return locked


def batch_dir(batch_id: int) -> Path:
    return screening_dir() / "batches" / str(batch_id)


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
                "SELECT * EXCLUDE (id_number, name, person_id, row_no) "
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
    hits = result.hits
    household_ids = {h.household_id for h in hits}
    in_region = set(
        Household.objects.filter(
            pk__in=household_ids, village_id__gte=low, village_id__lte=high
        ).values_list("pk", flat=True)
    )
    grouped: dict[tuple[int, str], list[Hit]] = {}
    for hit in hits:
        if hit.household_id in in_region:
            grouped.setdefault((hit.household_id, hit.rule), []).append(hit)
    if not grouped:
        return 0
    taken = set(
        Warning.objects.filter(household_id__in={k[0] for k in grouped})
        .filter(rule__in={k[1] for k in grouped})
        .filter(Q(status=Warning.Status.OPEN) | Q(period=batch.period))
        .values_list("household_id", "rule")
    )
    fresh = {k: v for k, v in grouped.items() if k not in taken}
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


def _prefix(batch: Batch) -> str:
    return str(batch.region.prefix)


def _period(batch: Batch) -> dict[str, object]:
    start, _ = period_bounds(batch.period)
    return {"period": batch.period, "period_year": start.year}


# --- warnings -----------------------------------------------------------------------------


def _open_for_update(user: User, warning: Warning) -> Warning:
    if user.role not in ACT_ROLES:
        raise Forbidden("您的角色不能处理预警")
    locked = Warning.objects.select_for_update().get(pk=warning.pk)
    if locked.status != Warning.Status.OPEN:
        raise Conflict("该预警已处理", code="warning_not_open")
    return locked


def warning_dismiss(*, user: User, warning: Warning, reason: str) -> Warning:
    """Dismiss a warning after checking: the reason is kept."""
    reason = (reason or "").strip()
    if not reason:
        raise BadValue("请填写排除理由", code="reason_required")
    with transaction.atomic():
        locked = _open_for_update(user, warning)
        locked.status = Warning.Status.DISMISSED
        locked.dismiss_reason = reason
        locked.resolved_by = user
        locked.resolved_at = timezone.now()
        locked._change_reason = "排除预警"  # type: ignore[attr-defined]
        locked.save(update_fields=["status", "dismiss_reason", "resolved_by", "resolved_at"])
    return locked


def warning_open_case(
    *, user: User, warning: Warning, category: str, risk_types: Iterable[str]
) -> Any:
    """Open a monitoring case from a warning (channel department_warning), linked both ways."""
    from fangpin.monitoring.services import case_create

    with transaction.atomic():
        locked = _open_for_update(user, warning)
        return case_create(
            user=user,
            household=locked.household,
            channel="department_warning",
            category=category,
            risk_types=list(risk_types),
            description=locked.message,
            warning=locked,
        )
