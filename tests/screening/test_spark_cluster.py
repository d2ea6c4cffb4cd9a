"""The Spark cluster configuration: settings read from the environment (a wrong one is named
in Chinese), and the configured path end to end in local mode (`local[2]`): the registry
exported to Parquet on a "shared storage" folder, the batch read from there, the same hits
and warnings as DuckDB."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from fangpin.screening.engines import Job, Registry, Result, engine_get
from fangpin.screening.engines.spark_config import spark_config
from fangpin.screening.models import Warning
from fangpin.screening.rules import rules_for
from fangpin.screening.services.common import batch_dir
from fangpin.screening.synthetic import medical_raw_parts, monitored_path, registry_parquet

from .conftest import id_for

# One Spark session for the module, in the worker that runs the other Spark tests.
pytestmark = pytest.mark.xdist_group("spark")

CLUSTER_ENV = {"FANGPIN_SPARK_MASTER": "local[2]", "FANGPIN_SPARK_PARTITIONS": "4"}


# --- configuration ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "master",
    ["spark//10.0.0.5:7077", "spark://10.0.0.5", "local[0]", "local[two]", "mesos://x:5050"],
)
def test_a_wrong_master_url_stops_with_a_chinese_message_naming_the_variable(master):
    with pytest.raises(ImproperlyConfigured) as error:
        spark_config({"FANGPIN_SPARK_MASTER": master, "FANGPIN_SHARED_STORAGE": "/srv/fp"})
    message = str(error.value)
    assert message.startswith("FANGPIN_SPARK_MASTER 无效")
    assert master in message and "spark://主机:端口" in message


def test_a_cluster_is_configured_from_the_environment():
    config = spark_config(
        {
            "FANGPIN_SPARK_MASTER": "spark://spark-a.gov.local:7077,spark-b.gov.local:7077",
            "FANGPIN_SHARED_STORAGE": "file:///mnt/fangpin-shared/",
            "FANGPIN_SPARK_DRIVER_MEMORY": "4G",
            "FANGPIN_SPARK_EXECUTOR_MEMORY": "16g",
            "FANGPIN_SPARK_PARTITIONS": "400",
            "FANGPIN_SPARK_CONF": "spark.executor.cores=4;\n spark.local.dir=/data/spark-tmp",
        }
    )
    assert not config.local
    assert config.shared_storage == "/mnt/fangpin-shared"
    conf = config.spark_conf()
    assert conf["spark.driver.memory"] == "4g"
    assert conf["spark.executor.memory"] == "16g"
    assert conf["spark.sql.shuffle.partitions"] == "400"
    assert conf["spark.executor.cores"] == "4"
    assert conf["spark.local.dir"] == "/data/spark-tmp"


def test_local_mode_is_the_default_and_needs_no_shared_storage():
    config = spark_config({})
    assert config.master == "local[*]" and config.shared_storage is None


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"FANGPIN_SPARK_MASTER": "spark://10.0.0.5:7077"}, "必须设置 FANGPIN_SHARED_STORAGE"),
        ({"FANGPIN_SHARED_STORAGE": "relative/dir"}, "FANGPIN_SHARED_STORAGE 无效"),
        ({"FANGPIN_SHARED_STORAGE": "ftp://host/x"}, "FANGPIN_SHARED_STORAGE 无效"),
        ({"FANGPIN_SPARK_EXECUTOR_MEMORY": "lots"}, "FANGPIN_SPARK_EXECUTOR_MEMORY 无效"),
        ({"FANGPIN_SPARK_PARTITIONS": "0"}, "FANGPIN_SPARK_PARTITIONS 无效"),
        ({"FANGPIN_SPARK_CONF": "executor.cores=4"}, "FANGPIN_SPARK_CONF 中的“executor.cores=4”"),
        ({"FANGPIN_SPARK_CONF": "spark.master=local"}, "不能设置 spark.master"),
    ],
)
def test_other_wrong_settings_are_named_in_chinese(env, named):
    with pytest.raises(ImproperlyConfigured, match=named):
        spark_config(env)


# --- the configured path, local mode ----------------------------------------------------------


@pytest.fixture(scope="module")
def cluster_env() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        for key, value in CLUSTER_ENV.items():
            mp.setenv(key, value)
        yield


def _job(batch_id: int, raw: Path, registry: Path, work: Path) -> Job:
    return Job(
        batch_id=batch_id,
        source="medical",
        raw=raw,
        registry=Registry(person_parts=(registry,), monitored=monitored_path(registry)),
        rules=rules_for("medical"),
        params={
            "period_start": dt.date(2024, 3, 1),
            "period_end": dt.date(2024, 3, 31),
            "period_year": 2024,
            "medical_out_of_pocket_yuan": Decimal(20000),
            "rural_disposable_income_prev_year": Decimal(18697),
            "medical_share_alleviated": Decimal("0.5"),
            "medical_share_other": Decimal("1.0"),
            "inpatient_single_monitored_yuan": Decimal(6000),
            "inpatient_single_other_yuan": Decimal(10000),
        },
        workdir=work,
    )


def _summary(result: Result) -> tuple[object, ...]:
    return (
        result.rows_read,
        result.rows_matched,
        result.rows_malformed,
        [(r["row_no"], r["problem"]) for r in result.malformed_sample],
        sorted(h.key() for h in result.hits),
    )


def test_a_batch_in_pieces_on_shared_storage_gets_the_same_hits_on_spark_as_on_duckdb(
    cluster_env, tmp_path, monkeypatch
):
    shared = tmp_path / "shared"
    monkeypatch.setenv("FANGPIN_SHARED_STORAGE", str(shared))
    registry = tmp_path / "worker" / "registry.parquet"
    registry.parent.mkdir()
    registry_parquet(registry, 1500)
    # The department's month, delivered to the shared storage in three pieces.
    pieces = shared / "incoming" / "medical-2024-03"
    medical_raw_parts(pieces, 12_000, persons=1500, chunk_rows=5_000)

    duck = engine_get("duckdb").run(
        _job(7, pieces, registry, tmp_path / "duck"), lambda _p, _s: None
    )
    spark = engine_get("spark").run(
        _job(7, pieces, registry, tmp_path / "spark"), lambda _p, _s: None
    )

    assert duck.rows_read == 12_000 and len(duck.hits) > 10
    assert {h.rule for h in duck.hits} == {r.name for r in rules_for("medical")}
    assert _summary(spark) == _summary(duck)
    # The registry was put on the shared storage for the executors; the batch was read in
    # place; the matched rows came back to the worker for the warnings' evidence and the
    # year's later batches; nothing of the batch's own is left on the shared storage.
    assert sorted(p.name for p in (shared / "registry").glob("*/*.parquet")) == [
        "registry-monitored.parquet",
        "registry.parquet",
    ]
    assert not (shared / "batches" / "7").exists()
    kept = sorted((tmp_path / "spark" / "matched").glob("*.parquet"))
    assert kept and sum(_rows(p) for p in kept) == spark.rows_matched


def _rows(path: Path) -> int:
    import pyarrow.parquet as pq

    return int(pq.ParquetFile(path).metadata.num_rows)


def test_a_department_batch_screened_on_spark_through_shared_storage_warns_as_duckdb(
    cluster_env, household, screen, tmp_path, monkeypatch
):
    shared = tmp_path / "shared"
    monkeypatch.setenv("FANGPIN_SHARED_STORAGE", str(shared))
    people = [id_for(dt.date(1960 + i, 1, 1)) for i in range(3)]
    household([("甲", people[0]), ("乙", people[1])])
    household([("丙", people[2])], alleviated=True)
    rows = [
        [people[0], "甲", "2024-03-01", "40000", "5000", "25000", "是"],
        [people[1], "乙", "2024-03-02", "40000", "5000", "12000", "是"],
        [people[2], "丙", "2024-03-03", "40000", "5000", "7000", "是"],
        [people[2], "丙", "2024-03-04", "900", "100", "800", "否"],
    ]

    def made() -> list[tuple[object, ...]]:
        out = [
            (w.household_id, w.person_id, w.event, tuple(w.rules), w.message)
            for w in Warning.objects.order_by("event")
        ]
        Warning.objects.all().delete()
        return out

    duck = screen("medical", "2024-03", rows, engine="duckdb")
    by_duckdb = made()
    spark = screen("medical", "2024-03", rows, engine="spark", name="spark.csv")

    assert (duck.status, spark.status) == ("done", "done")
    assert len(by_duckdb) == 3
    assert made() == by_duckdb
    # The registry export went to the shared storage; the batch's own copy is gone, its
    # matched rows are back in the worker's batch folder.
    assert sorted(p.name for p in (shared / "registry").glob("*/*.parquet")) == [
        "monitored.parquet",
        "part-000001.parquet",
    ]
    assert not (shared / "batches" / str(spark.pk)).exists()
    assert sum(_rows(p) for p in (batch_dir(spark.pk) / "matched").glob("*.parquet")) == 4
