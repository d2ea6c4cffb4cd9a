"""Shared set-up for benchmarks: the PostgreSQL database, machine header, timing helpers."""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/fangpin_bench"
# Households in the registry that the benchmarks measure on.
SCALES = {"small": 50_000, "full": 1_000_000}
SEED = 2026
# Runner options beyond the scale that some benchmarks read (`--households-max`, `--5m`).
OPTIONS: dict[str, Any] = {}


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_URL


def _ensure_database(url: str) -> None:
    """Create the benchmark database on the server when it does not exist yet."""
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def setup() -> None:
    """Point Django at PostgreSQL, create and migrate the database, load the region tree."""
    url = database_url()
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("基准测试需要 PostgreSQL:请把 DATABASE_URL 设为 postgres://...")
    _ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangpin.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    from fangpin.policy.services import policy_seed
    from fangpin.regions.models import Region
    from fangpin.regions.services import regions_load

    call_command("migrate", interactive=False, verbosity=0)
    if not Region.objects.filter(code="410400").exists():
        regions_load(city="4104")
    policy_seed()


def database_name() -> str:
    return urlparse(database_url()).path.lstrip("/")


def is_dedicated_database() -> bool:
    """Benchmarks may empty the registry only in a database made for them."""
    return "bench" in database_name()


def print_header(scale: str) -> None:
    from django.db import connection

    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    parts = urlparse(database_url())
    shown = f"{parts.hostname}:{parts.port or 5432}/{database_name()}"
    print("Fangpin benchmarks")
    print(f"  date       {time.strftime('%Y-%m-%d %H:%M:%S %Z')}")
    print(f"  machine    {platform.node()} · {platform.system()} {platform.release()}")
    print(f"  cpu        {cpu} × {os.cpu_count()} logical")
    print(f"  load       {' '.join(f'{x:.2f}' for x in os.getloadavg())} (1/5/15 min)")
    print(f"  memory     {memory}")
    print(f"  python     {platform.python_version()} · Django {_django_version()}")
    print(f"  database   PostgreSQL {server} at {shown}")
    print(f"  scale      {scale} ({SCALES[scale]:,} households)")


def _django_version() -> str:
    import django

    return django.get_version()


def household_count() -> int:
    from fangpin.registry.models import Household

    return Household.objects.count()


REGISTRY_TABLES = (
    "registry_household",
    "registry_person",
    "registry_membership",
    "registry_incomerecord",
    "registry_guarantee",
)


def registry_truncate() -> None:
    """Empty the registry (and, by CASCADE, whatever refers to it) in the bench database."""
    from django.db import connection

    if not is_dedicated_database():
        raise SystemExit(
            f"数据库 {database_name()} 不是专用的基准数据库(名称不含 bench),拒绝清空农户档案"
        )
    with connection.cursor() as cursor:
        historical = [f"registry_historical{t.removeprefix('registry_')}" for t in REGISTRY_TABLES]
        cursor.execute(f"TRUNCATE {', '.join(REGISTRY_TABLES + tuple(historical))} CASCADE")


def ensure_registry(scale: str) -> int:
    """Make sure the registry holds at least the scale's households; seed the missing ones."""
    from fangpin.registry.seeding import registry_seed

    target = SCALES[scale]
    have = household_count()
    if have < target:
        print(f"  (seeding {target - have:,} households first, not measured)", flush=True)
        registry_seed(households=target - have, random_seed=SEED + have, progress=True)
        analyze()
    return max(have, target)


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in REGISTRY_TABLES:
            cursor.execute(f"ANALYZE {table}")


def timed(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def p95_ms(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000


def ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:.2f}×" if baseline else "n/a"
