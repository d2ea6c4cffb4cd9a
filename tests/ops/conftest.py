"""Operations tests: real `fangpin` processes in a world of their own (a data directory with
an embedded SQLite database made by `fangpin demo --no-serve`), real signals, real sockets."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import pytest

import fangpin

SRC = Path(fangpin.__file__).resolve().parents[1]
SECRET = "ops-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH"
DEMO_PASSWORD = "fangpin2026"
# What a world sets for itself; anything else in the environment passes through.
_OWN_ENV = {
    "DATABASE_URL",
    "FANGPIN_DATA_DIR",
    "FANGPIN_SECRET_KEY",
    "FANGPIN_DEBUG",
    "FANGPIN_JOBS_SYNC",
    "FANGPIN_HTTPS",
    "FANGPIN_ALLOWED_HOSTS",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect (not skip) PostgreSQL-only tests when the suite runs on SQLite."""
    from django.conf import settings

    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    dropped = [i for i in items if i.get_closest_marker("postgres_only") is not None]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [i for i in items if i.get_closest_marker("postgres_only") is None]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def process_group(pgid: int) -> list[int]:
    """Live (not zombie) processes of a process group."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            found.append(int(entry.name))
    return found


def processes_with(*words: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z" and all(word in cmdline for word in words):
            found.append(int(entry.name))
    return found


def wait_for(check: Any, *, timeout: float, every: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    return check()


class World:
    """A data directory of its own, and `fangpin` commands run in it as real processes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "var"
        self.procs: list[subprocess.Popen[bytes]] = []

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "FANGPIN_"))
        }
        env.update(
            PYTHONPATH=os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")]),
            FANGPIN_DATA_DIR=str(self.data),
            FANGPIN_SECRET_KEY=SECRET,
            DJANGO_SETTINGS_MODULE="fangpin.settings",
        )
        env.update(extra)
        return {k: v for k, v in env.items() if v != ""}

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "fangpin.cli", *args]

    def run(self, *args: str, timeout: float = 300, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603
            self.command(*args),
            cwd=self.root,
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def python(self, code: str, timeout: float = 300, **env: str) -> str:
        done = subprocess.run(  # noqa: S603
            [sys.executable, "-c", "import django; django.setup()\n" + code],
            cwd=self.root,
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def start(self, *args: str, **env: str) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(  # noqa: S603
            self.command(*args),
            cwd=self.root,
            env=self.env(**env),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self.procs.append(proc)
        return proc

    def sql(self, query: str) -> list[tuple[Any, ...]]:
        con = sqlite3.connect(self.data / "fangpin.sqlite3", timeout=30)
        try:
            return con.execute(query).fetchall()
        finally:
            con.close()

    def close(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=30)


@pytest.fixture(scope="session")
def world_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory made once per test process: migrated, the division tree, the demo
    accounts and 60 households."""
    root = tmp_path_factory.mktemp("world-template")
    done = World(root).run("demo", "--no-serve", "--households", "60", timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return root / "var"


@pytest.fixture
def world(world_template: Path, tmp_path: Path) -> Iterator[World]:
    shutil.copytree(world_template, tmp_path / "var")
    made = World(tmp_path)
    yield made
    made.close()


class Browser:
    """A cookie-keeping HTTP client for a served world (urllib: what a user's browser sends)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def get(self, path: str, **headers: str) -> tuple[int, dict[str, str], str]:
        return self._open(urllib.request.Request(self.base + path, headers=headers))  # noqa: S310

    def post(self, path: str, data: dict[str, str]) -> tuple[int, dict[str, str], str]:
        from urllib.parse import urlencode

        body = urlencode(data).encode()
        request = urllib.request.Request(self.base + path, data=body, method="POST")  # noqa: S310
        return self._open(request)

    def cookie(self, name: str) -> str:
        return next((c.value or "" for c in self.jar if c.name == name), "")

    def login(self, username: str, password: str = DEMO_PASSWORD) -> int:
        self.get("/login/")
        status, _, _ = self.post(
            "/login/",
            {
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": self.cookie("csrftoken"),
            },
        )
        return status

    def _open(self, request: urllib.request.Request) -> tuple[int, dict[str, str], str]:
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def serving(base: str, proc: subprocess.Popen[bytes], timeout: float = 120) -> bool:
    """Wait until the server answers (or has died)."""

    def up() -> bool:
        if proc.poll() is not None:
            return True
        try:
            with urllib.request.urlopen(base + "/login/", timeout=5):  # noqa: S310
                return True
        except OSError:
            return False

    wait_for(up, timeout=timeout, every=0.5)
    return proc.poll() is None


def stop(proc: subprocess.Popen[bytes], signum: int = signal.SIGTERM, timeout: float = 60) -> int:
    proc.send_signal(signum)
    return proc.wait(timeout=timeout)
