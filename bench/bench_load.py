"""Load: 50 users at once on `fangpin serve` (gunicorn, several workers) over PostgreSQL.

Data: the registry at the scale's size (`common.ensure_registry`: 50,000 households small,
1,000,000 full). Accounts of every working role, as a city would have them: the city, the
counties, townships and villages of the VILLAGES villages with the most households (one
account per region; several simulated users share one, as colleagues do). Before each phase
the cases are made afresh through the service a cadre's report goes through
(`monitoring.services.case_create`): every household of those villages (up to
CASES_PER_VILLAGE) has a reported case, waiting to be verified and then deliberated.

The load (bench/load_locust.py, locust as a library, in a process of its own, loopback
only): USERS users started SPAWN_RATE a second, each sending a request, thinking 0.2–1 s,
sending the next, for PHASE_SECONDS (bounded; users finish the request in flight).
Village users verify and deliberate their village's cases (API, Idempotency-Key) and record
visits (`POST /visits`), 20% of these POSTs sent twice with the same key as a phone does
when it missed the answer; everyone searches households (name, ID number, household
number), opens household pages (HTML), the case list and the summary of their region;
leaders open the dashboard page.

Printed per request kind and overall: requests, errors, p50/p95/p99, and throughput.
Targets: p95 ≤ 300 ms overall, zero errors. Then the check against the history: every
workflow action a client saw succeed is in the case history exactly once, no history entry
that no client saw, every retry replayed (not run again); every visit answered is stored
once (bench/load_check.py).

With `--5m` (`make bench BENCH_ARGS="--only load --5m"`) the same load runs on the growth
curve's 5M-household database (`fangpin_bench_g5m`, built by bench_growth if missing), and the
growth curve's bench cases are put back afterwards.

Baseline, same run, same data and mix: the same load on `fangpin serve` with one gunicorn
worker process (FANGPIN_SERVE_WORKERS=1, same threads). Ratio = throughput and p95 of the
N-worker server ÷ those of the one-worker server: what the several processes buy on this
machine. Both phases alternate on a fresh set of cases.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import common, growth
from bench.load_check import (
    HistoryCheck,
    KindFigures,
    SeenAction,
    VisitCheck,
    figures,
    history_check,
    visit_check,
)

ORDER = 90
USERS = 50
SPAWN_RATE = 10
PHASE_SECONDS = {"small": 30, "full": 60}
VILLAGES = {"small": 24, "full": 24}
CASES_PER_VILLAGE = 60
SAMPLE = 200  # households (and queries) per account
CITY = "410400"
PREFIX = "bench-load-"
P95_TARGET_MS = 300.0


@dataclass
class Phase:
    label: str
    workers: int
    seconds: float
    kinds: list[KindFigures]
    overall: KindFigures
    history: HistoryCheck
    visits: VisitCheck
    error_samples: list[str]

    @property
    def throughput(self) -> float:
        return (self.overall.requests - self.overall.errors) / self.seconds


# ------------------------------------------------------------------ the 5M point


def _at_growth_point(scale: str, households: int) -> None:
    """`--5m`: the same load on the growth curve's database of that size (made if missing),
    in a process of its own; the bench cases the load replaced are put back afterwards, so
    that the growth curve measured later on it finds what it found before."""
    from bench import bench_growth

    bench_growth.ensure_points((households,))
    database = growth.database_for(households)
    env = {**os.environ, "DATABASE_URL": bench_growth.url_for(database)}
    command = [sys.executable, "-m", "bench.bench_load", "--scale", scale]
    try:
        subprocess.run(command, env=env, cwd=common.ROOT, check=True)
    finally:
        bench_growth.child(database, "--extras")


def _cli(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_load")
    parser.add_argument("--scale", choices=("small", "full"), default="full")
    args = parser.parse_args(argv)
    common.setup()
    main(args.scale)
    return 0


# ------------------------------------------------------------------ data and accounts


def _villages(count: int) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT village_id FROM registry_household GROUP BY village_id "
            "ORDER BY count(*) DESC, village_id LIMIT %s",
            [count],
        )
        return [row[0] for row in cursor.fetchall()]


def _accounts(villages: list[str]) -> list[dict[str, Any]]:
    """One account per region, with its token, a web session, households and search terms."""
    regions: list[tuple[str, str]] = [("city", CITY)]
    regions += [("county", c) for c in sorted({v[:6] for v in villages})[:4]]
    regions += [("township", t) for t in sorted({v[:9] for v in villages})[:6]]
    regions += [("village", v) for v in villages]
    return [_account(role, code) for role, code in regions]


def _account(role: str, code: str) -> dict[str, Any]:
    from fangpin.accounts.models import User
    from fangpin.accounts.services import token_issue, user_create

    username = f"{PREFIX}{role}-{code}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user, _ = user_create(
            username=username, role=role, region_code=code, password=secrets.token_urlsafe(16)
        )
    households, queries = _sample(code)
    return {
        "username": username,
        "role": role,
        "region": code,
        "village": code if role == "village" else None,
        "token": token_issue(user=user),
        "session": _session(user),
        "households": households,
        "queries": queries,
    }


def _session(user: Any) -> str:
    """A signed-in web session, made as the login view makes one (no password hashing)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from fangpin.accounts.middleware import SEEN, STARTED

    session = SessionStore()
    now = int(time.time())
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[STARTED] = now
    session[SEEN] = now
    session.create()
    return str(session.session_key)


