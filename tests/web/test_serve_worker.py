"""`fangpin serve` runs the background worker beside the server: uploaded batches get screened."""

from __future__ import annotations

import subprocess
import sys

from fangpin.web.management.commands import serve


def test_serve_starts_the_batch_worker_unless_jobs_run_in_the_request(settings, monkeypatch):
    started: list[list[str]] = []

    class FakePopen:
        def __init__(self, args: list[str]) -> None:
            started.append(args)

    monkeypatch.setattr(subprocess, "Popen", FakePopen)
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False}
    assert serve.worker_start() is not None
    assert started[0][0] == sys.executable
    assert "qcluster" in started[0][-1]

    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": True}
    assert serve.worker_start() is None
    assert len(started) == 1
