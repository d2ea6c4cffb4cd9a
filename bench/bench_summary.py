"""The city summary (`GET /stats/summary`) at scale: maintained counters against counting.

Data: the registry at the scale's size (`common.ensure_registry`), and cases for about 1.7% of
its households (the seed's share: 16,651 of roughly a million), bulk-inserted in SQL — 36%
eliminated, 54% monitored, 10% still in identification (some overdue) — with the village
counters rebuilt from them (`dashboard.counters.counters_rebuild`, timed and shown, not part
of the request).

Measured: `dashboard.summary.SummaryQuery(region=<city>).calculate()` — what the endpoint and
`fangpin stats` run — median and p95 of 30 runs; then the same at every level below (the
county, township and village with the most cases; the province too once its region exists),
each against the city's plain COUNT (target: every summary ≤ 50 ms at any level).

Baselines, same run, same data:
- plain COUNT: `SELECT count(*) FROM registry_membership WHERE ended_on IS NULL` — counting
  the city's current persons once, the least any per-request person count costs;
- counting summary: identified/eliminated households and persons computed per request by
  joining the cases to their current members (what the summary would cost without counters).
Ratio = summary median ÷ baseline median. The figures are checked equal to the counting one.
"""

from __future__ import annotations

import datetime as dt
import time

from bench import common

ORDER = 40
RUNS = 30
# One household in SHARE_MODULUS gets a case (1/59 ≈ 1.7%).
SHARE_MODULUS = 59

IDENTIFIED = (
    "'monitored','eliminated','elimination_reported','elimination_verified',"
    "'elimination_deliberated','elimination_publicized','elimination_township_approved'"
)
COUNTING_SQL = f"""
SELECT count(DISTINCT c.id) FILTER (WHERE c.state IN ({IDENTIFIED})),
       count(m.id) FILTER (WHERE c.state IN ({IDENTIFIED})),
       count(DISTINCT c.id) FILTER (WHERE c.state = 'eliminated'),
       count(m.id) FILTER (WHERE c.state = 'eliminated')
FROM monitoring_case c
JOIN registry_membership m ON m.household_id = c.household_id AND m.ended_on IS NULL
WHERE c.village_id BETWEEN %s AND %s
"""
PLAIN_COUNT_SQL = "SELECT count(*) FROM registry_membership WHERE ended_on IS NULL"

INSERT_CASES_SQL = """
INSERT INTO monitoring_case (
    household_id, village_id, state, channel, category, risk_types, description,
    discovered_on, deadline, deadline_provisional, identified_on, eliminated_on,
    elimination_mode, rejected_reason, members_at_approval, members_snapshot, version,
    created_at, updated_at, objection)
SELECT h.id, h.village_id,
       CASE WHEN (h.id / %(mod)s) %% 100 < 36 THEN 'eliminated'
            WHEN (h.id / %(mod)s) %% 100 < 90 THEN 'monitored'
            ELSE 'reported' END,
       'cadre_visit',
       CASE WHEN h.is_alleviated THEN 'unstable' ELSE 'marginal' END,
       CASE (h.id / %(mod)s) %% 4 WHEN 0 THEN '["01"]'::jsonb WHEN 1 THEN '["01", "03"]'::jsonb
            WHEN 2 THEN '["07"]'::jsonb ELSE '["0203", "09"]'::jsonb END,
       '', %(discovered)s, %(deadline)s, false,
       CASE WHEN (h.id / %(mod)s) %% 100 < 90 THEN %(identified)s END,
       CASE WHEN (h.id / %(mod)s) %% 100 < 36 THEN %(eliminated)s END,
       CASE WHEN (h.id / %(mod)s) %% 100 < 36 THEN 'natural' ELSE '' END,
       '',
       CASE WHEN (h.id / %(mod)s) %% 100 < 90 THEN
            (SELECT count(*) FROM registry_membership m
             WHERE m.household_id = h.id AND m.ended_on IS NULL) END,
       '[]'::jsonb, 1, now(), now(), ''
FROM registry_household h
WHERE h.id %% %(mod)s = 0
"""


def _cases_truncate() -> None:
    from django.db import connection

    if not common.is_dedicated_database():
        raise SystemExit(f"数据库 {common.database_name()} 不是专用基准数据库,拒绝清空监测对象")
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE monitoring_caseevent, monitoring_measure, monitoring_historicalmeasure, "
            "monitoring_historicalcase, monitoring_case, dashboard_regioncounter CASCADE"
        )


