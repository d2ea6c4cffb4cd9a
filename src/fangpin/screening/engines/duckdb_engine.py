"""DuckDB: the default engine. Out-of-core: a memory limit and a spill directory are set, so a
batch larger than memory still runs (joins and aggregates spill to `workdir`)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import duckdb
import pyarrow as pa

from . import MALFORMED_SAMPLE, Job, Progress, Result, RuleHits
from .plan import group_hits, rule_groups
from .sql import (
    DROPPED,
    REF_BASE,
    batch_columns,
    matched_sql,
    matched_year_sql,
    persons_sql,
    stage_sql,
)


def _literal_path(path: object) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def connect(job: Job) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    spill = job.workdir / "spill"
    spill.mkdir(parents=True, exist_ok=True)
    limit = os.environ.get("FANGPIN_DUCKDB_MEMORY", "4GB")
    con.execute(f"SET memory_limit = '{limit}'")
    con.execute(f"SET temp_directory = {_literal_path(spill)}")
    # Row order inside the engine does not matter (row_no travels with each row).
    con.execute("SET preserve_insertion_order = false")
    con.execute(f"SET threads = {os.cpu_count() or 1}")
    con.execute("SET enable_progress_bar = false")  # progress goes to the batch, not stderr
    return con


class DuckDBEngine:
    name = "duckdb"

    def run(self, job: Job, progress: Progress) -> Result:
        timings: dict[str, float] = {}
        started = time.perf_counter()
        con = connect(job)
        writer: _Writer | None = None
        try:
            _inputs(con, job)
            progress(20, "读取并核对数据")
            person_columns = job.person_columns
            # A plain (not TEMP) table of the private in-memory database: the writer's cursor
            # below must see it.
            staged = stage_sql(
                job.source, job.batch_id, job.native, person_columns, id_key=job.id_key
            )
            con.execute(f"CREATE TABLE staged AS {staged}")
            timings["stage"] = time.perf_counter() - started
            rows_read = con.execute("SELECT count(*) FROM raw").fetchone()[0]  # type: ignore[index]
            malformed, matched = con.execute(
                "SELECT count(*) FILTER (WHERE problem IS NOT NULL), "
                "count(*) FILTER (WHERE problem IS NULL) FROM staged"
            ).fetchone()  # type: ignore[misc]
            sample = _rows(
                con.execute(
                    f"SELECT ref % {REF_BASE} AS row_no, id_number, problem FROM staged "
                    f"WHERE problem IS NOT NULL ORDER BY ref LIMIT {MALFORMED_SAMPLE}"
                )
            )
            con.execute(f"CREATE VIEW matched AS {matched_sql(job.source, person_columns)}")
            matched_dir = job.workdir / "matched"
            matched_dir.mkdir(parents=True, exist_ok=True)
            # Kept for later batches of the year (and evidence): the batch's own columns.
            # Written on a second cursor while the rules run; joined before anything returns.
            keep = ", ".join([*batch_columns(job.source), "person_id"])
            writer = _Writer(
                con.cursor(),
                f"COPY (SELECT {keep} FROM staged WHERE problem IS NULL) TO "
                f"{_literal_path(matched_dir / 'part-0.parquet')} (FORMAT parquet)",
            )
            if job.prior:
                paths = ", ".join(_literal_path(p) for p in job.prior)
                con.execute(f"CREATE VIEW prior AS SELECT * FROM read_parquet([{paths}])")
            year = matched_year_sql(job.source, bool(job.prior), person_columns)
            con.execute(f"CREATE VIEW matched_year AS {year}")
            progress(50, "匹配完成,执行规则")
            groups = rule_groups(job.rules, job.params, "duckdb")
            found: list[RuleHits] = []
            runner = _Runner(con)
            for i, group in enumerate(groups):
                found.extend(group_hits(runner, group))
                progress(50 + 40 * (i + 1) // max(len(groups), 1), "执行规则")
            timings["rules"] = time.perf_counter() - started
            writer.wait()
            writer = None
            timings["total"] = time.perf_counter() - started
            return Result(
                rows_read=int(rows_read),
                rows_matched=int(matched),
                rows_malformed=int(malformed),
                malformed_sample=sample,
                rule_hits=found,
                matched_dir=matched_dir,
                engine=self.name,
                timings=timings,
            )
        finally:
            if writer is not None:  # failed elsewhere: let the write end before closing
                writer.wait(raise_error=False)
            con.close()


def _inputs(con: duckdb.DuckDBPyConnection, job: Job) -> None:
    """Views `raw` and `persons` (and a table `monitored`) over the job's files."""
    if job.raw_columns is not None:
        native = job.native or {}
        cols = ", ".join(
            _raw_column(name, src, name in native and name != "id_number")
            for name, src in job.raw_columns.items()
            if name not in DROPPED
        )
        con.execute(
            f"CREATE VIEW raw AS SELECT file_row_number + 1 AS row_no, {cols} "
            f"FROM read_parquet({_literal_path(job.raw)}, file_row_number = true)"
        )
    else:
        # A folder holds the batch in pieces (as on shared storage, see `synthetic`).
        raw = job.raw / "*.parquet" if job.raw.is_dir() else job.raw
        con.execute(f"CREATE VIEW raw AS SELECT * FROM read_parquet({_literal_path(raw)})")
    con.execute(
        "CREATE TEMP TABLE monitored AS SELECT household_id FROM "
        f"read_parquet({_literal_path(job.registry.monitored)})"
    )
    parts = ", ".join(_literal_path(p) for p in job.registry.person_parts)
    con.execute(f"CREATE VIEW persons_parts AS SELECT * FROM read_parquet([{parts}])")
    # One part (the usual case after compaction) is read in place, like a table.
    count = len(job.registry.person_parts)
    kind = "VIEW" if count == 1 else "TEMP TABLE"
    con.execute(f"CREATE {kind} persons AS {persons_sql(count)}")


class _Writer:
    """One statement run on its own cursor in a thread; `wait` re-raises its error."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection, sql: str) -> None:
        self.cursor = cursor
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(sql,), daemon=True)
        self.thread.start()

    def _run(self, sql: str) -> None:
        try:
            self.cursor.execute(sql)
        except BaseException as exc:  # handed to the caller by wait()
            self.error = exc

    def wait(self, *, raise_error: bool = True) -> None:
        self.thread.join()
        self.cursor.close()
        if self.error is not None and raise_error:
            raise self.error


def _raw_column(name: str, src: str, typed: bool) -> str:
    quoted = '"' + src.replace('"', '""') + '"'
    return f"{quoted} AS r_{name}" if typed else f"CAST({quoted} AS VARCHAR) AS r_{name}"


class _Runner:
    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def query(self, sql: str) -> pa.Table:
        return self.con.sql(sql).to_arrow_table()

    @contextmanager
    def registered(self, name: str, table: pa.Table) -> Iterator[None]:
        self.con.register(name, table)
        try:
            yield
        finally:
            self.con.unregister(name)


def _rows(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
