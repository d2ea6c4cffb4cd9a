"""DuckDB: the default engine. Out-of-core: a memory limit and a spill directory are set, so a
batch larger than memory still runs (joins and aggregates spill to `workdir`)."""

from __future__ import annotations

import os
import threading
import time
from typing import Any

import duckdb

from ..rules import RuleGroup, rule_groups
from . import MALFORMED_SAMPLE, Hit, Job, Progress, Result
from .sql import batch_columns, matched_year_sql, persons_sql, stage_sql


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
    return con


class DuckDBEngine:
    name = "duckdb"

    def run(self, job: Job, progress: Progress) -> Result:
        timings: dict[str, float] = {}
        started = time.perf_counter()
        con = connect(job)
        writer: _Writer | None = None
        try:
            if job.raw_columns is not None:
                native = job.native or {}
                cols = ", ".join(
                    _raw_column(name, src, name in native and name != "id_number")
                    for name, src in job.raw_columns.items()
                )
                con.execute(
                    f"CREATE VIEW raw AS SELECT file_row_number + 1 AS row_no, {cols} "
                    f"FROM read_parquet({_literal_path(job.raw)}, file_row_number = true)"
                )
            else:
                con.execute(
                    f"CREATE VIEW raw AS SELECT * FROM read_parquet({_literal_path(job.raw)})"
                )
            parts = ", ".join(_literal_path(p) for p in job.registry.person_parts)
            con.execute(f"CREATE VIEW persons_parts AS SELECT * FROM read_parquet([{parts}])")
            # One part (the usual case after compaction) is read in place, like a table.
            count = len(job.registry.person_parts)
            kind = "VIEW" if count == 1 else "TEMP TABLE"
            con.execute(f"CREATE {kind} persons AS {persons_sql(count)}")
            con.execute(
                "CREATE TEMP TABLE monitored AS SELECT household_id FROM "
                f"read_parquet({_literal_path(job.registry.monitored)})"
            )
            progress(20, "读取并核对数据")
            # A plain (not TEMP) table of the private in-memory database: the writer's cursor
            # below must see it.
            con.execute(f"CREATE TABLE staged AS {stage_sql(job.source, job.batch_id, job.native)}")
            timings["stage"] = time.perf_counter() - started
            rows_read = con.execute("SELECT count(*) FROM raw").fetchone()[0]  # type: ignore[index]
            malformed, matched = con.execute(
                "SELECT count(*) FILTER (WHERE problem IS NOT NULL), "
                "count(*) FILTER (WHERE person_id IS NOT NULL) FROM staged"
            ).fetchone()  # type: ignore[misc]
            sample = _rows(
                con.execute(
                    "SELECT row_no, id_number, problem FROM staged WHERE problem IS NOT NULL "
                    f"ORDER BY row_no LIMIT {MALFORMED_SAMPLE}"
                )
            )
            con.execute("CREATE VIEW matched AS SELECT * FROM staged WHERE person_id IS NOT NULL")
            matched_dir = job.workdir / "matched"
            matched_dir.mkdir(parents=True, exist_ok=True)
            # Kept for later batches of the year (and evidence): the batch's own columns.
            # Written on a second cursor while the rules run (DuckDB releases the GIL, so the
            # file is written while Python builds the hits); joined before anything returns.
            keep = ", ".join([*batch_columns(job.source), "person_id"])
            writer = _Writer(
                con.cursor(),
                f"COPY (SELECT {keep} FROM staged WHERE person_id IS NOT NULL) TO "
                f"{_literal_path(matched_dir / 'part-0.parquet')} (FORMAT parquet)",
            )
            if job.prior:
                paths = ", ".join(_literal_path(p) for p in job.prior)
                con.execute(f"CREATE VIEW prior AS SELECT * FROM read_parquet([{paths}])")
            con.execute(
                f"CREATE VIEW matched_year AS {matched_year_sql(job.source, bool(job.prior))}"
            )
            progress(50, "匹配完成,执行规则")
            groups = rule_groups(job.rules, job.params, "duckdb")
            hits: list[Hit] = []
            for i, group in enumerate(groups):
                con.execute(f"CREATE OR REPLACE TEMP TABLE rule_hits AS {group.first}")
                hits.extend(_hits(con, group))
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
                hits=hits,
                matched_dir=matched_dir,
                engine=self.name,
                timings=timings,
            )
        finally:
            if writer is not None:  # failed elsewhere: let the write end before closing
                writer.wait(raise_error=False)
            con.close()


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


def _hits(con: duckdb.DuckDBPyConnection, group: RuleGroup) -> list[Hit]:
    """The group's hits, built column-wise from Arrow rather than row by row from a cursor."""
    replace = ", ".join(f"list_sort({c}) AS {c}" for c in group.evidence)
    table = con.sql(f"SELECT * REPLACE ({replace}) FROM ({group.second})").to_arrow_table()
    data = {name: table.column(name).to_pylist() for name in table.column_names}
    hits: list[Hit] = []
    for rule, flag, mapping in zip(group.rules, group.flags, group.columns, strict=True):
        names = [k for k in mapping if k not in ("person_id", "household_id", "evidence")]
        rows = zip(
            data[flag],
            data[mapping["person_id"]],
            data[mapping["household_id"]],
            data[mapping["evidence"]],
            *(data[mapping[k]] for k in names),
            strict=True,
        )
        hits.extend(
            Hit(rule.name, person, household, dict(zip(names, values, strict=True)), refs or [])
            for hit, person, household, refs, *values in rows
            if hit
        )
    return hits


def _rows(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