def _prepare_cases() -> int:
    from django.db import connection

    _cases_truncate()
    today = dt.date.today()
    with connection.cursor() as cursor:
        cursor.execute(
            INSERT_CASES_SQL,
            {
                "mod": SHARE_MODULUS,
                "discovered": today - dt.timedelta(days=400),
                "deadline": today - dt.timedelta(days=379),
                "identified": today - dt.timedelta(days=380),
                "eliminated": today - dt.timedelta(days=30),
            },
        )
        created = cursor.rowcount
        cursor.execute("ANALYZE monitoring_case")
    return created


def main(scale: str) -> None:
    try:
        _measure(scale)
    finally:
        # The synthetic cases would change what later benchmarks (screening) find.
        _cases_truncate()


def _measure(scale: str) -> None:
    from django.db import connection

    from fangpin.core.scoping import code_range
    from fangpin.dashboard.counters import counters_rebuild
    from fangpin.dashboard.summary import SummaryQuery
    from fangpin.regions.models import Region

    total = common.ensure_registry(scale)
    started = time.perf_counter()
    cases = _prepare_cases()
    insert_s = time.perf_counter() - started
    started = time.perf_counter()
    counter_rows = counters_rebuild()
    rebuild_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE dashboard_regioncounter")

    city = Region.objects.get(code="410400")
    low, high = code_range(city.prefix)
    query = SummaryQuery(region=city, today=dt.date.today())

    def counting() -> tuple[int, ...]:
        with connection.cursor() as cursor:
            cursor.execute(COUNTING_SQL, [low, high])
            row = cursor.fetchone()
        return tuple(int(x) for x in row)

    def plain() -> int:
        with connection.cursor() as cursor:
            cursor.execute(PLAIN_COUNT_SQL)
            return int(cursor.fetchone()[0])

    for _ in range(3):  # warm plans and caches on all three
        query.calculate()
        counting()
        plain()
    summary_t, counting_t, plain_t = [], [], []
    for _ in range(RUNS):
        summary_t.append(common.timed(query.calculate))
        counting_t.append(common.timed(counting))
        plain_t.append(common.timed(plain))

    result = query.calculate()
    expected = counting()
    got = (
        result.identified_households,
        result.identified_persons,
        result.eliminated_households,
        result.eliminated_persons,
    )
    persons = plain()
    print(f"  households   {total:,}; current persons {persons:,}; cases {cases:,}")
    print(
        f"  set-up       cases inserted in {insert_s:.1f} s; counters rebuilt in {rebuild_s:.1f} s"
        f" ({counter_rows:,} village rows)"
    )
    print(
        f"  summary      identified {got[0]:,} households / {got[1]:,} persons; eliminated "
        f"{got[2]:,} / {got[3]:,}; rates {result.elimination_rate_households} / "
        f"{result.elimination_rate_persons}; overdue {result.overdue_cases:,}"
    )
    print(
        f"  check        counters {'equal' if got == expected else 'DIFFER from'} the counting"
        f" query {expected}"
    )
    s_ms = common.median_ms(summary_t)
    header = f"{'what (city 410400, ' + str(RUNS) + ' runs)':<44} {'median':>10} {'p95':>10}"
    print(f"  {header}  summary ÷ it")
    for label, samples in (
        ("summary from counters (SummaryQuery)", summary_t),
        ("baseline: plain COUNT of current persons", plain_t),
        ("baseline: counting summary (cases ⋈ members)", counting_t),
    ):
        ms = common.median_ms(samples)
        print(
            f"  {label:<44} {ms:7.2f} ms {common.p95_ms(samples):7.2f} ms  {common.ratio(s_ms, ms)}"
        )
    _levels(plain_t)


def _levels(plain_t: list[float]) -> None:
    """The summary at each level: province (if loaded), city, and the county, township and
    village holding the most cases (prefix-generic: the cuts of 统计用区划代码)."""
    from django.db import connection

    from fangpin.dashboard.summary import SummaryQuery
    from fangpin.regions.models import Region

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT village_id FROM monitoring_case GROUP BY village_id "
            "ORDER BY count(*) DESC, village_id LIMIT 1"
        )
        village = cursor.fetchone()[0]
    prefixes = [village[:2], village[:4], village[:6], village[:9], village]
    regions = [r for p in prefixes for r in Region.objects.filter(prefix=p)[:1]]
    base = common.median_ms(plain_t)
    print(f"  {'level':<44} {'median':>10} {'p95':>10}  ÷ plain COUNT")
    for region in regions:
        query = SummaryQuery(region=region, today=dt.date.today())
        query.calculate()
        samples = [common.timed(query.calculate) for _ in range(RUNS)]
        ms = common.median_ms(samples)
        label = f"summary {region.level} {region.code} {region.name}"[:44]
        p95 = common.p95_ms(samples)
        print(f"  {label:<44} {ms:7.2f} ms {p95:7.2f} ms  {common.ratio(ms, base)}")
