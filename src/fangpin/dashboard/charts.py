"""The dashboard's charts: the same numbers as a table, an ECharts option and an Excel sheet.

Identified/eliminated, categories, risk types, overdue cases and open warnings come from
`SummaryQuery` (the one summary of CONTRACT §4, read from the maintained counters) — for the
region and for each of its child regions — so the page and `GET /stats/summary` never
disagree. Only the monthly trend, which the summary has no dimension for, is counted here:
one grouped query per series on the cases' approval dates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from fangpin.accounts.models import User
from fangpin.core.scoping import region_q
from fangpin.monitoring import clock
from fangpin.monitoring.models import Case, State
from fangpin.regions.models import Level, Region
from fangpin.regions.selectors import region_children

from .summary import Summary, SummaryQuery

TREND_MONTHS = 12
RED, BLUE, ORANGE, GREY = "#b3261e", "#2f6fb3", "#d9822b", "#8c959f"
CHILD_NAMES = {
    Level.PROVINCE: "市",
    Level.CITY: "县(市、区)",
    Level.COUNTY: "乡镇",
    Level.TOWNSHIP: "村",
}


@dataclass
class Chart:
    key: str
    title: str
    headers: list[str]
    rows: list[list[Any]]
    option: dict[str, Any] = field(default_factory=dict)
    height: int = 320
    # Region code of each row, for rows that name a child region (drill-down links).
    links: list[str] = field(default_factory=list)

    @property
    def linked_rows(self) -> list[tuple[list[Any], str]]:
        links = self.links or [""] * len(self.rows)
        return list(zip(self.rows, links, strict=True))


@dataclass
class Dashboard:
    region: Region
    summary: Summary
    children: list[tuple[Region, Summary]]
    charts: list[Chart]

    def chart(self, key: str) -> Chart | None:
        return next((c for c in self.charts if c.key == key), None)


def _bars(
    categories: list[str],
    series: list[tuple[str, list[int], str]],
    *,
    horizontal: bool = False,
) -> dict[str, Any]:
    category_axis = {
        "type": "category",
        "data": categories,
        "axisLabel": {"interval": 0, "rotate": 0 if horizontal or len(categories) <= 6 else 35},
    }
    value_axis = {"type": "value", "minInterval": 1}
    return {
        "tooltip": {"trigger": "axis", "renderMode": "richText"},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "bottom": 8, "top": 36, "containLabel": True},
        "xAxis": value_axis if horizontal else category_axis,
        "yAxis": category_axis if horizontal else value_axis,
        "series": [
            {"name": name, "type": "bar", "data": data, "itemStyle": {"color": color}}
            for name, data, color in series
        ],
    }


def _months(today: dt.date) -> list[dt.date]:
    first = today.replace(day=1)
    return [clock.add_months(first, -i) for i in range(TREND_MONTHS - 1, -1, -1)]


def monthly_trend(region: Region, today: dt.date) -> list[tuple[dt.date, int, int, int, int]]:
    """(month, identified households, persons, eliminated households, persons) per month."""
    months = _months(today)
    cases = Case.objects.filter(region_q("village_id", region.prefix))

    def per_month(date_field: str, **extra: Any) -> dict[dt.date, tuple[int, int]]:
        rows = (
            cases.filter(**{f"{date_field}__gte": months[0]}, **extra)
            .annotate(month=TruncMonth(date_field))
            .values("month")
            .annotate(h=Count("id"), p=Sum("members_at_approval"))
            .order_by()
        )
        out: dict[dt.date, tuple[int, int]] = {}
        for row in rows:
            month = row["month"]
            if isinstance(month, dt.datetime):
                month = month.date()
            out[month] = (row["h"] or 0, row["p"] or 0)
        return out

    identified = per_month("identified_on")
    eliminated = per_month("eliminated_on", state=State.ELIMINATED)
    return [(m, *identified.get(m, (0, 0)), *eliminated.get(m, (0, 0))) for m in months]


def dashboard_for(*, user: User, region: Region, today: dt.date | None = None) -> Dashboard:
    """Every chart for `region` (already checked to lie in the user's scope)."""
    today = today or clock.today()
    summary = SummaryQuery(region=region, today=today).calculate()
    children = [
        (child, SummaryQuery(region=child, today=today).calculate())
        for child in region_children(user=user, code=region.code)
    ]
    child_name = CHILD_NAMES.get(Level(region.level), "下级区划")
    charts: list[Chart] = []

    if children:
        names = [c.name for c, _ in children]
        charts.append(
            Chart(
                key="by_region",
                title=f"各{child_name}纳入与消除(户)",
                headers=[child_name, "纳入户数", "纳入人数", "消除户数", "消除人数", "户消除率"],
                rows=[
                    [
                        c.name,
                        s.identified_households,
                        s.identified_persons,
                        s.eliminated_households,
                        s.eliminated_persons,
                        f"{s.elimination_rate_households:.2%}",
                    ]
                    for c, s in children
                ],
                links=[c.code for c, _ in children],
                option=_bars(
                    names,
                    [
                        ("纳入", [s.identified_households for _, s in children], RED),
                        ("消除", [s.eliminated_households for _, s in children], BLUE),
                    ],
                ),
            )
        )

    charts.append(
        Chart(
            key="by_category",
            title="按监测对象类别纳入",
            headers=["类别", "户数", "人数"],
            rows=[[b.label, b.households, b.persons] for b in summary.by_category],
            option=_bars(
                [b.label for b in summary.by_category],
                [
                    ("户数", [b.households for b in summary.by_category], RED),
                    ("人数", [b.persons for b in summary.by_category], ORANGE),
                ],
            ),
        )
    )

    risks = sorted(summary.by_risk_type, key=lambda b: b.households)
    charts.append(
        Chart(
            key="by_risk_type",
            title="按风险类型纳入(一户可有多项)",
            headers=["风险类型", "户数", "人数"],
            rows=[[b.label, b.households, b.persons] for b in reversed(risks)],
            option=_bars(
                [b.label for b in risks],
                [("户数", [b.households for b in risks], RED)],
                horizontal=True,
            ),
            height=max(240, 40 + 28 * len(risks)),
        )
    )

    trend = monthly_trend(region, today)
    labels = [f"{m:%Y-%m}" for m, *_ in trend]
    charts.append(
        Chart(
            key="monthly",
            title=f"近 {TREND_MONTHS} 个月纳入与消除(户)",
            headers=["月份", "纳入户数", "纳入人数", "消除户数", "消除人数"],
            rows=[
                [label, ih, ip, eh, ep]
                for label, (_, ih, ip, eh, ep) in zip(labels, trend, strict=True)
            ],
            option={
                "tooltip": {"trigger": "axis", "renderMode": "richText"},
                "legend": {"top": 0},
                "grid": {"left": 8, "right": 16, "bottom": 8, "top": 36, "containLabel": True},
                "xAxis": {"type": "category", "data": labels, "axisLabel": {"rotate": 35}},
                "yAxis": {"type": "value", "minInterval": 1},
                "series": [
                    {
                        "name": "纳入",
                        "type": "line",
                        "data": [t[1] for t in trend],
                        "itemStyle": {"color": RED},
                    },
                    {
                        "name": "消除",
                        "type": "line",
                        "data": [t[3] for t in trend],
                        "itemStyle": {"color": BLUE},
                    },
                ],
            },
        )
    )

    places = children or [(region, summary)]
    charts.append(
        Chart(
            key="overdue",
            title="逾期未办结与待核实预警",
            headers=[child_name if children else "区划", "逾期未办结(户)", "待核实预警(条)"],
            rows=[[c.name, s.overdue_cases, s.open_warnings] for c, s in places],
            links=[c.code for c, _ in children],
            option=_bars(
                [c.name for c, _ in places],
                [
                    ("逾期未办结", [s.overdue_cases for _, s in places], RED),
                    ("待核实预警", [s.open_warnings for _, s in places], GREY),
                ],
            ),
        )
    )
    return Dashboard(region=region, summary=summary, children=children, charts=charts)
