"""Batch intake: check a department file and queue it; queue a finished or failed batch again."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from fangpin.accounts.models import User
from fangpin.core import files
from fangpin.core.errors import BadValue, Conflict, Forbidden

from .. import ingest
from ..export import screening_dir
from ..models import Batch, Source
from .common import ENGINES, UPLOAD_ROLES, period_bounds
from .recovery import batches_recover


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
    engine: str | None = None,
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
    # The engine is the operator's setting (FANGPIN_SCREENING_ENGINE) unless a caller names one.
    engine = engine or settings.FANGPIN_SCREENING_ENGINE
    if engine not in ENGINES:
        raise BadValue("筛查引擎只能是 duckdb 或 spark", code="invalid_engine")
    region_id = user.region_id if user is not None else _top_region()
    if region_id is None:
        raise Forbidden("用户没有所属区划")
    name = original_name or file.name or ""
    name = Path(name).name
    ingest.file_format(name)
    if isinstance(file, UploadedFile):
        files.refuse_oversize(file.size, limits=files.DEPARTMENT_BATCH)
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
    from ..jobs import batch_enqueue

    batch_enqueue(batch_id)


def batch_rerun(*, user: User, batch: Batch) -> Batch:
    """Queue a failed batch again (a crash left nothing behind, so it simply runs anew)."""
    if user.role not in UPLOAD_ROLES:
        raise Forbidden("只有部门用户和县级用户可以重新筛查")
    batches_recover(ids=[batch.pk])  # a run that died is failed now, and may run again
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
