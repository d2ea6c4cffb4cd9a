"""Load on the production server: `fangpin serve` (gunicorn) under 1, 20 and 50 clients at once.

Data: the benchmark database (PostgreSQL) with the registry at LOAD_HOUSEHOLDS[scale]
households (seeded when smaller, unmeasured) and cases for about 2% of them (the demo's
seeder). The server runs as a real process on a loopback port with its background worker.

Mix, drawn round-robin per client: household search by name or household number
(`GET /api/v1/households?q=`), a household page (`GET /households/<id>/`, the HTML archive),
the case list (`GET /api/v1/cases`) and the dashboard summary
(`GET /api/v1/stats/summary?region=<city>`), in equal shares. A client is a thread with one
keep-alive connection, sending the next request when the last one is answered.

Each phase is bounded by time (PHASE_SECONDS) and by count (PHASE_REQUESTS), whichever ends
first. Printed for each: requests, errors (non-2xx or a failed connection), throughput,
p50/p95/p99 latency.

Baseline, same run, same data and mix: Django's development server (`fangpin serve --dev`,
one process, a thread per request) at the same concurrency. Ratio = gunicorn throughput ÷
development-server throughput, and gunicorn p95 ÷ development-server p95.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from bench import common

ORDER = 90
LOAD_HOUSEHOLDS = {"small": 20_000, "full": common.SCALES["full"]}
PHASE_SECONDS = {"small": 20.0, "full": 40.0}
PHASE_REQUESTS = 20_000
CONCURRENCY = (1, 20, 50)  # 1: the per-request cost, without contention
CITY = "410400"
USERNAME = "bench-load"


@dataclass
class Phase:
    label: str
    clients: int
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def _prepare(scale: str) -> tuple[list[str], str, str]:
    """The registry and cases; a city user; the request paths of the mix."""
    from django.db import connection

    from fangpin.accounts.models import Role, User
    from fangpin.accounts.services import token_issue, user_create
    from fangpin.monitoring.models import Case
    from fangpin.monitoring.seeding import seed as cases_seed
    from fangpin.registry.models import Household
    from fangpin.registry.seeding import registry_seed

    target = LOAD_HOUSEHOLDS[scale]
    have = Household.objects.count()
    if have < target:
        print(f"  (seeding {target - have:,} households first, not measured)", flush=True)
        registry_seed(households=target - have, random_seed=common.SEED + have, progress=True)
        common.analyze()
    if not Case.objects.exists():
        print("  (seeding cases, not measured)", flush=True)
        cases_seed(
            rng=random.Random(common.SEED),
            households=Household.objects.order_by("id"),
            today=dt.date.today(),
        )
    user = User.objects.filter(username=USERNAME).first()
    password = secrets.token_urlsafe(16)
    if user is None:
        user, _ = user_create(
            username=USERNAME, role=Role.CITY, region_code=CITY, password=password
        )
    else:
        user.set_password(password)
        user.save(update_fields=["password"])
    token = token_issue(user=user)
    rng = random.Random(common.SEED)
    rows = list(Household.objects.order_by("?").values_list("id", "number", "head_name")[:400])
    paths: list[str] = []
    for pk, number, head in rows:
        q = number if rng.random() < 0.5 else head
        paths.append("/api/v1/households?" + urllib.parse.urlencode({"q": q}))
        paths.append(f"/households/{pk}/")
        paths.append("/api/v1/cases?" + urllib.parse.urlencode({"page": rng.randint(1, 5)}))
        paths.append(f"/api/v1/stats/summary?region={CITY}")
    connection.close()
    return paths, token, password


def _login(port: int, password: str) -> str:
    """A session cookie for the HTML pages (one login, shared by the clients)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/login/")
    response = conn.getresponse()
    response.read()
    cookies = _cookies(response.getheader("Set-Cookie") or "")
    csrf = cookies.get("csrftoken", "")
    body = urllib.parse.urlencode(
        {"username": USERNAME, "password": password, "csrfmiddlewaretoken": csrf}
    )
    conn.request(
        "POST",
        "/login/",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf}",
        },
    )
    response = conn.getresponse()
    response.read()
    session = _cookies(response.getheader("Set-Cookie") or "").get("sessionid", "")
    conn.close()
    if response.status != 302 or not session:
        raise RuntimeError(f"login failed: {response.status}")
    return f"csrftoken={csrf}; sessionid={session}"


def _cookies(header: str) -> dict[str, str]:
    found = {}
    for part in header.replace(",", ";").split(";"):
        name, _, value = part.strip().partition("=")
        if name in {"csrftoken", "sessionid"}:
            found[name] = value
    return found


