"""Screening rules, kept as data: one TOML file per rule in `rules/`.

A rule file names its source, the policy parameters it uses, the risk type it suggests, a
Chinese sentence for the warning and one SELECT over the views the engines provide
(`matched`: this batch's rows matched to registered persons; `matched_year`: the same plus the
earlier batches of the source in the same year). The query is parsed and checked here; it is
never executed as Python, and parameters are bound as numeric literals by the engine.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import sqlglot
from sqlglot import exp

from fangpin.policy.defaults import PARAMETERS

from .sources import SOURCES

RULES_DIR = Path(__file__).parent / "rules"
VIEWS = frozenset({"matched", "matched_year"})
# Placeholders every rule may use without listing them: the batch's period.
BUILTINS = frozenset({"period_start", "period_end", "period_year"})
REQUIRED_OUTPUT = ("person_id", "household_id", "evidence")
RISK_TYPES = frozenset(
    {"01", "0201", "0202", "0203", "0204", "0205", "0206", "0299", "03", "04", "05", "06"}
    | {"07", "09", "99"}
)
_FIELD = re.compile(r"\{(\w+)\}")
_EVIDENCE = sqlglot.parse_one("list(ref)", read="duckdb").sql(dialect="duckdb")


class RuleError(ValueError):
    """A rule file is wrong; raised when rules are loaded, long before a batch runs."""


@dataclass(frozen=True)
class Rule:
    name: str
    title: str
    source: str
    risk_type: str
    parameters: tuple[str, ...]
    message: str
    query: str
    outputs: tuple[str, ...]
    columns: frozenset[str]  # the view columns the query reads

    def render(self, fields: dict[str, object]) -> str:
        """The warning's sentence. Only `{field}` is replaced: no format mini-language."""
        return _FIELD.sub(lambda m: _show(fields.get(m.group(1), "")), self.message)

    def bound_sql(self, values: dict[str, object], dialect: str) -> str:
        """The query with its parameters bound as literals, in the engine's SQL dialect."""
        tree = sqlglot.parse_one(self.query, read="duckdb")

        def bind(node: exp.Expression) -> exp.Expression:
            if isinstance(node, exp.Placeholder):
                return _literal(values[node.name])
            return node

        return tree.transform(bind).sql(dialect=dialect)


def _show(value: object) -> str:
    if isinstance(value, Decimal | float):
        value = Decimal(str(value))
        if value == value.to_integral():
            return f"{value:,.0f}"
        if abs(value) < 10:  # a share such as 0.5, not money
            return format(value.normalize(), "f")
        return f"{value.quantize(Decimal('0.01')):,}"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value) if abs(value) < 10000 else f"{value:,}"
    return str(value)


def _literal(value: object) -> exp.Expression:
    import datetime as dt

    if isinstance(value, dt.date):
        return exp.cast(exp.Literal.string(value.isoformat()), exp.DataType.build("DATE"))
    if isinstance(value, Decimal | int):
        return exp.Literal.number(str(value))
    raise TypeError(f"cannot bind {value!r}")


def rule_parse(path: Path) -> Rule:
    """Read and check one rule file; raise RuleError naming the file and the problem."""
    name = path.stem
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RuleError(f"{name}: {exc}") from None
    for key in ("title", "source", "risk_type", "parameters", "message", "query"):
        if key not in data:
            raise RuleError(f"{name}: missing '{key}'")
    if data["source"] not in SOURCES:
        raise RuleError(f"{name}: unknown source {data['source']!r}")
    if data["risk_type"] not in RISK_TYPES:
        raise RuleError(f"{name}: unknown risk type {data['risk_type']!r}")
    params = tuple(data["parameters"])
    unknown = [p for p in params if p not in PARAMETERS]
    if unknown:
        raise RuleError(f"{name}: unknown policy parameters {unknown}")
    try:
        tree = sqlglot.parse_one(data["query"], read="duckdb")
    except sqlglot.errors.ParseError as exc:
        raise RuleError(f"{name}: query does not parse: {exc}") from None
    if not isinstance(tree, exp.Select):
        raise RuleError(f"{name}: the query must be one SELECT")
    tables = {t.name for t in tree.find_all(exp.Table)}
    if not tables <= VIEWS:
        raise RuleError(f"{name}: the query may read only {sorted(VIEWS)}, not {sorted(tables)}")
    used = {p.name for p in tree.find_all(exp.Placeholder)}
    undeclared = used - set(params) - BUILTINS
    if undeclared:
        raise RuleError(f"{name}: placeholders not declared in parameters: {sorted(undeclared)}")
    outputs = tuple(e.alias_or_name for e in tree.expressions)
    missing = [c for c in REQUIRED_OUTPUT if c not in outputs]
    if missing:
        raise RuleError(f"{name}: the query must return {missing}")
    evidence = next(e for e in tree.expressions if e.alias_or_name == "evidence")
    if evidence.this.sql(dialect="duckdb") != _EVIDENCE:
        raise RuleError(f"{name}: evidence must be list(ref): the rows behind the warning")
    return Rule(
        name=name,
        title=str(data["title"]),
        source=str(data["source"]),
        risk_type=str(data["risk_type"]),
        parameters=params,
        message=str(data["message"]),
        query=str(data["query"]),
        outputs=outputs,
        columns=frozenset(c.name for c in tree.find_all(exp.Column)),
    )


@cache
def rules_all() -> tuple[Rule, ...]:
    return tuple(rule_parse(p) for p in sorted(RULES_DIR.glob("*.toml")))


def rules_for(source: str) -> tuple[Rule, ...]:
    return tuple(r for r in rules_all() if r.source == source)


def columns_read(rules: tuple[Rule, ...]) -> frozenset[str]:
    return frozenset().union(*(r.columns for r in rules))


def rule_titles() -> dict[str, str]:
    return {r.name: r.title for r in rules_all()}


def rule_labels(warning: Any) -> list[str]:
    """The Chinese titles of every rule a warning names (its `rules`, or its one `rule`)."""
    titles = rule_titles()
    return [titles.get(name, name) for name in (warning.rules or [warning.rule])]
