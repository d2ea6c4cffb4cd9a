"""Apache Spark: the same SQL as DuckDB (transpiled by sqlglot), for batches past one machine.

Local mode by default (`local[*]`, used by the tests); a cluster (`spark://host:7077`) reads
the batch and the registry from shared storage (`spark_config`, `shared_storage`,
docs/spark.md). The session is made once per process and reused while its configuration
stays the same. Rules are run as on DuckDB (`plan`): merged where they read the same rows and
groups, evidence joined back by the group keys.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from . import MALFORMED_SAMPLE, Job, Progress, Result, RuleHits
from .plan import group_hits, rule_groups
from .shared_storage import SharedStorage
from .spark_config import SparkConfig, spark_config
from .sql import (
    REF_BASE,
    batch_columns,
    matched_sql,
    matched_year_sql,
    persons_sql,
    stage_sql,
    to_dialect,
)

_lock = threading.Lock()
_session: Any = None
_session_conf: dict[str, str] | None = None


def session(config: SparkConfig | None = None) -> Any:
    """The process's Spark session, made with `config` (default: from the environment). A
    session made with other settings is stopped first (JVM memory sizes stay as the first
    session set them: they are fixed when the JVM starts)."""
    global _session, _session_conf
    config = config or spark_config()
    conf = {"spark.master": config.master, **config.spark_conf()}
    with _lock:
        if _session is not None and _session_conf != conf:
            _session.stop()
            _session = None
        if _session is None:
            from pyspark.sql import SparkSession

            builder = SparkSession.builder.appName("fangpin-screening")
            for key, value in conf.items():
                builder = builder.config(key, value)
            _session = builder.getOrCreate()
            _session.sparkContext.setLogLevel("ERROR")
            _session_conf = conf
        return _session


def jvm_pid() -> int:
    """The process id of the session's JVM (driver; in local mode it runs the tasks too)."""
    return int(session().sparkContext._jvm.java.lang.ProcessHandle.current().pid())


def _sql(sql: str) -> str:
    return to_dialect(sql, "spark")


@dataclass(frozen=True)
class _Inputs:
    """Where Spark reads a job's files and writes its matched rows."""

    raw: str
    person_parts: tuple[str, ...]
    monitored: str
    prior: tuple[str, ...]
    matched: str  # written by Spark
    fetched: str | None  # the shared-storage folder of `matched`, copied back to the worker


def _inputs(job: Job, storage: SharedStorage | None) -> _Inputs:
    local_matched = job.workdir / "matched"
    if storage is None:
        return _Inputs(
            raw=str(job.raw),
            person_parts=tuple(str(p) for p in job.registry.person_parts),
            monitored=str(job.registry.monitored),
            prior=tuple(str(p) for p in job.prior),
            matched=str(local_matched),
            fetched=None,
        )
    own = f"batches/{job.batch_id}"
    writes_in_place = storage.inside(job.workdir)
    return _Inputs(
        raw=storage.put(job.raw, own),
        person_parts=tuple(storage.put(p, "registry") for p in job.registry.person_parts),
        monitored=storage.put(job.registry.monitored, "registry"),
        prior=tuple(storage.put(p, "matched") for p in job.prior),
        matched=(
            f"file://{local_matched.resolve()}"
            if writes_in_place
            else storage.uri(f"{own}/matched")
        ),
        fetched=None if writes_in_place else f"{own}/matched",
    )


class _Runner:
    def __init__(self, spark: Any) -> None:
        self.spark = spark

    def query(self, sql: str) -> pa.Table:
        return self.spark.sql(sql).toArrow()

    @contextmanager
    def registered(self, name: str, table: pa.Table) -> Iterator[None]:
        self.spark.createDataFrame(table).createOrReplaceTempView(name)
        try:
            yield
        finally:
            self.spark.catalog.dropTempView(name)


class SparkEngine:
    name = "spark"

    def run(self, job: Job, progress: Progress) -> Result:
        if job.raw_columns is not None:
            raise ValueError("Spark reads staged rows (row_no, r_<column>) only")
        config = spark_config()
        storage = SharedStorage(config.shared_storage) if config.shared_storage else None
        started = time.perf_counter()
        spark = session(config)
        try:
            paths = _inputs(job, storage)
            timings = {"publish": time.perf_counter() - started}
            return self._run(spark, job, paths, storage, progress, started, timings)
        finally:
            if storage is not None:
                storage.remove(f"batches/{job.batch_id}")

    def _run(
        self,
        spark: Any,
        job: Job,
        paths: _Inputs,
        storage: SharedStorage | None,
        progress: Progress,
        started: float,
        timings: dict[str, float],
    ) -> Result:
        spark.read.parquet(paths.raw).createOrReplaceTempView("raw")
        spark.read.parquet(*paths.person_parts).createOrReplaceTempView("persons_parts")
        spark.read.parquet(paths.monitored).createOrReplaceTempView("monitored")
        persons = spark.sql(_sql(persons_sql(len(paths.person_parts))))
        if job.prior:  # read twice (the match and the earlier rows): worth keeping
            persons = persons.cache()
        persons.createOrReplaceTempView("persons")
        progress(20, "读取并核对数据")
        person_columns = job.person_columns
        staged = spark.sql(
            _sql(
                stage_sql(
                    job.source, job.batch_id, person_columns=person_columns, id_key=job.id_key
                )
            )
        ).cache()
        staged.createOrReplaceTempView("staged")
        try:
            rows_read = spark.sql("SELECT count(*) AS n FROM raw").collect()[0]["n"]
            counts = spark.sql(
                "SELECT count_if(problem IS NOT NULL) AS malformed, "
                "count_if(problem IS NULL) AS matched FROM staged"
            ).collect()[0]
            timings["stage"] = time.perf_counter() - started
            sample = [
                r.asDict()
                for r in spark.sql(
                    f"SELECT ref % {REF_BASE} AS row_no, id_number, problem FROM staged "
                    f"WHERE problem IS NOT NULL ORDER BY ref LIMIT {MALFORMED_SAMPLE}"
                ).collect()
            ]
            spark.sql(_sql(matched_sql(job.source, person_columns))).createOrReplaceTempView(
                "matched"
            )
            matched_dir = job.workdir / "matched"
            keep = ", ".join([*batch_columns(job.source), "person_id"])
            spark.sql(f"SELECT {keep} FROM matched").write.mode("overwrite").parquet(paths.matched)
            if storage is not None and paths.fetched is not None:
                storage.fetch(paths.fetched, matched_dir)
            timings["matched"] = time.perf_counter() - started
            if paths.prior:
                spark.read.parquet(*paths.prior).createOrReplaceTempView("prior")
            year = matched_year_sql(job.source, bool(job.prior), person_columns)
            spark.sql(_sql(year)).createOrReplaceTempView("matched_year")
            progress(50, "匹配完成,执行规则")
            groups = rule_groups(job.rules, job.params, "spark")
            runner = _Runner(spark)
            found: list[RuleHits] = []
            for i, group in enumerate(groups):
                found.extend(group_hits(runner, group))
                progress(50 + 40 * (i + 1) // max(len(groups), 1), "执行规则")
            timings["rules"] = time.perf_counter() - started
        finally:
            staged.unpersist()
            if job.prior:
                persons.unpersist()
        timings["total"] = time.perf_counter() - started
        return Result(
            rows_read=int(rows_read),
            rows_matched=int(counts["matched"]),
            rows_malformed=int(counts["malformed"]),
            malformed_sample=sample,
            rule_hits=found,
            matched_dir=matched_dir,
            engine=self.name,
            timings=timings,
        )
