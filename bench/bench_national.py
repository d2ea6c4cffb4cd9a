"""National screening: a batch far larger than memory, streamed by Spark and by DuckDB.

A medical batch is generated in pieces on disk (`synthetic.medical_raw_parts`: Parquet of
5,000,000 rows each, as the batch lies on shared storage, never whole in memory), with a
registry of persons. Both engines screen it as the product does (match, checks, the three
medical rules, matched rows written), each in its own process with a bounded memory:
- Spark in local mode (`local[N]`, N = the machine's cores), driver memory 4g, through the
  cluster configuration (`FANGPIN_SHARED_STORAGE`: the batch is read where it lies; the
  registry snapshot is put there first, as after the first batch, untimed);
- DuckDB, the default engine, with `memory_limit` 4GB.
Printed: seconds, rows/s and rows/s per core, the peak resident memory of the process that did
the work (Spark: the JVM's VmHWM from /proc; DuckDB: the Python process's) against the bound,
the persons each rule hits (the engines must agree), and Spark's per-core rate against
DuckDB's.

Sizes: 5,000,000 rows by default (1,000,000 persons); 100,000,000 rows (10,000,000 persons,
~3 GB of Parquet) with FANGPIN_BENCH_NATIONAL_ROWS=100000000 or
`python -m bench.bench_national --rows 100000000`. The generated files stay under
var/bench/national (reused by the next run; `--clean` deletes them afterwards).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import common

ORDER = 45
DEFAULT_ROWS = 5_000_000
CHUNK_ROWS = 5_000_000
MEMORY = "4g"
DATA = common.ROOT / "var" / "bench" / "national"
# The ID lookup key comes from the settings (as the registry export's does).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangpin.settings")
RULES = {
    "medical_out_of_pocket_absolute": "absolute",
    "medical_out_of_pocket_share": "share",
    "medical_inpatient_single": "inpatient",
}


def _persons(rows: int) -> int:
    return max(1_000_000, rows // 10)


def _paths(rows: int) -> tuple[Path, Path]:
    import hashlib

    from fangpin.core.idcrypt import lookup_key

    fingerprint = hashlib.sha256(lookup_key().encode()).hexdigest()[:8]
    persons = _persons(rows)
    return (
        DATA / "worker" / f"registry-h{fingerprint}-{persons}.parquet",
        DATA / "shared" / "incoming" / f"medical-{persons}-{rows}",
    )


def _generate(rows: int) -> None:
    from fangpin.screening.synthetic import medical_raw_parts, registry_parquet

    registry, parts = _paths(rows)
    registry.parent.mkdir(parents=True, exist_ok=True)
    if not registry.exists():
        tmp = registry.with_name("tmp-" + registry.name)
        registry_parquet(tmp, _persons(rows))
        tmp.with_name(tmp.stem + "-monitored.parquet").rename(
            registry.with_name(registry.stem + "-monitored.parquet")
        )
        tmp.rename(registry)
    medical_raw_parts(parts, rows, persons=_persons(rows), chunk_rows=CHUNK_ROWS)


def _job(registry: Path, parts: Path, work: Path) -> Any:
    import datetime as dt

    from bench.bench_screening import THRESHOLDS
    from fangpin.screening.engines import Job, Registry
    from fangpin.screening.rules import rules_for
    from fangpin.screening.synthetic import monitored_path

    return Job(
        batch_id=1,
        source="medical",
        raw=parts,
        registry=Registry(person_parts=(registry,), monitored=monitored_path(registry)),
        rules=rules_for("medical"),
        params={
            "period_start": dt.date(2024, 3, 1),
            "period_end": dt.date(2024, 3, 31),
            "period_year": 2024,
            **THRESHOLDS,
        },
        workdir=work,
    )


def _vm_hwm_mib(pid: int) -> float:
    """Peak resident memory of a process (VmHWM in /proc/<pid>/status), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for {pid}")


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used, from /proc/<pid>/stat: a per-core rate that
    the machine's other load does not change, unlike the wall clock."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _child(contender: str, registry: Path, parts: Path, work: Path) -> None:
    sys.path.insert(0, str(common.ROOT / "src"))
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    from fangpin.screening.engines import engine_get

    job = _job(registry, parts, work)
    pid = os.getpid()
    if contender == "spark":
        from fangpin.screening.engines import spark_engine
        from fangpin.screening.engines.shared_storage import SharedStorage
        from fangpin.screening.engines.spark_config import spark_config

        config = spark_config()
        spark_engine.session(config)  # JVM start-up is not the batch's work
        pid = spark_engine.jvm_pid()
        # The registry snapshot is on the shared storage already (put there by the first
        # batch after an export): put it now, untimed.
        storage = SharedStorage(config.shared_storage or "")
        for path in (*job.registry.person_parts, job.registry.monitored):
            storage.put(path, "registry")
    engine = engine_get(contender)
    cpu_before = _cpu_seconds(pid)
    started = time.perf_counter()
    result = engine.run(job, lambda _p, _s: None)
    seconds = time.perf_counter() - started
    cpu = _cpu_seconds(pid) - cpu_before
    hits = dict.fromkeys(RULES.values(), 0)
    for found in result.rule_hits:
        hits[RULES[found.rule.name]] += len(found)
    peak = (
        _vm_hwm_mib(pid)
        if contender == "spark"
        else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    )
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu_seconds": cpu,
                "peak_mib": peak,
                "rows_read": result.rows_read,
                "rows_matched": result.rows_matched,
                "persons_hit": hits,
                "timings": {k: round(v, 1) for k, v in result.timings.items()},
            }
        )
    )
    shutil.rmtree(work, ignore_errors=True)


