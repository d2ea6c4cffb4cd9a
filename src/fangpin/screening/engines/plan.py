"""How the rules of a batch are run: merged where they read the same rows, evidence fetched
after the hits are known.

Two costs dominate a rule over a month of rows: grouping the rows, and collecting each group's
evidence (`list(ref)`) only to throw most groups away in HAVING. So:
- rules reading the same view with the same WHERE and GROUP BY are answered by one
  aggregation (`RuleGroup.hits`), each rule keeping its own outputs and HAVING as a flag
  column; every rule gets exactly the groups and values its own query would give;
- that aggregation leaves the evidence out; the rows behind the groups that hit are then
  found by joining the view's rows back to those groups on the GROUP BY keys
  (`RuleGroup.rows`): the same rows `list(ref)` would have collected, for the hits alone.
A rule that cannot be merged this way (joins, no GROUP BY, ...) runs alone, as written.

Both engines run the groups through `group_hits`: only how a query is run and how the hits
are handed back to the engine as a table differ (`Runner`).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import sqlglot
from sqlglot import exp

from ..rules import Rule

if TYPE_CHECKING:
    from . import RuleHits

HITS_TABLE = "group_hits"  # the engine names the hits (hit_no, k0, k1, ...) so for `rows`
_MERGE_BLOCKERS = ("joins", "with_", "order", "limit", "offset", "qualify", "distinct", "windows")


@dataclass(frozen=True)
class RuleGroup:
    """Rules answered by one query.

    `hits` returns one row per group that any of the rules hits: the group keys `keys`, each
    rule's outputs (`columns[i]` maps rule i's output names to columns; for a merged group
    without `evidence`) and the flags (`flags[i]`: does rule i hit this group).
    `rows`, when set, returns (hit_no, ref) for every row behind a hit, given the hits in
    table `HITS_TABLE` with their number `hit_no` and the keys.
    """

    rules: tuple[Rule, ...]
    hits: str
    keys: tuple[str, ...]
    flags: tuple[str, ...]
    columns: tuple[dict[str, str], ...]
    rows: str | None


def rule_groups(
    rules: tuple[Rule, ...], values: dict[str, object], dialect: str
) -> list[RuleGroup]:
    """The rules, with their parameters bound, as groups (see the module's docstring)."""
    buckets: dict[object, list[tuple[Rule, exp.Select]]] = {}
    for i, rule in enumerate(rules):
        tree = sqlglot.parse_one(rule.bound_sql(values, dialect), read=dialect)
        assert isinstance(tree, exp.Select)  # checked when the rule was loaded
        key = _merge_key(tree, dialect)
        buckets.setdefault(key if key is not None else i, []).append((rule, tree))
    return [
        _merge(members, dialect) if isinstance(key, tuple) else _alone(*members[0], dialect)
        for key, members in buckets.items()
    ]


def _merge_key(tree: exp.Select, dialect: str) -> tuple[str, ...] | None:
    if any(tree.args.get(k) for k in _MERGE_BLOCKERS) or not tree.args.get("group"):
        return None
    if not isinstance(tree.args["from_"].this, exp.Table):
        return None
    where = tree.args.get("where")
    return (
        tree.args["from_"].sql(dialect=dialect),
        where.sql(dialect=dialect) if where else "",
        *sorted(g.sql(dialect=dialect) for g in tree.args["group"].expressions),
    )


def _alone(rule: Rule, tree: exp.Select, dialect: str) -> RuleGroup:
    """A rule run as written: its evidence comes with its rows."""
    names = {p.alias_or_name: p.alias_or_name for p in tree.expressions}
    wrapped = f"SELECT *, true AS h0 FROM ({tree.sql(dialect=dialect)}) AS hits"
    return RuleGroup((rule,), wrapped, (), ("h0",), (names,), None)


def _merge(members: list[tuple[Rule, exp.Select]], dialect: str) -> RuleGroup:
    base = members[0][1]
    group_by = list(base.args["group"].expressions)
    keys = tuple(f"k{i}" for i in range(len(group_by)))
    expressions: list[exp.Expr] = [
        exp.alias_(g.copy(), k) for g, k in zip(group_by, keys, strict=True)
    ]
    merged: dict[str, str] = {}  # expression (SQL) -> merged column name
    columns: list[dict[str, str]] = []
    flags: list[str] = []
    havings: list[exp.Expression] = []
    for i, (_, tree) in enumerate(members):
        mapping: dict[str, str] = {}
        for projection in tree.expressions:
            if projection.alias_or_name == "evidence":
                continue  # fetched by `rows`
            body = projection.this if isinstance(projection, exp.Alias) else projection
            text = body.sql(dialect=dialect)
            if text not in merged:
                merged[text] = f"c{len(merged)}"
                expressions.append(exp.alias_(body.copy(), merged[text]))
            mapping[projection.alias_or_name] = merged[text]
        having = tree.args.get("having")
        condition = having.this.copy() if having else exp.true()
        havings.append(condition)
        flags.append(f"h{i}")
        expressions.append(exp.alias_(exp.func("coalesce", condition.copy(), exp.false()), f"h{i}"))
        columns.append(mapping)
    hits = base.copy()
    hits.set("expressions", expressions)
    if any(not isinstance(h, exp.Boolean) for h in havings):
        hits.set("having", exp.Having(this=exp.or_(*[h.copy() for h in havings])))
    else:
        hits.set("having", None)
    source = base.args["from_"].this.sql(dialect=dialect)
    where = base.args.get("where")
    keyed = ", ".join(
        f"{g.sql(dialect=dialect)} AS {k}" for g, k in zip(group_by, keys, strict=True)
    )
    on = " AND ".join(
        exp.NullSafeEQ(this=exp.column(k, "m"), expression=exp.column(k, "h")).sql(dialect=dialect)
        for k in keys
    )
    rows = (
        f"SELECT h.hit_no, m.ref FROM (SELECT {keyed}, ref FROM {source}"
        f"{' ' + where.sql(dialect=dialect) if where else ''}) AS m "
        f"JOIN {HITS_TABLE} AS h ON {on}"
    )
    return RuleGroup(
        rules=tuple(rule for rule, _ in members),
        hits=hits.sql(dialect=dialect),
        keys=keys,
        flags=tuple(flags),
        columns=tuple(columns),
        rows=rows,
    )


class Runner(Protocol):
    """What `group_hits` needs from an engine."""

    def query(self, sql: str) -> pa.Table:
        """The rows of a query (in the engine's dialect) as an Arrow table."""
        ...

    def registered(self, name: str, table: pa.Table) -> AbstractContextManager[None]:
        """`table` readable by queries as `name` while the context lasts."""
        ...


def group_hits(runner: Runner, group: RuleGroup) -> list[RuleHits]:
    """Each rule's hits from the group's queries, as Arrow tables (no Python object per hit):
    `hits` once, then (for a merged group) the evidence of the groups that hit."""
    from . import RuleHits

    table = runner.query(group.hits)
    if group.rows is not None:
        evidence = _evidence_lists(runner, group, table)
    elif table.num_rows:
        evidence = pc.list_sort(table.column("evidence"))  # type: ignore[attr-defined]
    else:
        evidence = pa.chunked_array([], pa.list_(pa.int64()))
    found = []
    for rule, flag, mapping in zip(group.rules, group.flags, group.columns, strict=True):
        mine = pc.fill_null(table.column(flag), False)
        columns = {name: table.column(col).filter(mine) for name, col in mapping.items()}
        columns["evidence"] = evidence.filter(mine)
        found.append(RuleHits(rule, pa.table(columns)))
    return found


def _evidence_lists(runner: Runner, group: RuleGroup, hits: pa.Table) -> pa.ChunkedArray:
    """For each hit (in order), the references of the rows behind it, sorted."""
    numbered = pa.table(
        {"hit_no": pa.array(range(hits.num_rows), pa.int64())}
        | {k: hits.column(k) for k in group.keys}
    )
    assert group.rows is not None
    with runner.registered(HITS_TABLE, numbered):
        rows = runner.query(group.rows)
    # Sorted here rather than by the engine: on Spark an ORDER BY is a shuffle of its own.
    rows = rows.sort_by([("hit_no", "ascending"), ("ref", "ascending")])
    hit_no = rows.column("hit_no").to_numpy().astype(np.int64)
    counts = np.bincount(hit_no, minlength=hits.num_rows)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    refs = rows.column("ref").combine_chunks().cast(pa.int64())
    return pa.chunked_array([pa.ListArray.from_arrays(pa.array(offsets), refs)])
