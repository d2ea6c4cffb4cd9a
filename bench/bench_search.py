"""Household search latency: what `GET /households?q=` runs against raw SQL.

Measured: `fangpin.registry.selectors.household_page(user=..., q=..., size=20)` — the first
page (20 rows) and its capped count, as the API answers — for queries drawn from the stored
data, by kind:
- `id_number`, `name` (a 户主 name), `number` (a 户编号): a city user, one third each of
  QUERIES;
- `common_name`: the most frequent 户主 names (王伟-like: thousands of matches), a city user;
- `near_village`: a common name searched by a county user with `near=<a village>` (that
  village's matches first, then its township's, then the county's);
- `village_user`: a common name searched by a village user (their own village only).
On code without household_page (before issue 15) it falls back to what the API ran then:
household_list(...)[:20] and .count().

Baseline, same run, same queries: one hand-written SQL statement per query on the same
indexes, returning the same first page (households with their village, in list order; the
ranked order for `near_village`), without a count.
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
COMMON = 60  # queries of each common-name kind
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
    "WHERE p.id_hash = %s "
    "UNION SELECT id FROM registry_household WHERE number = %s)" + _ORDER,
    "name": _SELECT + "WHERE h.village_id BETWEEN %s AND %s AND h.id IN ("
    "SELECT id FROM registry_household WHERE head_name LIKE %s "
    "UNION SELECT m.household_id FROM registry_person p "
    "JOIN registry_membership m ON m.person_id = p.id AND m.ended_on IS NULL "
    "WHERE p.name = %s)" + _ORDER,
    "number": _SELECT + "WHERE h.village_id BETWEEN %s AND %s AND h.number LIKE %s" + _ORDER,
}
RAW["common_name"] = RAW["village_user"] = RAW["name"]
# Ranked: the chosen village (%s, 12 digits), then its township (9), then the rest.
RAW["near_village"] = RAW["name"].replace(
    _ORDER,
    " ORDER BY CASE WHEN h.village_id = %s THEN 0 WHEN left(h.village_id, 9) = %s THEN 1"
    " ELSE 2 END, h.village_id, h.number LIMIT %s",
)


def _samples(rng: random.Random) -> list[tuple[str, str]]:
    from django.db import connection

    from fangpin.registry.models import Person

    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM registry_household")
        low, high = cursor.fetchone()
        picks: list[tuple[str, str]] = []
        kinds = ("id_number", "name", "number")
        while len(picks) < QUERIES:
            kind = kinds[len(picks) % 3]
            cursor.execute(
                "SELECT h.number, h.head_name, p.id FROM registry_household h "
                "JOIN registry_membership m ON m.household_id = h.id AND m.ended_on IS NULL "
                "JOIN registry_person p ON p.id = m.person_id "
                "WHERE h.id >= %s ORDER BY h.id LIMIT 7",
                [rng.randint(low, high)],
            )
            rows = cursor.fetchall()
            if not rows:
                continue
            number, head, person_id = rng.choice(rows)
            # Stored encrypted: read the number through the model (decrypted).
            id_number = Person.objects.values_list("id_number", flat=True).get(pk=person_id)
            picks.append((kind, {"id_number": id_number, "name": head, "number": number}[kind]))
    return picks


def _common_names() -> list[str]:
    """The most frequent 户主 names (read once, untimed)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT head_name FROM registry_household GROUP BY head_name "
            "ORDER BY count(*) DESC, head_name LIMIT 10"
        )
        return [row[0] for row in cursor.fetchall()]


def _raw_params(kind: str, q: str, low: str, high: str, near: str = "") -> list[Any]:
    if kind == "id_number":
        from fangpin.core import idcrypt

        return [low, high, idcrypt.digest(q), q, PAGE]
    if kind in ("name", "common_name", "village_user"):
        return [low, high, q + "%", q, PAGE]
    if kind == "near_village":
        return [low, high, q + "%", q, near, near[:9], PAGE]
    return [low, high, q + "%", PAGE]


