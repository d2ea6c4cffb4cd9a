"""Seeding throughput (households/s) against a raw COPY of the same rows.

Measured: `registry_seed` (what `fangpin seed` runs) adding the scale's households to an
empty registry: generating families, ID numbers, incomes and guarantees in Python and
writing them with COPY into the real, indexed and constrained tables.

Baseline, same run: the rows it wrote, dumped to files (not timed), then loaded with plain
`COPY ... FROM STDIN` into bare copies of the five tables (`CREATE TABLE ... (LIKE ...
INCLUDING ALL)`: same columns, primary keys, unique and other indexes; no foreign keys) —
the cost of just getting those bytes into PostgreSQL. Ratio = seed throughput ÷ baseline.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench import common

ORDER = 10  # runs first: it leaves the registry the other benchmarks measure on
CHUNK = 1 << 20


def _copy_baseline(folder: Path) -> float:
    from django.db import connection

    files = {}
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for table in common.REGISTRY_TABLES:
            path = folder / f"{table}.copy"
            with path.open("wb") as out, raw.copy(f"COPY {table} TO STDOUT") as copy:
                for block in copy:
                    out.write(block)
            files[table] = path
            cursor.execute(f"DROP TABLE IF EXISTS bench_{table}")
            cursor.execute(f"CREATE TABLE bench_{table} (LIKE {table} INCLUDING ALL)")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for table, path in files.items():
            with path.open("rb") as src, raw.copy(f"COPY bench_{table} FROM STDIN") as copy:
                while block := src.read(CHUNK):
                    copy.write(block)
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        for table in files:
            cursor.execute(f"DROP TABLE bench_{table}")
    return elapsed


def main(scale: str) -> None:
    from fangpin.registry.seeding import registry_seed

    households = common.SCALES[scale]
    common.registry_truncate()
    result = registry_seed(households=households, random_seed=common.SEED, progress=True)
    common.analyze()
    seed_rate = result.households / result.seconds
    with tempfile.TemporaryDirectory(prefix="fangpin-bench-") as folder:
        baseline = _copy_baseline(Path(folder))
    base_rate = households / baseline
    rows = result.households * 3 + result.persons * 2
    print(
        f"  households            {result.households:,} ({result.persons:,} persons, {rows:,} rows)"
    )
    print(f"  seed (fangpin)        {result.seconds:8.1f} s   {seed_rate:10,.0f} households/s")
    print(f"  baseline (raw COPY)   {baseline:8.1f} s   {base_rate:10,.0f} households/s")
    print(f"  ratio seed/baseline   {common.ratio(seed_rate, base_rate)} of raw COPY throughput")
