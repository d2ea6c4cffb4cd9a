"""Household search latency: the selector behind `GET /households?q=` against raw SQL.

Measured: `fangpin.registry.selectors.household_list(user=<city user>, q=...)`, first page
(20 rows, as the list shows them), for queries drawn from the stored data: a current
member's ID number, a 户主 name, a 户编号 — one third each.

Baseline, same run, same queries: one hand-written SQL statement per query on the same
indexes, returning the same first page (households with their village, in list order).
Ratio = selector median ÷ raw median (1.00× means no overhead).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

from bench import common

ORDER = 20
QUERIES = 200
PAGE = 20

_SELECT = (
    "SELECT h.id, h.number, h.head_name, h.member_count, h.is_alleviated, h.village_id, r.name "
    "FROM registry_household h JOIN regions_region r ON r.code = h.village_id "
)
_ORDER = " ORDER BY h.village_id, h.number LIMIT %s"
# Each candidate set is a UNION of single-index lookups, then limited to the region range.
RAW = {
    "id_number": _SELECT + "WHERE h.village_id BETWEEN %s AND %s AND h.id IN ("
    "SELECT m.household_id FROM registry_person p "
    "JOIN registry_membership m ON m.person_id = p.id AND m.ended_on IS NULL "
    "WHERE p.id_number = %s "
    "UNION SELECT id FROM registry_household WHERE number = %s)" + _ORDER,
    "name": _SELECT + "WHERE h.village_id BETWEEN %s AND %s AND h.id IN ("
    "SELECT id FROM registry_household WHERE head_name LIKE %s "
    "UNION SELECT m.household_id FROM registry_person p "
    "JOIN registry_membership m ON m.person_id = p.id AND m.ended_on IS NULL "
    "WHERE p.name = %s)" + _ORDER,
    "number": _SELECT + "WHERE h.village_id BETWEEN %s AND %s AND h.number LIKE %s" + _ORDER,
}


def _samples(rng: random.Random) -> list[tuple[str, str]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM registry_household")
        low, high = cursor.fetchone()
        picks: list[tuple[str, str]] = []
        kinds = ("id_number", "name", "number")
        while len(picks) < QUERIES:
            kind = kinds[len(picks) % 3]
            cursor.execute(
                "SELECT h.number, h.head_name, p.id_number FROM registry_household h "
                "JOIN registry_membership m ON m.household_id = h.id AND m.ended_on IS NULL "
                "JOIN registry_person p ON p.id = m.person_id "
                "WHERE h.id >= %s ORDER BY h.id LIMIT 7",
                [rng.randint(low, high)],
            )
            rows = cursor.fetchall()
            if not rows:
                continue
            number, head, id_number = rng.choice(rows)
            picks.append((kind, {"id_number": id_number, "name": head, "number": number}[kind]))
    return picks


def _raw_params(kind: str, q: str, low: str, high: str) -> list[Any]:
    if kind == "id_number":
        return [low, high, q, q, PAGE]
    if kind == "name":
        return [low, high, q + "%", q, PAGE]
    return [low, high, q + "%", PAGE]


def main(scale: str) -> None:
    from django.db import connection

    from fangpin.accounts.services import user_create
    from fangpin.core.scoping import code_range
    from fangpin.registry.selectors import household_list

    total = common.ensure_registry(scale)
    user, _ = user_create(username="bench-city", role="city", region_code="410400")
    user = type(user).objects.select_related("region").get(pk=user.pk)
    low, high = code_range(user.region_prefix or "")
    rng = random.Random(common.SEED)
    queries = _samples(rng)

    def selector(q: str) -> Callable[[], Any]:
        return lambda: list(household_list(user=user, q=q)[:PAGE])

    def raw(kind: str, q: str) -> Callable[[], Any]:
        params = _raw_params(kind, q, low, high)

        def run() -> Any:
            with connection.cursor() as cursor:
                cursor.execute(RAW[kind], params)
                return cursor.fetchall()

        return run

    # Warm both paths (plans, caches) on the first queries, then measure alternately.
    for kind, q in queries[:10]:
        selector(q)()
        raw(kind, q)()
    mismatches = 0
    by_kind: dict[str, tuple[list[float], list[float]]] = {}
    for kind, q in queries:
        started = time.perf_counter()
        found = list(household_list(user=user, q=q)[:PAGE])
        selector_time = time.perf_counter() - started
        raw_time = common.timed(raw(kind, q))
        expected = raw(kind, q)()
        if [h.pk for h in found] != [row[0] for row in expected]:
            mismatches += 1
        mine, base = by_kind.setdefault(kind, ([], []))
        mine.append(selector_time)
        base.append(raw_time)
    everything = (
        [t for m, _ in by_kind.values() for t in m],
        [t for _, b in by_kind.values() for t in b],
    )
    print(f"  households   {total:,}; {len(queries)} queries as a city user, first page of {PAGE}")
    header = f"{'query':<12} {'n':>4} {'selector median':>16} {'p95':>8}"
    print(f"  {header} {'raw SQL median':>15} {'p95':>8}  ratio")
    for label, (mine, base) in [*sorted(by_kind.items()), ("all", everything)]:
        mine_ms, base_ms = common.median_ms(mine), common.median_ms(base)
        print(
            f"  {label:<12} {len(mine):>4} {mine_ms:13.2f} ms {common.p95_ms(mine):8.2f}"
            f" {base_ms:12.2f} ms {common.p95_ms(base):8.2f}  {common.ratio(mine_ms, base_ms)}"
        )
    if mismatches:
        print(f"  note: {mismatches} queries returned a different first page than the raw SQL")