def _sample(code: str) -> tuple[list[int], list[tuple[str, str]]]:
    """Households of the region, and search terms from them: ⅓ ID number, ⅓ 户主 name, ⅓ 户编号."""
    from fangpin.core.scoping import region_q
    from fangpin.regions.models import Region
    from fangpin.registry.models import Household, Membership

    prefix = Region.objects.get(code=code).prefix
    rows = list(
        Household.objects.filter(region_q("village", prefix))
        .order_by("?")
        .values_list("id", "number", "head_name")[:SAMPLE]
    )
    heads = {
        m.household_id: m.person.id_number
        for m in Membership.objects.filter(
            household_id__in=[r[0] for r in rows], relation="户主", ended_on__isnull=True
        ).select_related("person")
    }
    queries: list[tuple[str, str]] = []
    for i, (pk, number, head) in enumerate(rows):
        if i % 3 == 0 and pk in heads:
            queries.append(("id", heads[pk]))
        elif i % 3 == 1:
            queries.append(("name", head))
        else:
            queries.append(("number", number))
    return [r[0] for r in rows], queries


def _cases_fresh(villages: list[str]) -> dict[str, list[int]]:
    """Empty the case tables (bench database only) and report a case for every household of
    the villages, through the service, as each village's own account."""
    from django.db import connection

    from fangpin.accounts.models import User
    from fangpin.dashboard.counters import counters_rebuild
    from fangpin.monitoring.services import case_create
    from fangpin.registry.models import Household

    if not common.is_dedicated_database():
        raise SystemExit(f"数据库 {common.database_name()} 不是专用基准数据库,拒绝清空监测对象")
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE monitoring_caseevent, monitoring_measure, monitoring_historicalmeasure, "
            "monitoring_historicalcase, monitoring_case, villages_visit, "
            "dashboard_regioncounter CASCADE"
        )
    cases: dict[str, list[int]] = {}
    today = dt.date.today()
    for village in villages:
        clerk = User.objects.get(username=f"{PREFIX}village-{village}")
        made = []
        for household in Household.objects.filter(village_id=village).order_by("id")[
            :CASES_PER_VILLAGE
        ]:
            case = case_create(
                user=clerk,
                household=household,
                channel="cadre_visit",
                category="unstable" if household.is_alleviated else "marginal",
                risk_types=["01"],
                reported_on=today,
            )
            made.append(case.pk)
        cases[village] = made
    counters_rebuild()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE monitoring_case")
        cursor.execute("ANALYZE monitoring_caseevent")
    return cases


