"""Growth curve: every read at several registry sizes, and how its time grows with the data.

Data: one PostgreSQL database per point (`fangpin_bench_g100k`, `fangpin_bench_g1m`,
`fangpin_bench_g5m` …), made once and reused: migrated, the whole province's division tree,
households seeded over every real village of Henan (`registry_seed(regions=["410000"])`),
cases for 1 household in 59 (≈1.7%, as `bench_summary`), warnings for 1 in 97, the village
counters rebuilt. The largest missing point is seeded in steps (100k, 1M, 2M, 5M: the
throughput of each step is recorded in the database, `bench_growth_seed`), and the smaller
missing points are copied from it on the way (`CREATE DATABASE … TEMPLATE`).

Measured at each point (in a child process on that database, warm, median and p95):
household search (`registry.selectors.household_list`, first page) by 户主 name, ID number,
household number and the most common names, as a city user (410400) and a village user;
the case and warning lists with filters (API); the household and case pages (HTML); the
summary (`SummaryQuery`) of a village, township, county, the city and the province; the
dashboards and lists of the villages (ratings, problems), programs (panel) and supervision
(rankings) apps for a county user.

Printed per read: the time at each point, the ratio of time growth to data growth
(t(max)/t(min) ÷ n(max)/n(min): 1 = linear, 0 = flat), the flatness t(max)/t(min) against
the targets, and the database size per point; seeding throughput per step with the fitted
curve extrapolated to 20M households.

  python -m bench --only growth                 # small: 20k and 100k
  python -m bench --only growth --scale full    # 100k and 1M
  python -m bench --only growth --5m            # 100k, 1M and 5M
  python -m bench.bench_growth --build --5m     # only make the databases (no measuring)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
from typing import Any
from urllib.parse import urlparse, urlunparse

from bench import common, growth

ORDER = 80  # after the others: it uses its own databases, not the shared one
RESULT = "GROWTH-RESULT "
CASE_MODULUS = 59  # 1 household in 59 has a case (bench_summary's share)
WARNING_MODULUS = 97
# Targets (issue 15): flat search and pages, summaries and search fast at any size.
FLAT_LIMIT = 1.2
SUMMARY_MS = 50.0
SEARCH_P95_MS = 50.0
PAGE_P95_MS = 100.0
SAMPLES = {"search": 20, "page": 20, "list": 10, "summary": 20, "dashboard": 5}
WARM = 2


# -- the databases ------------------------------------------------------------------------
def url_for(database: str) -> str:
    parts = urlparse(common.database_url())
    return urlunparse(parts._replace(path=f"/{database}"))


def _admin(sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    import psycopg

    parts = urlparse(common.database_url())
    with psycopg.connect(urlunparse(parts._replace(path="/postgres")), autocommit=True) as conn:
        cursor = conn.execute(sql, params or [])
        return cursor.fetchall() if cursor.description else []


def _households_in(database: str) -> int | None:
    """Households in a point's database; None when it does not exist or is not migrated."""
    import psycopg

    if not _admin("SELECT 1 FROM pg_database WHERE datname = %s", [database]):
        return None
    try:
        with psycopg.connect(url_for(database)) as conn:
            row = conn.execute("SELECT count(*) FROM registry_household").fetchone()
            return int(row[0]) if row else 0
    except psycopg.Error:
        return None