def _measure(contender: str, rows: int, cores: int) -> dict[str, Any]:
    registry, parts = _paths(rows)
    work = DATA / f"work-{contender}"
    env = {
        **os.environ,
        "PYTHONPATH": f"{common.ROOT / 'src'}:{common.ROOT}",
        "FANGPIN_DUCKDB_MEMORY": MEMORY.upper() + "B",
        "FANGPIN_SPARK_MASTER": f"local[{cores}]",
        "FANGPIN_SPARK_DRIVER_MEMORY": MEMORY,
        "FANGPIN_SPARK_PARTITIONS": str(max(8, rows // 1_000_000)),
        "FANGPIN_SHARED_STORAGE": str(DATA / "shared"),
        # Shuffle and spill files beside the data, not in /tmp.
        "FANGPIN_SPARK_CONF": f"spark.local.dir={DATA / 'spark-tmp'}",
    }
    cmd = [sys.executable, "-m", "bench.bench_national", "--child", contender]
    cmd += [str(registry), str(parts), str(work)]
    done = subprocess.run(
        cmd, capture_output=True, text=True, cwd=common.ROOT, env=env, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{contender} failed: {done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(rows: int, clean: bool = False) -> None:
    cores = os.cpu_count() or 1
    print(f"\n== national screening: {rows:,} rows in pieces on disk, memory bound {MEMORY} ==")
    free = shutil.disk_usage(common.ROOT).free / 1024**3
    print(f"  disk      {free:,.0f} GiB free before generating")
    started = time.perf_counter()
    _generate(rows)
    _registry, parts = _paths(rows)
    size = sum(p.stat().st_size for p in parts.glob("*.parquet")) / 1024**2
    print(
        f"  data      {_persons(rows):,} persons, {rows:,} rows in "
        f"{len(list(parts.glob('*.parquet')))} pieces ({size:,.0f} MiB Parquet), "
        f"ready in {time.perf_counter() - started:.1f}s"
    )
    try:
        results = {name: _measure(name, rows, cores) for name in ("spark", "duckdb")}
    finally:
        if clean:
            shutil.rmtree(DATA, ignore_errors=True)
    bound = int(MEMORY[:-1]) * 1024
    for name, r in results.items():
        secs = r["seconds"]
        who = "JVM" if name == "spark" else "process"
        print(
            f"  {name:7}  {secs:8.1f}s  {rows / secs / 1e6:6.2f} M rows/s  "
            f"{rows / secs / cores / 1e3:8,.0f} k rows/s per core ({cores} cores), "
            f"{rows / r['cpu_seconds'] / 1e3:8,.0f} k rows per CPU-second "
            f"({r['cpu_seconds']:,.0f} CPU-s)  "
            f"peak {who} RSS {r['peak_mib']:,.0f} MiB (bound {bound:,} MiB heap/limit)  "
            "persons hit " + " / ".join(f"{k} {v:,}" for k, v in r["persons_hit"].items())
        )
        print(f"           steps (cumulative s) {r['timings']}")
    spark, duck = results["spark"], results["duckdb"]
    same = spark["persons_hit"] == duck["persons_hit"] and (
        spark["rows_matched"] == duck["rows_matched"]
    )
    print(f"  agree     Spark and DuckDB matched and hit the same: {'yes' if same else 'NO'}")
    print(
        f"  ratio     Spark/DuckDB rows/s per core {duck['seconds'] / spark['seconds']:.2f}x, "
        f"rows per CPU-second {duck['cpu_seconds'] / spark['cpu_seconds']:.2f}x · "
        f"Spark peak RSS / data on disk {spark['peak_mib'] / size:.2f}x"
    )


def main(scale: str) -> None:
    run(int(os.environ.get("FANGPIN_BENCH_NATIONAL_ROWS", DEFAULT_ROWS)))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.bench_national")
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS)
    parser.add_argument("--clean", action="store_true", help="运行后删除生成的数据")
    parser.add_argument("--child", nargs=4, metavar=("ENGINE", "REGISTRY", "PARTS", "WORK"))
    args = parser.parse_args()
    if args.child:
        contender, registry_arg, parts_arg, work_arg = args.child
        _child(contender, Path(registry_arg), Path(parts_arg), Path(work_arg))
    else:
        sys.path.insert(0, str(common.ROOT / "src"))
        run(args.rows, clean=args.clean)
