"""The background worker (django-q2 `qcluster`) that runs beside the server.

It lives and dies with the server that started it:
- it runs in its own process group, so that stopping it stops every process the cluster
  forked (sentinel, pusher, monitor, workers);
- the server stops it on SIGTERM/SIGINT: SIGTERM to the group, SIGKILL to the group after
  FANGPIN_WORKER_STOP_SECONDS (a busy cluster would otherwise wait for its running task);
- it stops by itself when the server dies without stopping it (SIGKILL, a crash): the kernel
  sends it SIGTERM when its parent exits (prctl PR_SET_PDEATHSIG), and a thread watching the
  parent's pid kills the group if that is not enough.

A screening run cut short this way is found and marked failed (screening.services.recovery).
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import threading
import time

from django.conf import settings

PR_SET_PDEATHSIG = 1


def worker_start() -> subprocess.Popen[bytes] | None:
    """Start the worker for this server process; None when jobs run in the request (sync)."""
    if settings.Q_CLUSTER.get("sync"):
        return None
    args = [sys.executable, "-m", "fangpin.web.worker", "--parent", str(os.getpid())]
    return subprocess.Popen(args, start_new_session=True)  # noqa: S603 (fixed arguments)


def worker_stop(worker: subprocess.Popen[bytes] | None, *, grace: float | None = None) -> None:
    """Stop the worker and every process of its group; SIGKILL after the grace period."""
    if worker is None:
        return
    grace = settings.FANGPIN_WORKER_STOP_SECONDS if grace is None else grace
    _signal_group(worker.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        worker.wait(timeout=grace)
    # The cluster's own children may outlive its main process: the group goes in any case.
    _signal_group(worker.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        worker.wait(timeout=5)


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


def _die_with_parent() -> None:
    """Ask the kernel for SIGTERM when the parent exits (Linux); elsewhere the watch does it."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


def _watch_parent(parent: int, grace: float) -> None:
    """Kill this process group once the parent is gone (its pid is no longer our parent)."""
    while os.getppid() == parent:
        time.sleep(1)
    _signal_group(os.getpgid(0), signal.SIGTERM)
    time.sleep(grace)
    _signal_group(os.getpgid(0), signal.SIGKILL)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="fangpin-worker")
    parser.add_argument("--parent", type=int, required=True)
    args = parser.parse_args(argv)
    _die_with_parent()
    if os.getppid() != args.parent:  # the server died before we got here
        sys.exit(0)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangpin.settings")
    import django

    django.setup()
    from fangpin.screening.services import batches_recover

    batches_recover()
    grace = float(settings.FANGPIN_WORKER_STOP_SECONDS)
    threading.Thread(target=_watch_parent, args=(args.parent, grace), daemon=True).start()
    from fangpin.cli import main as fangpin_main

    fangpin_main(["qcluster"])


if __name__ == "__main__":
    main()
