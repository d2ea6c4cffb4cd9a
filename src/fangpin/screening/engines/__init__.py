"""Screening engines: the same SQL on DuckDB (default, one machine, out-of-core) or Spark.

An engine gets a `Job` (where the batch's raw rows and the exported registry lie, the rules
and their bound parameters) and returns a `Result` (counts, a sample of malformed rows and
the rule hits). It never touches the Django database: `services.batch_run` writes warnings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa
import pyarrow.compute as pc

from fangpin.core.idcrypt import lookup_key

from ..rules import Rule, columns_read
from .sql import PERSON_COLUMNS, ref_text

MALFORMED_SAMPLE = 100
Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class Registry:
    """Parquet files of the exported registry (see `screening.export`)."""

    person_parts: tuple[Path, ...]
    monitored: Path


@dataclass
class Job:
    batch_id: int
    source: str
    # Parquet: row_no BIGINT and r_<column> VARCHAR for every column of the source (a file,
    # or a folder of files holding the batch in pieces)
    raw: Path
    registry: Registry
    rules: tuple[Rule, ...]
    params: dict[str, object]
    workdir: Path
    prior: tuple[Path, ...] = ()  # matched rows of earlier batches of this source and year
    # When the raw file is the department's own Parquet, its columns by name (no copy made).
    raw_columns: dict[str, str] | None = None
    native: dict[str, str] | None = None  # of those, the ones already typed (date, number, bool)
    # The key the registry's ID hashes were made with (`core.idcrypt.lookup_key`).
    id_key: str = field(default_factory=lookup_key)

    @property
    def person_columns(self) -> tuple[str, ...]:
        """The registry columns the job's rules read (the stage carries no others)."""
        return tuple(sorted(columns_read(self.rules) & set(PERSON_COLUMNS)))


@dataclass
class Hit:
    rule: str
    person_id: int
    household_id: int
    fields: dict[str, Any]
    refs: list[int]  # the evidence rows, sorted (batch id * REF_BASE + row number)

    @property
    def evidence(self) -> list[str]:
        """The evidence rows as 'batch:row' (made on demand: most hits never need the text)."""
        return [ref_text(r) for r in self.refs]

    def key(self) -> tuple[Any, ...]:
        """What two engines must agree on (values as JSON would keep them)."""
        fields = tuple(sorted((k, plain(v)) for k, v in self.fields.items()))
        return (self.rule, self.household_id, self.person_id, fields, tuple(self.evidence))


@dataclass
class RuleHits:
    """One rule's hits, column-wise as the engine returned them: `person_id`, `household_id`,
    `evidence` (the rows' references, sorted) and the rule's other outputs. Python objects
    are made only for the hits that become warnings (see `each`)."""

    rule: Rule
    table: pa.Table

    def __len__(self) -> int:
        return self.table.num_rows

    def households(self) -> set[int]:
        return set(self.table.column("household_id").unique().to_pylist())

    def each(self, households: Collection[int] | None = None) -> Iterator[Hit]:
        """The hits (of `households` only, when given) as `Hit`s."""
        table = self.table
        if table.num_rows == 0:  # (an empty table from Spark has untyped columns)
            return
        if households is not None:
            wanted = pa.array(sorted(households), table.schema.field("household_id").type)
            table = table.filter(pc.is_in(table.column("household_id"), wanted))
        for row in table.to_pylist():
            yield hit_from_row(self.rule, row)


@dataclass
class Result:
    rows_read: int
    rows_matched: int
    rows_malformed: int
    malformed_sample: list[dict[str, Any]]
    rule_hits: list[RuleHits]
    matched_dir: Path
    engine: str
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def rows_unmatched(self) -> int:
        return self.rows_read - self.rows_matched - self.rows_malformed

    @property
    def hits(self) -> list[Hit]:
        """Every hit as a `Hit` (for tests and small batches; warnings use `rule_hits`)."""
        return [hit for found in self.rule_hits for hit in found.each()]


class Engine(Protocol):
    name: str

    def run(self, job: Job, progress: Progress) -> Result: ...


def plain(value: Any) -> Any:
    """A value as JSON keeps it: Decimal and dates as strings, so both engines compare equal."""
    if isinstance(value, Decimal):
        return (
            format(value.normalize(), "f")
            if value == value.to_integral()
            else str(value.quantize(Decimal("0.01")))
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def hit_from_row(rule: Rule, row: dict[str, Any]) -> Hit:
    refs = sorted(int(r) for r in row.pop("evidence") or [])
    person_id = int(row.pop("person_id"))
    household_id = int(row.pop("household_id"))
    return Hit(
        rule=rule.name,
        person_id=person_id,
        household_id=household_id,
        fields=row,
        refs=refs,
    )


def engine_get(name: str) -> Engine:
    if name == "duckdb":
        from .duckdb_engine import DuckDBEngine

        return DuckDBEngine()
    if name == "spark":
        from .spark_engine import SparkEngine

        return SparkEngine()
    raise ValueError(name)
