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

    def two_pass_sql(self, values: dict[str, object], dialect: str) -> tuple[str, str]:
        """The query split for speed: (households hit, the query for those households only).

        Collecting evidence lists for every group and then discarding most of them in HAVING
        is the costly part of a rule; the first pass finds the hits without lists, the second
        builds lists for their households alone. Every row of a kept household is kept, so
        each group aggregates exactly as in the one-pass query: the results are the same.
        """
        full = sqlglot.parse_one(self.bound_sql(values, dialect), read=dialect)
        assert isinstance(full, exp.Select)  # checked when the rule was loaded
        lean = full.copy()
        lean.set("expressions", [e for e in lean.expressions if e.alias_or_name != "evidence"])
        first = f"SELECT DISTINCT household_id FROM ({lean.sql(dialect=dialect)}) AS hits"
        second = full.where("household_id IN (SELECT household_id FROM rule_hits)", copy=True)
        return first, second.sql(dialect=dialect)


@dataclass(frozen=True)
class RuleGroup:
    """Rules answered by one aggregation (see `rule_groups`).

    `first` finds the households any of them hits (no evidence lists); `second` (run with
    those households in `rule_hits`) returns one row per group: column `flags[i]` says whether
    rule i hits it, `columns[i]` maps rule i's outputs to the merged columns, and
    `evidence` names the merged columns holding evidence lists.
    """

    rules: tuple[Rule, ...]
    first: str
    second: str
    flags: tuple[str, ...]
    columns: tuple[dict[str, str], ...]
    evidence: tuple[str, ...]


_MERGE_BLOCKERS = ("joins", "with_", "order", "limit", "offset", "qualify", "distinct", "windows")


def _merge_key(tree: exp.Select, dialect: str) -> tuple[str, ...] | None:
    if any(tree.args.get(k) for k in _MERGE_BLOCKERS) or not tree.args.get("group"):
        return None
    where = tree.args.get("where")
    return (
        tree.args["from_"].sql(dialect=dialect),
        where.sql(dialect=dialect) if where else "",
        *sorted(g.sql(dialect=dialect) for g in tree.args["group"].expressions),
    )


def rule_groups(
    rules: tuple[Rule, ...], values: dict[str, object], dialect: str
) -> list[RuleGroup]:
    """Rules reading the same view with the same WHERE and GROUP BY, merged into one query.

    Several rules over a month of rows (the yearly medical totals) would each scan and group
    the same rows; merged, the rows are grouped once and each rule keeps its own outputs and
    HAVING as a flag column. A group's aggregates are those of each rule's own query (same
    rows, same groups), so every rule gets exactly the hits it would get alone. Rules that
    cannot be merged form groups of one.
    """
    buckets: dict[object, list[tuple[Rule, exp.Select]]] = {}
    for i, rule in enumerate(rules):
        tree = sqlglot.parse_one(rule.bound_sql(values, dialect), read=dialect)
        assert isinstance(tree, exp.Select)  # checked when the rule was loaded
        key = _merge_key(tree, dialect)
        buckets.setdefault(key if key is not None else i, []).append((rule, tree))
    return [_merge(members, dialect) for members in buckets.values()]


def _merge(members: list[tuple[Rule, exp.Select]], dialect: str) -> RuleGroup:
    base = members[0][1]
    merged: dict[str, str] = {}  # expression (SQL) -> merged column name
    expressions: list[exp.Expr] = []
    columns: list[dict[str, str]] = []
    evidence: set[str] = set()
    flags: list[str] = []
    havings: list[exp.Expression] = []
    for i, (_, tree) in enumerate(members):
        mapping: dict[str, str] = {}
        for projection in tree.expressions:
            body = projection.this if isinstance(projection, exp.Alias) else projection
            text = body.sql(dialect=dialect)
            if text not in merged:
                merged[text] = f"c{len(merged)}"
                expressions.append(exp.alias_(body.copy(), merged[text]))
            mapping[projection.alias_or_name] = merged[text]
        evidence.add(mapping["evidence"])
        having = tree.args.get("having")
        condition = having.this.copy() if having else exp.true()
        havings.append(condition)
        flags.append(f"h{i}")
        expressions.append(exp.alias_(exp.func("coalesce", condition.copy(), exp.false()), f"h{i}"))
        columns.append(mapping)
    full = base.copy()
    full.set("expressions", expressions)
    if any(not isinstance(h, exp.Boolean) for h in havings):
        full.set("having", exp.Having(this=exp.or_(*[h.copy() for h in havings])))
    lean = full.copy()
    lean.set("expressions", [e for e in expressions if e.alias not in evidence])
    household = columns[0]["household_id"]
    first = (
        f"SELECT DISTINCT {household} AS household_id FROM ({lean.sql(dialect=dialect)}) AS hits"
    )
    second = full.where("household_id IN (SELECT household_id FROM rule_hits)", copy=True)
    return RuleGroup(
        rules=tuple(rule for rule, _ in members),
        first=first,
        second=second.sql(dialect=dialect),
        flags=tuple(flags),
        columns=tuple(columns),
        evidence=tuple(sorted(evidence)),
    )


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
    return Rule(
        name=name,
        title=str(data["title"]),
        source=str(data["source"]),
        risk_type=str(data["risk_type"]),
        parameters=params,
        message=str(data["message"]),
        query=str(data["query"]),
        outputs=outputs,
    )


@cache
def rules_all() -> tuple[Rule, ...]:
    return tuple(rule_parse(p) for p in sorted(RULES_DIR.glob("*.toml")))


def rules_for(source: str) -> tuple[Rule, ...]:
    return tuple(r for r in rules_all() if r.source == source)


def rule_titles() -> dict[str, str]:
    return {r.name: r.title for r in rules_all()}
