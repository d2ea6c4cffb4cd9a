"""Prometheus metrics: what the system does, counted without a single personal value.

Labels are names the code chooses (a route's pattern, an action, a batch source), never
values a user typed or an object's ID, so that neither personal data nor unbounded label
sets reach the metrics. `/metrics` (web.metrics) exposes them.

Several processes (gunicorn's workers, the background worker) count into files of one
folder, prometheus-client's multiprocess mode: `fangpin serve` names the folder in
PROMETHEUS_MULTIPROC_DIR before any of them starts (`multiprocess_dir_prepare`, called by
the CLI), and /metrics adds up the files. Without it (tests, a shell) a process counts in
its own memory.
"""

from __future__ import annotations

import contextlib
import os
import platform
from collections.abc import Iterator
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Histogram, disable_created_metrics, values
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from .metrics_dir import MULTIPROC_ENV

# prometheus-client picks the kind of value (in memory, or in a file per process) when it is
# first imported; pick again now, so that a folder named since (by `fangpin serve`) is used
# whichever module happened to import prometheus-client first.
values.ValueClass = values.get_value_class()
# The `_created` series double what a scrape reads and no dashboard of ours uses them.
disable_created_metrics()
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

HTTP_REQUESTS = Counter(
    "fangpin_http_requests",
    "HTTP requests answered, by route pattern, method and status class",
    ["route", "method", "status"],
)
HTTP_LATENCY = Histogram(
    "fangpin_http_request_duration_seconds",
    "Time from the request's arrival in Django to its answer, by route pattern and method",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0),
)
HTTP_QUERIES = Histogram(
    "fangpin_http_request_db_queries",
    "Database queries one request made, by route pattern",
    ["route"],
    buckets=(0, 1, 2, 5, 10, 20, 50, 100, 200, 500),
)
CASE_TRANSITIONS = Counter(
    "fangpin_case_transitions",
    "Workflow actions taken on cases (committed), by action and the state reached",
    ["action", "to_state"],
)
SCREENING_BATCHES = Counter(
    "fangpin_screening_batches",
    "Department batches screened to the end, by source and outcome (done or failed)",
    ["source", "status"],
)
SCREENING_ROWS = Counter(
    "fangpin_screening_rows",
    "Rows of department batches screened, by source",
    ["source"],
)
IMPORTS = Counter(
    "fangpin_imports",
    "Excel imports, by what was imported and the outcome (applied, dry_run, rejected)",
    ["kind", "outcome"],
)
IMPORT_ROWS = Counter(
    "fangpin_import_rows",
    "Rows of applied Excel imports, by what was imported",
    ["kind"],
)


def status_class(status: int) -> str:
    return f"{status // 100}xx"


def method_label(method: str | None) -> str:
    method = (method or "").upper()
    return method if method in METHODS else "other"


def case_transition(*, action: str, to_state: str) -> None:
    CASE_TRANSITIONS.labels(action=action, to_state=to_state).inc()


def screening_batch_finished(*, source: str, status: str, rows: int) -> None:
    SCREENING_BATCHES.labels(source=source, status=status).inc()
    if rows:
        SCREENING_ROWS.labels(source=source).inc(rows)


def import_finished(*, kind: str, outcome: str, rows: int = 0) -> None:
    IMPORTS.labels(kind=kind, outcome=outcome).inc()
    if outcome == "applied" and rows:
        IMPORT_ROWS.labels(kind=kind).inc(rows)


class BuildInfo(Collector):
    """`fangpin_build_info{version, python, django} 1`: which build answers, on every scrape."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from importlib.metadata import PackageNotFoundError, version

        import django

        try:
            fangpin_version = version("fangpin")
        except PackageNotFoundError:  # a source checkout that was not installed
            fangpin_version = "unknown"
        family = GaugeMetricFamily(
            "fangpin_build_info",
            "The running build: Fangpin, Python and Django versions",
            labels=["version", "python", "django"],
        )
        family.add_metric([fangpin_version, platform.python_version(), django.get_version()], 1)
        yield family


def scrape_registry() -> CollectorRegistry:
    """What a scrape reads: every process's files in multiprocess mode, else this process."""
    path = os.environ.get(MULTIPROC_ENV)
    if path and Path(path).is_dir():
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=path)
    else:
        registry = CollectorRegistry()
        for collector in _own_collectors():
            registry.register(collector)
    registry.register(BuildInfo())
    return registry


def _own_collectors() -> list[Collector]:
    return [
        HTTP_REQUESTS,
        HTTP_LATENCY,
        HTTP_QUERIES,
        CASE_TRANSITIONS,
        SCREENING_BATCHES,
        SCREENING_ROWS,
        IMPORTS,
        IMPORT_ROWS,
    ]


@contextlib.contextmanager
def query_counter() -> Iterator[list[int]]:
    """Count the database queries made inside the block (all connections of this thread)."""
    from django.db import connections

    count = [0]

    def wrapper(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        count[0] += 1
        return execute(sql, params, many, context)

    with contextlib.ExitStack() as stack:
        for alias in connections:
            stack.enter_context(connections[alias].execute_wrapper(wrapper))
        yield count