# ------------------------------------------------------------------ the server and the load


class Server:
    """One `fangpin serve` process on a loopback port."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.port = _free_port()
        self.data_dir = tempfile.TemporaryDirectory(prefix="fangpin-load-")
        self.log = Path(self.data_dir.name) / "serve.log"
        env = {
            **os.environ,
            "FANGPIN_DATA_DIR": self.data_dir.name,
            "FANGPIN_SECRET_KEY": _secret_key(),
            "DATABASE_URL": common.database_url(),
            "PYTHONPATH": str(common.ROOT / "src"),
            "FANGPIN_SERVE_WORKERS": str(workers),
            # The ID numbers in the database were encrypted with this process's key.
            "FANGPIN_ID_KEY": _id_key(),
        }
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "fangpin.cli", "serve", "--port", str(self.port)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}: {self.tail()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/healthz")
                conn.getresponse().read()
                conn.close()
                return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError("server did not answer within 120 s")

    def tail(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.data_dir.cleanup()


_SECRET = secrets.token_urlsafe(50)


def _secret_key() -> str:
    """The servers' key: the one this process signs the accounts' sessions with (`main`)."""
    return _SECRET


def _id_key() -> str:
    from fangpin.core.idcrypt import _master_hex

    return _master_hex()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _seats(accounts: list[dict[str, Any]]) -> list[int]:
    """Which account each simulated user takes, in turn: 60% village, the rest the others."""
    by_role: dict[str, list[int]] = {}
    for i, account in enumerate(accounts):
        by_role.setdefault(account["role"], []).append(i)
    shares = {"village": 30, "township": 8, "county": 7, "city": 5}
    seats: list[int] = []
    for role, n in shares.items():
        seats += [by_role[role][k % len(by_role[role])] for k in range(n)]
    random.Random(common.SEED).shuffle(seats)
    return seats


def _load(server: Server, plan: dict[str, Any], seconds: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="fangpin-locust-") as folder:
        plan_path = Path(folder) / "plan.json"
        result_path = Path(folder) / "result.json"
        plan_path.write_text(
            json.dumps(
                {
                    **plan,
                    "host": f"http://127.0.0.1:{server.port}",
                    "users": USERS,
                    "spawn_rate": SPAWN_RATE,
                    "seconds": seconds,
                }
            )
        )
        done = subprocess.run(
            [sys.executable, "-m", "bench.load_locust", str(plan_path), str(result_path)],
            cwd=common.ROOT,
            capture_output=True,
            text=True,
            timeout=seconds + 180,
            check=False,
        )
        if done.returncode != 0 or not result_path.exists():
            raise RuntimeError(f"locust failed ({done.returncode}): {done.stderr[-2000:]}")
        result: dict[str, Any] = json.loads(result_path.read_text())
        return result


def _phase(
    label: str, workers: int, villages: list[str], accounts: list[dict[str, Any]], scale: str
) -> Phase:
    from fangpin.monitoring.models import CaseEvent
    from fangpin.villages.models import Visit

    cases = _cases_fresh(villages)
    plan = {"accounts": accounts, "seats": _seats(accounts), "cases": cases}
    server = Server(workers)
    try:
        raw = _load(server, plan, PHASE_SECONDS[scale])
    finally:
        server.stop()
    kinds = [
        figures(kind, raw["latencies"].get(kind, []), raw["errors"].get(kind, 0))
        for kind in sorted(set(raw["latencies"]) | set(raw["errors"]))
    ]
    everything = [t for values in raw["latencies"].values() for t in values]
    overall = figures("overall", everything, sum(raw["errors"].values()))
    prepared = [pk for pks in cases.values() for pk in pks]
    events = CaseEvent.objects.filter(
        case_id__in=prepared, action__in=("verify", "deliberate")
    ).values_list("case_id", "action")
    history = history_check(
        [
            SeenAction(a["case"], a["action"], a["key"], a["status"], a["replayed"])
            for a in raw["actions"]
        ],
        list(events),
    )
    stored = Visit.objects.filter(created_by__username__startswith=PREFIX).values_list(
        "id", flat=True
    )
    visits = visit_check([tuple(v) for v in raw["visits"]], list(stored))
    return Phase(
        label, workers, raw["seconds"], kinds, overall, history, visits, raw["error_samples"]
    )


# ------------------------------------------------------------------ report


def _print_phase(phase: Phase) -> None:
    print(
        f"  -- {phase.label}: {phase.workers} gunicorn worker(s), {USERS} users, "
        f"{phase.seconds:.0f} s, {phase.throughput:.1f} req/s"
    )
    print(f"  {'kind':<20} {'requests':>8} {'errors':>6} {'p50':>8} {'p95':>8} {'p99':>8}")
    for k in [*phase.kinds, phase.overall]:
        print(
            f"  {k.kind:<20} {k.requests:>8} {k.errors:>6} {k.p50_ms:6.0f}ms {k.p95_ms:6.0f}ms "
            f"{k.p99_ms:6.0f}ms"
        )
    print(f"  history: {phase.history.summary()}")
    print(f"  visits:  {phase.visits.summary()}")
    for sample in phase.error_samples[:5]:
        print(f"    error: {sample}")


def main(scale: str) -> None:
    largest = common.OPTIONS.get("households_max")
    if largest and common.database_name() != growth.database_for(largest):
        _at_growth_point(scale, largest)
        return
    from django.conf import settings

    # The web sessions made here are signed with this process's key; the servers get the same.
    settings.SECRET_KEY = _SECRET
    total = common.ensure_registry(scale)
    villages = _villages(VILLAGES[scale])
    accounts = _accounts(villages)
    workers = settings.FANGPIN_SERVE_WORKERS
    print(
        f"  households {total:,}; {len(accounts)} accounts (city, {len(villages)} villages and "
        f"their townships and counties); gunicorn gthread × {settings.FANGPIN_SERVE_THREADS} "
        f"threads; {USERS} users, think 0.2–1 s, {PHASE_SECONDS[scale]} s per phase",
        flush=True,
    )
    try:
        production = _phase("served", workers, villages, accounts, scale)
        _print_phase(production)
        baseline = _phase("baseline", 1, villages, accounts, scale)
        _print_phase(baseline)
    finally:
        _cases_fresh([])  # the run's cases would change what later benchmarks find
    throughput = production.throughput / baseline.throughput if baseline.throughput else 0.0
    p95 = production.overall.p95_ms / baseline.overall.p95_ms if baseline.overall.p95_ms else 0.0
    target_met = (
        production.overall.p95_ms <= P95_TARGET_MS
        and production.overall.errors == 0
        and production.history.ok
        and production.visits.ok
    )
    print(
        f"  ratio {workers} workers ÷ 1 worker: throughput {throughput:.2f}×, p95 {p95:.2f}×; "
        f"target p95 ≤ {P95_TARGET_MS:.0f} ms, 0 errors, history intact: "
        f"{'met' if target_met else 'NOT met'} (p95 {production.overall.p95_ms:.0f} ms, "
        f"{production.overall.errors} errors)"
    )
    print(
        json.dumps(
            {
                "bench_load": [
                    {
                        "phase": p.label,
                        "workers": p.workers,
                        "rps": round(p.throughput, 1),
                        "requests": p.overall.requests,
                        "errors": p.overall.errors,
                        "p50_ms": round(p.overall.p50_ms, 1),
                        "p95_ms": round(p.overall.p95_ms, 1),
                        "p99_ms": round(p.overall.p99_ms, 1),
                        "history_ok": p.history.ok,
                        "visits_ok": p.visits.ok,
                    }
                    for p in (production, baseline)
                ]
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    sys.exit(_cli())