def _clone(source: str, target: str) -> None:
    if not target.startswith(growth.DATABASE_PREFIX):
        raise SystemExit(f"拒绝覆盖非增长基准数据库 {target}")
    _admin(f'DROP DATABASE IF EXISTS "{target}"')
    _admin(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')


def child(database: str, *args: str, capture: bool = False) -> dict[str, Any]:
    """Run this module in a child process on `database` (its own Django, its own settings)."""
    env = {**os.environ, "DATABASE_URL": url_for(database)}
    command = [sys.executable, "-m", "bench.bench_growth", *args]
    if not capture:
        subprocess.run(command, env=env, cwd=common.ROOT, check=True)
        return {}
    done = subprocess.run(
        command, env=env, cwd=common.ROOT, check=True, stdout=subprocess.PIPE, text=True
    )
    for line in done.stdout.splitlines():
        if line.startswith(RESULT):
            return dict(json.loads(line.removeprefix(RESULT)))
        print(line, flush=True)
    raise RuntimeError(f"{database}: 子进程没有给出结果")


def ensure_points(points: tuple[int, ...]) -> None:
    """Make the missing point databases: seed the largest in steps, copy the smaller ones
    from it as it passes them; each gets its cases, warnings and counters."""
    have = {n: _households_in(growth.database_for(n)) for n in points}
    missing = sorted(n for n in points if have[n] is None or (have[n] or 0) < n)
    if not missing:
        return
    free = _disk_free_gib()
    print(f"  building {', '.join(growth.label(n) for n in missing)} (disk free {free:.0f} GiB)")
    builder = missing[-1]
    builder_db = growth.database_for(builder)
    start = have[builder] or 0
    stops = [n for n in missing[:-1] if n > start]
    for target in growth.seed_targets(start, builder, stops):
        if _disk_free_gib() < 15:
            raise SystemExit("磁盘剩余空间不足 15 GiB,停止生成")
        child(builder_db, "--seed-to", str(target))
        if target in stops:
            _clone(builder_db, growth.database_for(target))
            child(growth.database_for(target), "--extras")
    child(builder_db, "--extras")
    for n in missing[:-1]:
        if n not in stops:  # smaller than what the builder already held: its own database
            ensure_points((n,))


def _disk_free_gib() -> float:
    stats = os.statvfs("/")
    return stats.f_bavail * stats.f_frsize / 2**30


# -- inside a point's database (child process) --------------------------------------------
def _setup_point() -> None:
    common.setup()
    from fangpin.regions.models import Level, Region
    from fangpin.regions.services import regions_load

    if not Region.objects.filter(code="410000", level=Level.PROVINCE).exists() or (
        Region.objects.filter(level=Level.VILLAGE).count() < 50_000
    ):
        regions_load(city=None)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_growth_seed (households integer PRIMARY KEY,"
            " added integer NOT NULL, seconds double precision NOT NULL,"
            " processes integer NOT NULL, at timestamptz NOT NULL DEFAULT now())"
        )


def _seed_to(target: int) -> None:
    from django.db import connection

    from fangpin.registry.seeding import default_processes, registry_seed

    have = common.household_count()
    if have >= target:
        return
    processes = default_processes()
    print(
        f"  [{common.database_name()}] seeding {have:,} → {target:,} households"
        f" ({processes} generator processes) at {time.strftime('%H:%M:%S')}",
        flush=True,
    )
    result = registry_seed(
        households=target - have,
        random_seed=common.SEED + have,
        regions=["410000"],
        processes=processes,
        progress=False,
    )
    common.analyze()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_growth_seed (households, added, seconds, processes)"
            " VALUES (%s, %s, %s, %s) ON CONFLICT (households) DO UPDATE SET"
            " added = EXCLUDED.added, seconds = EXCLUDED.seconds",
            [target, result.households, result.seconds, processes],
        )
    print(
        f"  [{common.database_name()}] {target:,} households: added {result.households:,}"
        f" in {result.seconds:.0f} s ({result.households / result.seconds:,.0f} households/s)"
        f" at {time.strftime('%H:%M:%S')}; disk free {_disk_free_gib():.0f} GiB",
        flush=True,
    )


INSERT_WARNINGS_SQL = """
INSERT INTO screening_warning (
    household_id, village_id, person_id, rule, rules, event, period, batch_id, message, risk_type,
    evidence, status, deadline, deadline_provisional, dismiss_reason, resolved_by_id,
    resolved_at, created_at)
SELECT h.id, h.village_id, NULL, 'medical_high_cost', '["medical_high_cost"]'::jsonb,
       'bench:' || h.id,
       %(period)s, NULL, '医疗自付费用较高', '03', '[]'::jsonb,
       CASE WHEN (h.id / %(mod)s) %% 10 < 6 THEN 'open'
            WHEN (h.id / %(mod)s) %% 10 < 9 THEN 'dismissed' ELSE 'case_opened' END,
       %(deadline)s + ((h.id / %(mod)s) %% 40) * interval '1 day', false, '', NULL, NULL, now()
FROM registry_household h
WHERE h.id %% %(mod)s = 3
"""


