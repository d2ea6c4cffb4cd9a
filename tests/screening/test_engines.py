"""DuckDB and Spark run the same SQL and must give identical results on the same batch."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest

from fangpin.screening import ingest
from fangpin.screening.engines import Job, Registry, Result, RuleHits, engine_get
from fangpin.screening.rules import rules_for
from fangpin.screening.synthetic import medical_parquet, monitored_path, registry_parquet

# One Spark session for every Spark test: they run in one xdist worker (`--dist loadgroup`).
pytestmark = pytest.mark.xdist_group("spark")

PERSONS = 1500
ROWS = 12_000


def _run(
    engine: str,
    tmp: Path,
    batch_id: int,
    batch: Path,
    registry: Path,
    period: str,
    prior: tuple[Path, ...] = (),
    direct: bool = False,
) -> Result:
    inspected = ingest.inspect(batch, source="medical", original_name=batch.name)
    work = tmp / f"{engine}-{batch_id}-{direct}"
    work.mkdir()
    raw = batch if direct else ingest.stage_raw(batch, inspected, work / "raw.parquet")
    rules = rules_for("medical")
    params = {
        "period_start": dt.date(int(period[:4]), int(period[5:]), 1),
        "period_end": dt.date(int(period[:4]), int(period[5:]), 28),
        "period_year": int(period[:4]),
        "medical_out_of_pocket_yuan": Decimal(20000),
        "rural_disposable_income_prev_year": Decimal(18697),
        "medical_share_alleviated": Decimal("0.5"),
        "medical_share_other": Decimal("1.0"),
        "inpatient_single_monitored_yuan": Decimal(6000),
        "inpatient_single_other_yuan": Decimal(10000),
    }
    job = Job(
        batch_id=batch_id,
        source="medical",
        raw=raw,
        registry=Registry(person_parts=(registry,), monitored=monitored_path(registry)),
        rules=rules,
        params=params,
        workdir=work,
        prior=prior,
        raw_columns=inspected.columns if direct else None,
        native=inspected.native if direct else None,
    )
    return engine_get(engine).run(job, lambda _p, _s: None)


def _summary(result: Result) -> tuple[object, ...]:
    return (
        result.rows_read,
        result.rows_matched,
        result.rows_malformed,
        [(r["row_no"], r["problem"]) for r in result.malformed_sample],
        sorted(h.key() for h in result.hits),
    )


def test_duckdb_and_spark_make_identical_warnings_on_a_generated_batch(tmp_path):
    registry = tmp_path / "registry.parquet"
    registry_parquet(registry, PERSONS)
    february, march = tmp_path / "2024-02.parquet", tmp_path / "2024-03.parquet"
    medical_parquet(february, ROWS, persons=PERSONS, period="2024-02", seed=1)
    medical_parquet(march, ROWS, persons=PERSONS, period="2024-03", seed=2)
    # February, screened once: its matched rows count towards March's yearly totals.
    first = _run("duckdb", tmp_path, 1, february, registry, "2024-02")
    prior = tuple(sorted(first.matched_dir.glob("*.parquet")))

    duck = _run("duckdb", tmp_path, 2, march, registry, "2024-03", prior)
    direct = _run("duckdb", tmp_path, 2, march, registry, "2024-03", prior, direct=True)
    spark = _run("spark", tmp_path, 2, march, registry, "2024-03", prior)

    assert duck.rows_read == ROWS
    assert duck.rows_malformed > 0 and duck.rows_matched > 0
    assert {h.rule for h in duck.hits} == {r.name for r in rules_for("medical")}
    # Some yearly totals need February's rows: the evidence spans both batches.
    assert any(e.startswith("1:") for h in duck.hits for e in h.evidence)
    assert _summary(direct) == _summary(duck)
    assert _summary(spark) == _summary(duck)


def test_a_rule_that_hits_nobody_makes_no_hits_whatever_the_other_rules_hit():
    # Spark hands back an empty result with untyped columns.
    rule = rules_for("medical")[0]
    empty = RuleHits(rule, pa.table({name: [] for name in rule.outputs}))
    assert len(empty) == 0
    assert empty.households() == set()
    assert list(empty.each({1, 2})) == []
