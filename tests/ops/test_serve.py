"""`fangpin serve`: gunicorn in production, the worker lives and dies with it, and no start
without a secret key of its own. Real processes, real signals, a real port."""

from __future__ import annotations

import os
import signal
import stat

import pytest

from fangpin.web.secret_key import demo_secret_key

from .conftest import (
    Browser,
    World,
    free_port,
    process_group,
    processes_with,
    serving,
    stop,
    wait_for,
)

pytestmark = pytest.mark.xdist_group("ops-serve")


def _worker_group(server_pid: int) -> int:
    pids = wait_for(
        lambda: processes_with("fangpin.web.worker", f"--parent {server_pid}"), timeout=60
    )
    assert pids, "the background worker was not started"
    return os.getpgid(min(pids))


def test_serve_answers_pages_through_gunicorn_and_stops_its_worker_on_sigterm(world: World):
    port = free_port()
    server = world.start("serve", "--port", str(port))
    base = f"http://127.0.0.1:{port}"
    assert serving(base, server), server.stdout.read().decode() if server.stdout else ""
    group = _worker_group(server.pid)

    browser = Browser(base)
    status, headers, _ = browser.get("/login/")
    assert status == 200
    assert headers["Server"].startswith("gunicorn")
    assert browser.login("zhouzhuangcun") == 302
    status, headers, page = browser.get("/")
    assert status == 200
    assert "周庄" in page
    assert "no-store" in headers["Cache-Control"]

    assert stop(server, signal.SIGTERM) == 0
    assert wait_for(lambda: not process_group(group), timeout=30), "worker processes left behind"
    assert not processes_with("fangpin.web.worker", f"--parent {server.pid}")


def test_the_worker_stops_by_itself_when_the_server_is_killed(world: World):
    port = free_port()
    server = world.start("serve", "--port", str(port))
    assert serving(f"http://127.0.0.1:{port}", server)
    group = _worker_group(server.pid)
    assert process_group(group)

    server.kill()  # SIGKILL: the server cannot stop anything itself
    server.wait(timeout=30)
    assert wait_for(lambda: not process_group(group), timeout=40), "orphaned worker processes"
    assert wait_for(lambda: not processes_with("fangpin.cli serve", f"--port {port}"), timeout=40)


def test_production_serve_refuses_to_start_without_its_own_secret_key(world: World):
    done = world.run("serve", "--port", str(free_port()), FANGPIN_SECRET_KEY="")
    assert done.returncode == 1
    assert "拒绝启动" in done.stderr
    assert "FANGPIN_SECRET_KEY" in done.stderr


def test_the_demo_serves_with_a_key_it_made_once_and_keeps_0600(world: World):
    key_file = world.data / "secret_key"
    key_file.unlink(missing_ok=True)
    port = free_port()
    demo = world.start("demo", "--port", str(port), FANGPIN_SECRET_KEY="")
    base = f"http://127.0.0.1:{port}"
    assert serving(base, demo), demo.stdout.read().decode() if demo.stdout else ""
    assert Browser(base).login("city") == 302
    assert stop(demo) == 0

    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text()
    assert len(key) >= 50
    assert demo_secret_key(world.data) == key  # kept: the next start uses the same key


def test_dev_mode_still_runs_djangos_own_server(world: World):
    port = free_port()
    server = world.start("serve", "--dev", "--port", str(port), FANGPIN_SECRET_KEY="")
    base = f"http://127.0.0.1:{port}"
    assert serving(base, server)
    status, headers, _ = Browser(base).get("/login/")
    assert status == 200
    assert "gunicorn" not in headers.get("Server", "")
    assert stop(server) == 0