def _selector() -> Callable[..., list[Any]]:
    """The API's read: household_page (page + capped count), or before issue 15 the slice
    and the full count the API ran then."""
    from fangpin.registry import selectors

    page = getattr(selectors, "household_page", None)
    if page is not None:
        return lambda user, q, near=None: page(user=user, q=q, near=near, size=PAGE).rows

    def before(user: Any, q: str, near: str | None = None) -> list[Any]:
        qs = selectors.household_list(user=user, q=q)
        rows = list(qs[:PAGE])
        qs.count()
        return rows

    return before


def _user(username: str, role: str, region: str) -> Any:
    from fangpin.accounts.models import User
    from fangpin.accounts.services import user_create

    found = User.objects.filter(username=username).first()
    if found is None:
        found, _ = user_create(username=username, role=role, region_code=region)
    return User.objects.select_related("region").get(pk=found.pk)


def main(scale: str) -> None:
    from django.db import connection

    from fangpin.core.scoping import code_range

    total = common.ensure_registry(scale)
    city = _user("bench-city", "city", "410400")
    rng = random.Random(common.SEED)
    cases: list[tuple[str, Any, str, str]] = []  # (kind, user, q, near)
    cases += [(kind, city, q, "") for kind, q in _samples(rng)]
    names = _common_names()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT village_id, count(*) FROM registry_household WHERE head_name = ANY(%s) "
            "GROUP BY village_id ORDER BY count(*) DESC, village_id LIMIT 5",
            [names],
        )
        villages = [row[0] for row in cursor.fetchall()]
    county = _user("bench-county", "county", villages[0][:6])
    village = _user("bench-village", "village", villages[0])
    for i in range(COMMON):
        name = names[i % len(names)]
        cases.append(("common_name", city, name, ""))
        cases.append(("near_village", county, name, villages[0]))
        cases.append(("village_user", village, name, ""))
    selector = _selector()

    def raw(kind: str, user: Any, q: str, near: str) -> Callable[[], Any]:
        low, high = code_range(user.region_prefix or "")
        params = _raw_params(kind, q, low, high, near)

        def run() -> Any:
            with connection.cursor() as cursor:
                cursor.execute(RAW[kind], params)
                return cursor.fetchall()

        return run

    # Warm both paths (plans, caches) on the first queries of each kind, then measure
    # alternately.
    for kind, user, q, near in cases[:10] + cases[QUERIES : QUERIES + 9]:
        selector(user, q, near or None)
        raw(kind, user, q, near)()
    mismatches: dict[str, int] = {}
    by_kind: dict[str, tuple[list[float], list[float]]] = {}
    for kind, user, q, near in cases:
        started = time.perf_counter()
        found = selector(user, q, near or None)
        selector_time = time.perf_counter() - started
        raw_time = common.timed(raw(kind, user, q, near))
        expected = raw(kind, user, q, near)()
        if [h.pk for h in found] != [row[0] for row in expected]:
            mismatches[kind] = mismatches.get(kind, 0) + 1
        mine, base = by_kind.setdefault(kind, ([], []))
        mine.append(selector_time)
        base.append(raw_time)
    everything = (
        [t for m, _ in by_kind.values() for t in m],
        [t for _, b in by_kind.values() for t in b],
    )
    print(
        f"  households   {total:,}; {len(cases)} queries, first page of {PAGE}; common names"
        f" {', '.join(names[:5])} ...; near village {villages[0]}"
    )
    header = f"{'query':<12} {'n':>4} {'selector median':>16} {'p95':>8}"
    print(f"  {header} {'raw SQL median':>15} {'p95':>8}  ratio (median, p95)")
    for label, (mine, base) in [*sorted(by_kind.items()), ("all", everything)]:
        mine_ms, base_ms = common.median_ms(mine), common.median_ms(base)
        mine_p95, base_p95 = common.p95_ms(mine), common.p95_ms(base)
        print(
            f"  {label:<12} {len(mine):>4} {mine_ms:13.2f} ms {mine_p95:8.2f}"
            f" {base_ms:12.2f} ms {base_p95:8.2f}  {common.ratio(mine_ms, base_ms)}"
            f" {common.ratio(mine_p95, base_p95)}"
        )
    for kind, n in sorted(mismatches.items()):
        print(f"  note: {kind}: {n} queries returned a different first page than the raw SQL")