def _extras() -> None:
    """Cases, warnings and village counters, once per database."""
    import datetime as dt

    from django.db import connection

    from bench.bench_summary import INSERT_CASES_SQL as cases_sql
    from fangpin.dashboard.counters import counters_rebuild

    today = dt.date.today()
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM monitoring_case)")
        has_cases = cursor.fetchone()[0]
        if not has_cases:
            cursor.execute(
                cases_sql,
                {
                    "mod": CASE_MODULUS,
                    "discovered": today - dt.timedelta(days=400),
                    "deadline": today - dt.timedelta(days=379),
                    "identified": today - dt.timedelta(days=380),
                    "eliminated": today - dt.timedelta(days=30),
                },
            )
            print(f"  [{common.database_name()}] {cursor.rowcount:,} cases", flush=True)
        cursor.execute("SELECT EXISTS (SELECT 1 FROM screening_warning)")
        if not cursor.fetchone()[0]:
            cursor.execute(
                INSERT_WARNINGS_SQL,
                {
                    "mod": WARNING_MODULUS,
                    "period": f"{today:%Y-%m}",
                    "deadline": today - dt.timedelta(days=10),
                },
            )
            print(f"  [{common.database_name()}] {cursor.rowcount:,} warnings", flush=True)
    if not has_cases:
        counters_rebuild()
    with connection.cursor() as cursor:
        for table in ("monitoring_case", "screening_warning", "dashboard_regioncounter"):
            cursor.execute(f"ANALYZE {table}")
    common.analyze()


class _Reads:
    """The reads measured at one point, with the users and sample rows they need."""

    def __init__(self) -> None:
        from django.db import connection

        from fangpin.accounts.services import user_create
        from fangpin.regions.models import Region

        with connection.cursor() as cursor:
            # The village of the city with the most households, and its township and county.
            cursor.execute(
                "SELECT village_id FROM registry_household WHERE village_id LIKE '4104%%'"
                " GROUP BY village_id ORDER BY count(*) DESC, village_id LIMIT 1"
            )
            village = cursor.fetchone()[0]
        self.village = Region.objects.get(code=village)
        self.township = Region.objects.get(code=village[:9])
        self.county = Region.objects.get(code=village[:6])
        self.city = Region.objects.get(code="410400")
        self.province = Region.objects.get(code="410000")
        self.users = {
            name: user_create(username=f"bench_g_{name}", role=role, region_code=code)[0]
            for name, role, code in (
                ("city", "city", "410400"),
                ("county", "county", self.county.code),
                ("village", "village", self.village.code),
                ("province", "viewer", "410000"),
            )
        }

    def queries(self, prefix: str, count: int) -> dict[str, list[str]]:
        """Search terms drawn from the data under `prefix`: names, ID numbers, numbers."""
        from django.db import connection

        from fangpin.core import idcrypt
        from fangpin.registry.choices import Relation

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT h.head_name, h.number, p.id_number FROM registry_household h"
                " JOIN registry_membership m ON m.household_id = h.id AND m.relation = %s"
                " JOIN registry_person p ON p.id = m.person_id"
                " WHERE h.village_id LIKE %s ORDER BY md5(h.id::text) LIMIT %s",
                [str(Relation.HEAD), f"{prefix}%", count],
            )
            rows = cursor.fetchall()
            cursor.execute(
                "SELECT head_name FROM registry_household WHERE village_id LIKE %s"
                " GROUP BY head_name ORDER BY count(*) DESC, head_name LIMIT 4",
                [f"{prefix}%"],
            )
            common_names = ["王伟", *[r[0] for r in cursor.fetchall()]]
        return {
            "name": [r[0] for r in rows],
            "id": [idcrypt.decrypt(r[2]) if idcrypt.is_encrypted(r[2]) else r[2] for r in rows],
            "number": [r[1] for r in rows],
            "common": [common_names[i % len(common_names)] for i in range(count)],
        }

    def measure(self) -> dict[str, dict[str, Any]]:
        import datetime as dt

        from django.db import connection
        from django.test import Client

        from fangpin.dashboard.summary import SummaryQuery
        from fangpin.registry.selectors import household_list

        out: dict[str, dict[str, Any]] = {}

        def run(name: str, kind: str, calls: list[Any]) -> None:
            if not calls:
                out[name] = {"error": "no rows to sample at this size", "kind": kind}
                return
            try:
                for fn in calls[:WARM]:
                    fn()
                samples = [common.timed(fn) for fn in calls]
            except Exception as exc:  # a read that fails is reported, the others go on
                out[name] = {"error": f"{type(exc).__name__}: {exc}"[:200], "kind": kind}
                return
            out[name] = {
                "kind": kind,
                "median": common.median_ms(samples),
                "p95": common.p95_ms(samples),
                "n": len(samples),
            }

        for who in ("city", "village"):
            user = self.users[who]
            prefix = self.city.prefix if who == "city" else self.village.prefix
            terms = self.queries(prefix, SAMPLES["search"])
            for kind, values in terms.items():
                run(
                    f"search {kind} ({who})",
                    "search",
                    [lambda q=q, u=user: list(household_list(user=u, q=q)[:20]) for q in values],
                )

        clients = {}
        for who, user in self.users.items():
            client = Client()
            client.force_login(user)
            clients[who] = client

        def page(who: str, url: str) -> Any:
            def get() -> None:
                response = clients[who].get(url)
                if response.status_code != 200:
                    raise RuntimeError(f"GET {url} → {response.status_code}")

            return get

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM registry_household WHERE village_id LIKE '4104%%'"
                " ORDER BY md5(id::text) LIMIT %s",
                [SAMPLES["page"]],
            )
            households = [r[0] for r in cursor.fetchall()]
            cursor.execute(
                "SELECT id FROM monitoring_case WHERE village_id LIKE '4104%%'"
                " ORDER BY md5(id::text) LIMIT %s",
                [SAMPLES["page"]],
            )
            cases = [r[0] for r in cursor.fetchall()]
        run(
            "household page (city)", "page", [page("city", f"/households/{h}/") for h in households]
        )
        run("case page (city)", "page", [page("city", f"/monitoring/cases/{c}/") for c in cases])
        n = SAMPLES["list"]
        for label, url in (
            ("case list, monitored", "/api/v1/cases?state=monitored"),
            ("case list, overdue", "/api/v1/cases?overdue=true"),
            ("warning list, open", "/api/v1/warnings?status=open"),
            ("warning list, overdue", "/api/v1/warnings?overdue=true"),
        ):
            run(f"{label} (city)", "list", [page("city", url)] * n)
            run(f"{label} (county)", "list", [page("county", url)] * n)

        today = dt.date.today()
        for level, region in (
            ("village", self.village),
            ("township", self.township),
            ("county", self.county),
            ("city", self.city),
            ("province", self.province),
        ):
            query = SummaryQuery(region=region, today=today)
            run(f"summary, {level}", "summary", [query.calculate] * SAMPLES["summary"])

        m = SAMPLES["dashboard"]
        for label, url in (
            ("villages: ratings", "/villages/ratings/"),
            ("villages: problems", "/villages/problems/"),
            ("programs: panel", "/programs/"),
            ("supervision: rankings", "/supervision/rankings/"),
            ("dashboard", "/dashboard/"),
        ):
            run(f"{label} (county)", "dashboard", [page("county", url)] * m)
        run("dashboard (province viewer)", "dashboard", [page("province", "/dashboard/")] * m)
        return out


