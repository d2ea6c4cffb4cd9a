"""DuckDB: the default engine. Out-of-core: a memory limit and a spill directory are set, so a
batch larger than memory still runs (joins and aggregates spill to `workdir`)."""

from __future__ import annotations

import os
import time
from typing import Any

import duckdb

from ..rules import RuleGroup, rule_groups
from . import MALFORMED_SAMPLE, Hit, Job, Progress, Result
from .sql import REF_BASE, batch_columns, matched_year_sql, persons_sql, stage_sql


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
            con.execute(
                f"CREATE TEMP TABLE staged AS {stage_sql(job.source, job.batch_id, job.native)}"
            )
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
            keep = ", ".join([*batch_columns(job.source), "person_id"])
            con.execute(
                f"COPY (SELECT {keep} FROM matched) TO "
                f"{_literal_path(matched_dir / 'part-0.parquet')} (FORMAT parquet)"
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
            con.close()


def _raw_column(name: str, src: str, typed: bool) -> str:
    quoted = '"' + src.replace('"', '""') + '"'
    return f"{quoted} AS r_{name}" if typed else f"CAST({quoted} AS VARCHAR) AS r_{name}"


def _hits(con: duckdb.DuckDBPyConnection, group: RuleGroup) -> list[Hit]:
    """The group's hits, built column-wise from Arrow (no per-value conversion in SQL rows).

    Evidence references are sorted and turned into 'batch:row' text inside DuckDB, the same
    text `engines.hit_from_row` makes for Spark.
    """
    as_text = (
        "list_transform(list_sort({0}), lambda r: CAST(r // {1} AS VARCHAR) || ':' "
        "|| CAST(r % {1} AS VARCHAR)) AS {0}"
    )
    replace = ", ".join(as_text.format(c, REF_BASE) for c in group.evidence)
    table = con.sql(f"SELECT * REPLACE ({replace}) FROM ({group.second})").to_arrow_table()
    data = {name: table.column(name).to_pylist() for name in table.column_names}
    hits: list[Hit] = []
    for rule, flag, mapping in zip(group.rules, group.flags, group.columns, strict=True):
        person, household, evidence = (
            data[mapping[k]] for k in ("person_id", "household_id", "evidence")
        )
        fields = [
            (name, data[column])
            for name, column in mapping.items()
            if name not in ("person_id", "household_id", "evidence")
        ]
        for row, hit in enumerate(data[flag]):
            if hit:
                hits.append(
                    Hit(
                        rule=rule.name,
                        person_id=int(person[row]),
                        household_id=int(household[row]),
                        fields={name: values[row] for name, values in fields},
                        evidence=evidence[row] or [],
                    )
                )
    return hits


def _rows(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
