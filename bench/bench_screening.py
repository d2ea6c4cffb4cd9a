"""Screening throughput: a synthetic registry and a month of medical settlements (Parquet).

Three contenders, each in its own process (so that each one's peak memory is its own):
- fangpin: what a batch runs — sniff and check the file, normalise and validate every row,
  match by ID number, run the three medical rules (rules as data), write matched rows;
- floor: one hand-written DuckDB query answering the same question (the same match of ID
  numbers, unreadable dates left out, the three rules per person) with no check of unmatched
  numbers, no evidence and nothing written; "simple floor": the same with ID numbers only
  trimmed and upper-cased (a lower bound, printed beside it);
- pandas: what an analyst would write (read, tidy the ID numbers, merge, group, filter).
Each prints the persons each rule hits, so that the answers can be seen to agree.
Targets: fangpin within 1.5x of the floor, and at least 5x faster than pandas.

Scales: small = 1M persons / 10M rows; full = that and 10M persons / 50M rows (pandas runs on
the first 10M rows there and its time is scaled by rows; it says so).
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench import common

ORDER = 40
SIZES = {
    "small": [(1_000_000, 10_000_000)],
    "full": [(1_000_000, 10_000_000), (10_000_000, 50_000_000)],
}
PANDAS_MAX_ROWS = 10_000_000
# Each contender reports the persons each rule hits (same order everywhere).
RULES = {
    "medical_out_of_pocket_absolute": "absolute",
    "medical_out_of_pocket_share": "share",
    "medical_inpatient_single": "inpatient",
}
PERIOD = "2024-03"
DATA = common.ROOT / "var" / "bench" / "screening"

THRESHOLDS = {
    "medical_out_of_pocket_yuan": Decimal(20000),
    "rural_disposable_income_prev_year": Decimal(18697),
    "medical_share_alleviated": Decimal("0.5"),
    "medical_share_other": Decimal("1.0"),
    "inpatient_single_monitored_yuan": Decimal(6000),
    "inpatient_single_other_yuan": Decimal(10000),
}


def _paths(persons: int, rows: int) -> tuple[Path, Path]:
    # The version changes with the synthetic data (v2: wrong check characters, 15 digits and
    # full-width digits among the ID numbers). The registry holds keyed hashes of the numbers
    # (h: with the key whose fingerprint follows), as the real export does.
    from fangpin.core.idcrypt import lookup_key

    fingerprint = hashlib.sha256(lookup_key().encode()).hexdigest()[:8]
    return (
        DATA / f"registry-h{fingerprint}-{persons}.parquet",
        DATA / f"medical-v2-{persons}-{rows}.parquet",
    )


def _generate(persons: int, rows: int) -> None:
    from fangpin.screening.synthetic import medical_parquet, registry_parquet

    registry, batch = _paths(persons, rows)
    DATA.mkdir(parents=True, exist_ok=True)
    if not registry.exists():
        registry_parquet(registry, persons)
    if not batch.exists():
        tmp = batch.with_suffix(".tmp")
        medical_parquet(tmp, rows, persons=persons, period=PERIOD)
        tmp.rename(batch)


# --- contenders (each runs in a child process) ---------------------------------------------


def run_fangpin(registry: Path, batch: Path, work: Path) -> dict[str, int]:
    import datetime as dt

    from fangpin.screening import ingest
    from fangpin.screening.engines import Job, Registry
    from fangpin.screening.engines.duckdb_engine import DuckDBEngine
    from fangpin.screening.rules import rules_for
    from fangpin.screening.synthetic import monitored_path

    inspected = ingest.inspect(batch, source="medical", original_name=batch.name)
    params: dict[str, object] = {
        "period_start": dt.date(2024, 3, 1),
        "period_end": dt.date(2024, 3, 31),
        "period_year": 2024,
        **THRESHOLDS,
    }
    job = Job(
        batch_id=1,
        source="medical",
        raw=batch,
        registry=Registry(person_parts=(registry,), monitored=monitored_path(registry)),
        rules=rules_for("medical"),
        params=params,
        workdir=work,
        raw_columns=inspected.columns,
        native=inspected.native,
    )
    result = DuckDBEngine().run(job, lambda _p, _s: None)
    # The hits as the engine hands them to the warning writer (Arrow tables, one row a hit).
    hits = dict.fromkeys(RULES.values(), 0)
    for found in result.rule_hits:
        hits[RULES[found.rule.name]] += len(found)
    return hits


def run_floor(registry: Path, batch: Path, work: Path) -> dict[str, int]:
    """The same question in one hand-written query: ID numbers matched as fangpin matches them
    (numbers already in shape used as they are; the others with spaces, lower-case x and
    full-width digits cleaned, and 15 digits made 18; then hashed with the registry's key, as
    the registry holds keyed hashes), rows with an unreadable date left out,
    the three rules' thresholds per person. No check of the numbers that match nobody, no
    evidence, nothing written."""
    weighted = " + ".join(
        f"CAST(substr(s, {i + 1}, 1) AS INTEGER) * {w}" for i, w in enumerate(_WEIGHTS)
    )
    rows = f"""
        SELECT CASE WHEN length(t) = 15 THEN s || substr('10X98765432', ({weighted}) % 11 + 1, 1)
                    ELSE t END AS id_number, settled_on, out_of_pocket, inpatient
        FROM (
          SELECT *, substr(t, 1, 6) || '19' || substr(t, 7) AS s
          FROM (
            SELECT CASE WHEN regexp_matches(id_number, '^[0-9]{{17}}[0-9X]$') THEN id_number
                        ELSE upper(translate(id_number, '０１２３４５６７８９ｘＸ \t',
                                             '0123456789XX')) END AS t,
                   settled_on, out_of_pocket, inpatient
            FROM read_parquet('{batch}')))"""
    return _floor(registry, work, rows)


def run_floor_simple(registry: Path, batch: Path, work: Path) -> dict[str, int]:
    """The floor with the simplest match: ID numbers trimmed and upper-cased only. A lower
    bound: it misses the full-width and 15-digit numbers, so it hits a few persons less."""
    rows = (
        "SELECT upper(trim(id_number)) AS id_number, settled_on, out_of_pocket, inpatient "
        f"FROM read_parquet('{batch}')"
    )
    return _floor(registry, work, rows)


_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _floor(registry: Path, work: Path, rows: str) -> dict[str, int]:
    import duckdb

    from fangpin.core.idcrypt import lookup_key
    from fangpin.screening.synthetic import monitored_path

    t = THRESHOLDS
    con = duckdb.connect()
    con.execute(f"SET temp_directory = '{work}'")
    con.execute(f"SET threads = {os.cpu_count() or 1}")
    row = con.execute(
        f"""
        WITH b AS (
          SELECT id_number, try_cast(settled_on AS DATE) AS day, out_of_pocket, inpatient
          FROM ({rows})
        ), p AS (
          SELECT p.person_id, p.id_hash, p.is_alleviated OR m.household_id IS NOT NULL AS prio
          FROM read_parquet('{registry}') AS p
          LEFT JOIN read_parquet('{monitored_path(registry)}') AS m USING (household_id)
        ), per AS (
          SELECT p.person_id, any_value(p.prio) AS prio,
                 sum(b.out_of_pocket) FILTER (WHERE year(b.day) = 2024) AS total,
                 max(b.out_of_pocket) FILTER (WHERE b.inpatient) AS stay
          FROM b JOIN p ON p.id_hash = sha256('{lookup_key()}' || b.id_number)
          WHERE b.day IS NOT NULL
          GROUP BY p.person_id
        )
        SELECT
          count(*) FILTER (WHERE total > {t["medical_out_of_pocket_yuan"]}),
          count(*) FILTER (WHERE total > {t["rural_disposable_income_prev_year"]}
            * CASE WHEN prio THEN {t["medical_share_alleviated"]}
                   ELSE {t["medical_share_other"]} END),
          count(*) FILTER (WHERE stay > CASE WHEN prio THEN {t["inpatient_single_monitored_yuan"]}
                                            ELSE {t["inpatient_single_other_yuan"]} END)
        FROM per
        """
    ).fetchone()
    assert row is not None
    return dict(zip(("absolute", "share", "inpatient"), row, strict=True))


def run_pandas(registry: Path, batch: Path, work: Path, limit: int | None = None) -> dict[str, int]:
    import pandas as pd
    import pyarrow.parquet as pq

    t = {k: float(v) for k, v in THRESHOLDS.items()}
    columns = ["id_number", "settled_on", "out_of_pocket", "inpatient"]
    if limit:
        table = next(pq.ParquetFile(batch).iter_batches(batch_size=limit, columns=columns))
        df = table.to_pandas()
    else:
        df = pd.read_parquet(batch, columns=columns)
    df["id_number"] = df["id_number"].str.strip().str.upper()
    df = df[df["id_number"].str.fullmatch(r"\d{17}[\dX]")]
    df["out_of_pocket"] = df["out_of_pocket"].astype(float)
    df = df[pd.to_datetime(df["settled_on"], errors="coerce").notna()]
    from fangpin.core.idcrypt import lookup_key

    key = lookup_key()
    df["id_hash"] = [hashlib.sha256((key + n).encode()).hexdigest() for n in df["id_number"]]
    people = pd.read_parquet(
        registry, columns=["person_id", "id_hash", "household_id", "is_alleviated"]
    )
    monitored = pd.read_parquet(registry.with_name(registry.stem + "-monitored.parquet"))
    people["prio"] = people["is_alleviated"] | people["household_id"].isin(
        monitored["household_id"]
    )
    merged = df.merge(people, on="id_hash", how="inner")
    merged["stay"] = merged["out_of_pocket"].where(merged["inpatient"])
    per = merged.groupby("person_id").agg(
        total=("out_of_pocket", "sum"), stay=("stay", "max"), prio=("prio", "max")
    )
    share = per["prio"].map({True: t["medical_share_alleviated"], False: t["medical_share_other"]})
    single = per["prio"].map(
        {True: t["inpatient_single_monitored_yuan"], False: t["inpatient_single_other_yuan"]}
    )
    return {
        "absolute": int((per["total"] > t["medical_out_of_pocket_yuan"]).sum()),
        "share": int((per["total"] > t["rural_disposable_income_prev_year"] * share).sum()),
        "inpatient": int((per["stay"] > single).sum()),
    }


def _child(argv: list[str]) -> None:
    """python -m bench.bench_screening CONTENDER REGISTRY BATCH WORK [LIMIT]"""
    sys.path.insert(0, str(common.ROOT / "src"))
    contender, registry, batch, work = argv[:4]
    limit = int(argv[4]) if len(argv) > 4 else None
    Path(work).mkdir(parents=True, exist_ok=True)
    # Imports are made before the clock starts: each contender is timed on its work alone.
    import duckdb  # noqa: F401
    import pandas  # noqa: F401
    import pyarrow.parquet  # noqa: F401

    from fangpin.screening import ingest, rules  # noqa: F401
    from fangpin.screening.engines import duckdb_engine  # noqa: F401

    started = time.perf_counter()
    if contender == "fangpin":
        hits = run_fangpin(Path(registry), Path(batch), Path(work))
    elif contender == "floor":
        hits = run_floor(Path(registry), Path(batch), Path(work))
    elif contender == "floor-simple":
        hits = run_floor_simple(Path(registry), Path(batch), Path(work))
    else:
        hits = run_pandas(Path(registry), Path(batch), Path(work), limit)
    seconds = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mib": peak_mib, "persons_hit": hits}))


def _measure(
    contender: str, registry: Path, batch: Path, limit: int | None = None
) -> dict[str, Any]:
    work = DATA / f"work-{contender}"
    cmd = [
        sys.executable,
        "-m",
        "bench.bench_screening",
        contender,
        str(registry),
        str(batch),
        str(work),
    ]
    if limit:
        cmd.append(str(limit))
    env = {**os.environ, "PYTHONPATH": f"{common.ROOT / 'src'}:{common.ROOT}"}
    done = subprocess.run(
        cmd, capture_output=True, text=True, cwd=common.ROOT, env=env, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{contender} failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(scale: str) -> None:
    print("\n== screening: medical batch, match by ID number, three rules ==")
    for persons, rows in SIZES[scale]:
        started = time.perf_counter()
        _generate(persons, rows)
        registry, batch = _paths(persons, rows)
        size = batch.stat().st_size / 1024 / 1024
        print(
            f"  data      {persons:,} persons, {rows:,} rows ({size:,.0f} MiB Parquet), "
            f"ready in {time.perf_counter() - started:.1f}s"
        )
        fangpin = _measure("fangpin", registry, batch)
        floor = _measure("floor", registry, batch)
        simple = _measure("floor-simple", registry, batch)
        limit = None if rows <= PANDAS_MAX_ROWS else PANDAS_MAX_ROWS
        pandas = _measure("pandas", registry, batch, limit)
        pandas_seconds = pandas["seconds"] * (rows / limit if limit else 1)
        scaled = f" (ran on {limit:,} rows, scaled x{rows / limit:.0f})" if limit else ""
        for name, r, secs in (
            ("fangpin", fangpin, fangpin["seconds"]),
            ("floor", floor, floor["seconds"]),
            ("simple", simple, simple["seconds"]),
            ("pandas", pandas, pandas_seconds),
        ):
            print(
                f"  {name:8}  {secs:8.2f}s  {rows / secs / 1e6:6.2f} M rows/s  "
                f"peak {r['peak_mib']:,.0f} MiB  persons hit "
                + " / ".join(f"{k} {v:,}" for k, v in r["persons_hit"].items())
                + (scaled if name == "pandas" else "")
            )
        same = fangpin["persons_hit"] == floor["persons_hit"]
        print(
            "  agree     fangpin and floor hit the same persons per rule: "
            + ("yes" if same else "NO")
            + " (simple floor and pandas miss full-width and 15-digit numbers)"
        )
        vs_floor = fangpin["seconds"] / floor["seconds"]
        vs_simple = fangpin["seconds"] / simple["seconds"]
        vs_pandas = pandas_seconds / fangpin["seconds"]
        print(
            f"  ratio     fangpin/floor {vs_floor:.2f}x (target <= 1.5x: "
            f"{'ok' if vs_floor <= 1.5 else 'MISSED'}) · fangpin/simple floor {vs_simple:.2f}x "
            f"· pandas/fangpin {vs_pandas:.1f}x "
            f"(target >= 5x: {'ok' if vs_pandas >= 5 else 'MISSED'})"
        )


if __name__ == "__main__":
    _child(sys.argv[1:])