def _measure_point() -> dict[str, Any]:
    from django.db import connection

    # As autovacuum would have done by now on a live registry: the visibility map lets the
    # search indexes answer without visiting the tables (index-only scans).
    with connection.cursor() as cursor:
        for table in (*common.REGISTRY_TABLES, "screening_warning", "monitoring_case"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    reads = _Reads().measure()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        size = int(cursor.fetchone()[0])
        cursor.execute("SELECT households, added, seconds FROM bench_growth_seed ORDER BY 1")
        steps = [list(row) for row in cursor.fetchall()]
    return {
        "households": common.household_count(),
        "disk_bytes": size,
        "seed_steps": steps,
        "reads": reads,
    }


# -- the report ---------------------------------------------------------------------------
def _report(points: tuple[int, ...], results: dict[int, dict[str, Any]]) -> None:
    labels = [growth.label(n) for n in points]
    print(
        "\n  database size: "
        + ", ".join(f"{growth.label(n)} {results[n]['disk_bytes'] / 2**30:.1f} GiB" for n in points)
    )
    names: list[str] = []
    for n in points:
        for name in results[n]["reads"]:
            if name not in names:
                names.append(name)
    columns = "  ".join(f"{lab + ' med/p95 ms':>20}" for lab in labels)
    print(f"\n  {'read':<38} {columns}  growth÷data  flat  target")
    for name in names:
        cells, medians, p95s, kind = [], [], [], ""
        for n in points:
            row = results[n]["reads"].get(name, {})
            kind = row.get("kind", kind)
            if "median" in row:
                cells.append(f"{row['median']:9.1f} / {row['p95']:8.1f}")
                medians.append(row["median"])
                p95s.append(row["p95"])
            else:
                cells.append(f"{'failed':>20}")
        line = f"  {name:<38} " + "  ".join(f"{c:>20}" for c in cells)
        if len(medians) == len(points) and len(points) > 1:
            ratio = growth.growth_ratio(medians[0], medians[-1], points[0], points[-1])
            flat = growth.flatness(medians)
            line += f"  {ratio:10.3f}  {flat:5.2f}x  {_target(kind, flat, medians, p95s)}"
        print(line)
        for n in points:
            error = results[n]["reads"].get(name, {}).get("error")
            if error:
                print(f"      {growth.label(n)}: {error}")
    _report_seeding(results[points[-1]]["seed_steps"])


def _target(kind: str, flat: float, medians: list[float], p95s: list[float]) -> str:
    if kind == "search":
        return (
            f"flat≤{FLAT_LIMIT}x {growth.verdict(flat, FLAT_LIMIT)}; "
            f"p95≤{SEARCH_P95_MS:.0f}ms {growth.verdict(p95s[-1], SEARCH_P95_MS)}"
        )
    if kind == "page":
        return (
            f"flat≤{FLAT_LIMIT}x {growth.verdict(flat, FLAT_LIMIT)}; "
            f"p95≤{PAGE_P95_MS:.0f}ms {growth.verdict(p95s[-1], PAGE_P95_MS)}"
        )
    if kind == "summary":
        return f"≤{SUMMARY_MS:.0f}ms {growth.verdict(max(medians), SUMMARY_MS)}"
    return "-"


def _report_seeding(steps: list[list[Any]]) -> None:
    if not steps:
        return
    print("\n  seeding the largest point in steps (registry_seed over Henan's villages):")
    sizes, rates = [], []
    for households, added, seconds in steps:
        rate = added / seconds if seconds else math.nan
        print(
            f"    up to {households:>10,}: +{added:,} households in {seconds:7.0f} s"
            f" = {rate:8,.0f} households/s"
        )
        sizes.append(households - added / 2)  # the rate belongs to the middle of the step
        rates.append(rate)
    if len(steps) >= 2:
        to = growth.EXTRAPOLATE_TO
        rate = growth.extrapolate(sizes, rates, to)
        try:
            total = growth.seeding_seconds(sizes, rates, to)
            when = f"; seeding {to:,} from empty ≈ {total / 3600:.1f} h"
        except ValueError:
            when = ""
        print(f"    extrapolated (power fit): {rate:,.0f} households/s at {to:,}{when}")


# -- entry points -------------------------------------------------------------------------
def main(scale: str) -> None:
    points = growth.points_for(scale, common.OPTIONS.get("households_max"))
    print(f"  points: {', '.join(growth.label(n) for n in points)} households")
    ensure_points(points)
    results = {}
    for n in points:
        database = growth.database_for(n)
        print(f"  measuring {database} …", flush=True)
        results[n] = child(database, "--measure", capture=True)
    _report(points, results)


def _cli(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_growth")
    parser.add_argument("--build", action="store_true", help="只生成各点的数据库,不测量")
    parser.add_argument("--scale", choices=("small", "full"), default="full")
    parser.add_argument("--5m", dest="five", action="store_true")
    parser.add_argument("--households-max", type=int, default=None)
    parser.add_argument("--seed-to", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--extras", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.seed_to is not None or args.extras or args.measure:
        _setup_point()
        if args.seed_to is not None:
            _seed_to(args.seed_to)
        if args.extras:
            _extras()
        if args.measure:
            print(RESULT + json.dumps(_measure_point()), flush=True)
        return 0
    households_max = growth.FIVE_MILLION if args.five else args.households_max
    points = growth.points_for(args.scale, households_max)
    if args.build:
        print(f"building {', '.join(growth.database_for(n) for n in points)}", flush=True)
        ensure_points(points)
        print(f"done at {time.strftime('%H:%M:%S')}", flush=True)
        return 0
    common.OPTIONS["households_max"] = households_max
    common.setup()
    main(args.scale)
    return 0


if __name__ == "__main__":
    sys.exit(_cli())