def _run_phase(
    phase: Phase, port: int, paths: list[str], headers: dict[str, str], budget: float
) -> None:
    stop_at = time.perf_counter() + budget
    counter = iter(range(PHASE_REQUESTS))
    lock = threading.Lock()

    def client(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        i = offset
        while time.perf_counter() < stop_at:
            with lock:
                if next(counter, None) is None:
                    break
            path = paths[i % len(paths)]
            i += 7
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = 200 <= response.status < 300
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
            elapsed = time.perf_counter() - started
            with lock:
                if ok:
                    phase.latencies.append(elapsed)
                else:
                    phase.errors += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(n * 31,)) for n in range(phase.clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    phase.seconds = time.perf_counter() - began


def _server(args: list[str], port: int, data_dir: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "FANGPIN_DATA_DIR": str(data_dir),
        "FANGPIN_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": common.database_url(),
        "PYTHONPATH": str(common.ROOT / "src"),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "fangpin.cli", "serve", "--port", str(port), *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/login/")
            conn.getresponse().read()
            conn.close()
            return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError("server did not answer within 120 s")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    """One `fangpin serve` process on a loopback port, signed in once."""

    def __init__(self, label: str, args: list[str], token: str, password: str) -> None:
        self.label = label
        self.port = _free_port()
        self.data_dir = tempfile.TemporaryDirectory(prefix="fangpin-load-")
        self.proc = _server(args, self.port, Path(self.data_dir.name))
        self.headers = {"Authorization": f"Bearer {token}", "Cookie": _login(self.port, password)}

    def phase(self, clients: int, paths: list[str], seconds: float) -> Phase:
        phase = Phase(self.label, clients)
        _run_phase(phase, self.port, paths, self.headers, seconds)
        return phase

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.data_dir.cleanup()


def _print(phase: Phase) -> None:
    print(
        f"  {phase.label:<24} {phase.clients:>3} clients  {len(phase.latencies):>6} ok "
        f"{phase.errors:>4} errors  {phase.throughput:7.1f} req/s  "
        f"p50 {phase.pct(0.50):7.1f} ms  p95 {phase.pct(0.95):7.1f} ms  "
        f"p99 {phase.pct(0.99):7.1f} ms",
        flush=True,
    )


def main(scale: str) -> None:
    paths, token, password = _prepare(scale)
    print(f"  mix: {len(paths)} requests (search, household page, case list, summary) in turn")
    from django.conf import settings

    print(
        f"  gunicorn: {settings.FANGPIN_SERVE_WORKERS} gthread workers × "
        f"{settings.FANGPIN_SERVE_THREADS} threads; {PHASE_SECONDS[scale]:.0f} s per phase"
    )
    # Both servers run side by side (the idle one costs nothing) and their phases alternate,
    # so that a change in the machine's load falls on both alike.
    production = Server("gunicorn (fangpin serve)", [], token, password)
    development = Server("dev server (--dev)", ["--dev"], token, password)
    measured: list[tuple[Phase, Phase]] = []
    try:
        for server in (production, development):
            server.phase(4, paths, 3.0)  # warm-up: connections, caches
        for clients in CONCURRENCY:
            dev = development.phase(clients, paths, PHASE_SECONDS[scale])
            _print(dev)
            prod = production.phase(clients, paths, PHASE_SECONDS[scale])
            _print(prod)
            measured.append((prod, dev))
    finally:
        production.stop()
        development.stop()
    for prod, dev in measured:
        throughput = prod.throughput / dev.throughput if dev.throughput else float("nan")
        p95 = prod.pct(0.95) / dev.pct(0.95) if dev.latencies else float("nan")
        print(
            f"  ratio at {prod.clients} clients: throughput {throughput:.2f}x the dev server, "
            f"p95 {p95:.2f}x; errors {prod.errors} vs {dev.errors}"
        )
    phases = [phase for pair in measured for phase in pair]
    print(
        json.dumps(
            {
                "bench_load": [
                    {
                        "server": p.label,
                        "clients": p.clients,
                        "ok": len(p.latencies),
                        "errors": p.errors,
                        "rps": round(p.throughput, 1),
                        "p50_ms": round(p.pct(0.5), 1),
                        "p95_ms": round(p.pct(0.95), 1),
                        "p99_ms": round(p.pct(0.99), 1),
                    }
                    for p in phases
                ]
            },
            ensure_ascii=False,
        )
    )
