"""Batches whose run died: a SIGKILLed worker, an out-of-memory kill, a restarted machine.

A run records its runner (host, pid and the process's start time, so a reused pid is not
mistaken for it) and refreshes a heartbeat while it works. A `running` batch whose runner
process is gone (same host), or whose heartbeat has been silent too long (another host), is
marked failed with a reason; it can then be screened again. Checked when the worker starts,
when a batch is read, and when a rerun is asked for.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.utils import timezone

from ..models import Batch

RUNNER_GONE = (
    "筛查进程意外中止(进程被终止或服务器重启),本批次未完成,也没有生成任何预警。请重新筛查。"
)


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux), or None if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    return stat.rsplit(")", 1)[1].split()[19]


def runner_tag(pid: int | None = None) -> str:
    pid = pid or os.getpid()
    return f"{socket.gethostname()}:{pid}:{_start_time(pid) or ''}"


def runner_alive(runner: str, heartbeat_at: dt.datetime | None) -> bool:
    host, _, rest = runner.partition(":")
    pid_text, _, started = rest.partition(":")
    if runner and host == socket.gethostname() and pid_text.isdigit():
        if Path("/proc").is_dir():
            return bool(started) and _start_time(int(pid_text)) == started
        try:
            os.kill(int(pid_text), 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    if heartbeat_at is None:
        return False
    silent = timezone.now() - heartbeat_at
    return silent < dt.timedelta(seconds=settings.FANGPIN_RUNNER_STALE_SECONDS)


def batches_recover(*, ids: list[int] | None = None) -> int:
    """Mark failed every running batch (of `ids`, or all) whose runner is gone."""
    running = Batch.objects.filter(status=Batch.Status.RUNNING)
    if ids is not None:
        running = running.filter(pk__in=ids)
    recovered = 0
    for pk, runner, heartbeat_at in running.values_list("pk", "runner", "heartbeat_at"):
        if runner_alive(runner, heartbeat_at):
            continue
        with transaction.atomic():
            batch = Batch.objects.select_for_update().get(pk=pk)
            if batch.status != Batch.Status.RUNNING or batch.runner != runner:
                continue
            batch.status = Batch.Status.FAILED
            batch.progress = 0
            batch.error = RUNNER_GONE
            batch.finished_at = timezone.now()
            batch.save(update_fields=["status", "progress", "error", "finished_at"])
            recovered += 1
    return recovered


def batch_refresh(batch: Batch) -> Batch:
    """The batch as it stands, a dead run already marked failed (for pages and the API)."""
    if batch.status == Batch.Status.RUNNING and batches_recover(ids=[batch.pk]):
        batch.refresh_from_db()
    return batch


@contextmanager
def heartbeat(batch_id: int) -> Iterator[None]:
    """Refresh the batch's heartbeat from a thread while the run works."""
    stop = threading.Event()
    every = settings.FANGPIN_RUNNER_HEARTBEAT_SECONDS
    # An in-memory database (tests) is not shared with another thread's connection.
    name = str(connection.settings_dict.get("NAME", ""))
    in_memory = connection.vendor == "sqlite" and (name == ":memory:" or "mode=memory" in name)

    def beat() -> None:
        try:
            while not stop.wait(every):
                # Busy (SQLite's one writer) is no harm: the next beat will do.
                with contextlib.suppress(DatabaseError):
                    Batch.objects.filter(pk=batch_id, status=Batch.Status.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
        finally:
            close_old_connections()
            connection.close()

    thread = None if in_memory else threading.Thread(target=beat, daemon=True)
    if thread is not None:
        thread.start()
    try:
        yield
    finally:
        stop.set()
        if thread is not None:
            thread.join(timeout=5)
