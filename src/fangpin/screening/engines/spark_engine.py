"""Apache Spark: the same SQL as DuckDB (transpiled by sqlglot), for batches past one machine.

Local mode by default (`local[*]`, used by the tests); set FANGPIN_SPARK_MASTER to a
`spark://` URL in production. The session is made once per process and reused.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any

import pyarrow as pa

from . import MALFORMED_SAMPLE, Job, Progress, Result, RuleHits
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


def session() -> Any:
    global _session
    with _lock:
        if _session is None:
            from pyspark.sql import SparkSession

            builder = (
                SparkSession.builder.appName("fangpin-screening")
                .master(os.environ.get("FANGPIN_SPARK_MASTER", "local[*]"))
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.session.timeZone", "UTC")
                .config(
                    "spark.sql.shuffle.partitions",
                    os.environ.get("FANGPIN_SPARK_PARTITIONS", "8"),
                )
                .config("spark.driver.memory", os.environ.get("FANGPIN_SPARK_MEMORY", "2g"))
            )
            _session = builder.getOrCreate()
            _session.sparkContext.setLogLevel("ERROR")
        return _session


def _sql(sql: str) -> str:
    return to_dialect(sql, "spark")


class SparkEngine:
    name = "spark"

    def run(self, job: Job, progress: Progress) -> Result:
        if job.raw_columns is not None:
            raise ValueError("Spark reads staged rows (row_no, r_<column>) only")
        started = time.perf_counter()
        spark = session()
        spark.read.parquet(str(job.raw)).createOrReplaceTempView("raw")
        spark.read.parquet(*[str(p) for p in job.registry.person_parts]).createOrReplaceTempView(
            "persons_parts"
        )
        spark.read.parquet(str(job.registry.monitored)).createOrReplaceTempView("monitored")
        spark.sql(
            _sql(persons_sql(len(job.registry.person_parts)))
        ).cache().createOrReplaceTempView("persons")
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
        rows_read = spark.sql("SELECT count(*) AS n FROM raw").collect()[0]["n"]
        counts = spark.sql(
            "SELECT count_if(problem IS NOT NULL) AS malformed, "
            "count_if(problem IS NULL) AS matched FROM staged"
        ).collect()[0]
        sample = [
            r.asDict()
            for r in spark.sql(
                f"SELECT ref % {REF_BASE} AS row_no, id_number, problem FROM staged "
                f"WHERE problem IS NOT NULL ORDER BY ref LIMIT {MALFORMED_SAMPLE}"
            ).collect()
        ]
        spark.sql(_sql(matched_sql(job.source, person_columns))).createOrReplaceTempView("matched")
        matched_dir = job.workdir / "matched"
        spark.sql(
            f"SELECT {', '.join([*batch_columns(job.source), 'person_id'])} FROM matched"
        ).write.mode("overwrite").parquet(str(matched_dir))
        if job.prior:
            spark.read.parquet(*[str(p) for p in job.prior]).createOrReplaceTempView("prior")
        year = matched_year_sql(job.source, bool(job.prior), person_columns)
        spark.sql(_sql(year)).createOrReplaceTempView("matched_year")
        progress(50, "匹配完成,执行规则")
        found: list[RuleHits] = []
        for i, rule in enumerate(job.rules):
            rows = [r.asDict() for r in spark.sql(rule.bound_sql(job.params, "spark")).collect()]
            for row in rows:
                row["evidence"] = sorted(row["evidence"] or [])
            names = list(rule.outputs)
            found.append(RuleHits(rule, pa.table({n: [row[n] for row in rows] for n in names})))
            progress(50 + 40 * (i + 1) // max(len(job.rules), 1), f"规则 {rule.title}")
        staged.unpersist()
        return Result(
            rows_read=int(rows_read),
            rows_matched=int(counts["matched"]),
            rows_malformed=int(counts["malformed"]),
            malformed_sample=sample,
            rule_hits=found,
            matched_dir=matched_dir,
            engine=self.name,
            timings={"total": time.perf_counter() - started},
        )
