"""`fangpin serve` runs the background worker beside the server: uploaded batches get screened.

The worker's life with the server (stopped on SIGTERM, gone when the server is killed) is
shown with real processes in tests/ops/test_serve.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from fangpin.web import worker


def test_serve_starts_the_batch_worker_unless_jobs_run_in_the_request(settings, monkeypatch):
    started: list[tuple[list[str], dict[str, Any]]] = []

    class FakePopen:
        def __init__(self, args: list[str], **kwargs: Any) -> None:
            started.append((args, kwargs))

    monkeypatch.setattr(subprocess, "Popen", FakePopen)
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False}
    assert worker.worker_start() is not None
    args, kwargs = started[0]
    assert args[0] == sys.executable
    assert args[1:3] == ["-m", "fangpin.web.worker"]
    assert args[-2:] == ["--parent", str(os.getpid())]
    assert kwargs["start_new_session"] is True  # its own process group, stopped as one

    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": True}
    assert worker.worker_start() is None
    assert len(started) == 1
