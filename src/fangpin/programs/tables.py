"""The programs pages' tables: one definition gives the page's table and its Excel file."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from fangpin.core.excel import cell_value, neutralise, write_sheet
from fangpin.policy.services import parameter_int

from . import selectors
from .models import (
    Asset,
    AssetClass,
    FundAllocation,
    FundLevel,
    Project,
    ProjectStatus,
    Purpose,
    Talent,
    Workshop,
    WorkshopType,
)
from .models.assets import RIGHTS
from .selectors import Panel, money
from .tables_assets import asset_work_chart, asset_work_rows


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list[Any]]
    flagged: list[bool]
    flag_label: str = ""

    @property
    def lines(self) -> list[tuple[list[tuple[str, Any]], bool]]:
        return [
            (list(zip(self.headers, row, strict=True)), flag)
            for row, flag in zip(self.rows, self.flagged, strict=True)
        ]

    def xlsx(self) -> bytes:
        buffer = io.BytesIO()
        write_sheet(buffer, headers=self.headers, rows=self.rows, title=self.title[:31])
        return buffer.getvalue()


def _label(choices: Any, value: str) -> str:
    return str(dict(choices.choices).get(value, value))


def _table(
    key: str,
    title: str,
    headers: list[str],
    objects: Iterable[Any],
    row: Callable[[Any], list[Any]],
    flag: Callable[[Any], bool] = lambda o: False,
    flag_label: str = "",
) -> Table:
    items = list(objects)
    return Table(
        key=key,
        title=title,
        headers=headers,
        rows=[row(o) for o in items],
        flagged=[flag(o) for o in items],
        flag_label=flag_label,
    )


def funds_table(qs: Iterable[FundAllocation]) -> Table:
    return _table(
        "funds",
        "衔接资金",
        ["年度", "县", "资金级别", "用途", "金额(元)", "文号或说明"],
        qs,
        lambda f: [
            f.year,
            f.county.name,
            _label(FundLevel, f.level),
            _label(Purpose, f.purpose),
            money(f.amount),
            f.note,
        ],
    )


def projects_table(qs: Iterable[Project], today: dt.date) -> Table:
    return _table(
        "projects",
        "帮扶项目",
        [
            "项目名称",
            "类型",
            "年度",
            "实施地点",
            "预算(元)",
            "已支出(元)",
            "支出进度",
            "状态",
            "受益户数",
            "支出滞后",
        ],
        qs,
        lambda p: [
            p.name,
            _label(Purpose, p.type),
            p.year,
            p.village.name,
            money(p.budget),
            money(p.spent),
            f"{selectors.share_money(p.spent, p.budget):.2%}",
            _label(ProjectStatus, p.status),
            p.households_benefiting,
            "是" if selectors.project_lagging(p, today) else "否",
        ],
        lambda p: selectors.project_lagging(p, today),
        "支出滞后于进度",
    )


def assets_table(qs: Iterable[Asset]) -> Table:
    return _table(
        "assets",
        "项目资产",
        ["资产名称", "类别", "价值(元)", "所在村", *[label for _, label in RIGHTS], "六权明晰"],
        qs,
        lambda a: [
            a.name,
            _label(AssetClass, a.asset_class),
            money(a.value),
            a.village.name,
            *[getattr(a, key) or "未明确" for key, _ in RIGHTS],
            "是" if a.rights_complete else "否",
        ],
        lambda a: not a.rights_complete,
        "六权未全部明确",
    )


def workshops_table(qs: Iterable[Workshop]) -> Table:
    minimum = parameter_int("workshop_min_alleviated_workers")
    return _table(
        "workshops",
        "帮扶车间",
        [
            "车间名称",
            "类型",
            "所在村",
            "经营主体",
            "务工人数",
            "其中脱贫人口",
            f"脱贫人口不足{minimum}人",
        ],
        qs,
        lambda w: [
            w.name,
            _label(WorkshopType, w.type),
            w.village.name,
            w.owner,
            getattr(w, "n_workers", 0),
            getattr(w, "n_alleviated", 0),
            "是" if getattr(w, "n_alleviated", 0) < minimum else "否",
        ],
        lambda w: getattr(w, "n_alleviated", 0) < minimum,
        f"吸纳脱贫人口不足{minimum}人",
    )


def talents_table(qs: Iterable[Talent]) -> Table:
    return _table(
        "talents",
        "人才库",
        ["姓名", "籍贯村", "专长", "现所在地", "已返乡创业", "创业项目", "联系电话"],
        qs,
        lambda t: [
            t.name,
            t.origin_village.name,
            t.skill,
            t.location,
            "是" if t.returned else "否",
            t.project,
            t.phone,
        ],
    )


def three_haves_table(rows: list[tuple[Any, Any]]) -> Table:
    def yes(flag: bool) -> str:
        return "是" if flag else "否"

    return _table(
        "three_haves",
        "三有一持续",
        ["户编号", "户主", "村", "脱贫户", "有产业", "有就业", "有收入", "持续"],
        rows,
        lambda r: [
            r[0].number,
            r[0].head_name,
            r[0].village.name,
            yes(r[0].is_alleviated),
            yes(r[1].industry),
            yes(r[1].employment),
            yes(r[1].income),
            yes(r[1].sustained),
        ],
        lambda r: not r[1].sustained,
        "未达到三有一持续",
    )


# ---------------------------------------------------------------- the panel


def panel_rows(p: Panel) -> list[tuple[str, str, Any]]:
    """(section, label, value) of every figure the panel page shows."""
    three = p.three_haves.as_json()
    f = p.funds
    return [
        ("衔接资金", "资金总额(元)", money(f.total)),
        *[
            ("衔接资金", f"{_label(FundLevel, level)}资金(元)", money(amount))
            for level, amount in f.by_level.items()
        ],
        ("衔接资金", "产业发展占比", pct(f.industry_share)),
        ("衔接资金", "上年资金总额(元)", money(f.previous_year_total)),
        ("衔接资金", "同比增减", pct(f.change_rate)),
        ("项目", "当年项目数", p.projects),
        ("项目", "预算(元)", money(p.projects_budget)),
        ("项目", "已支出(元)", money(p.projects_spent)),
        ("项目", "支出进度", pct(p.spending_progress)),
        ("项目", "支出滞后项目", p.projects_lagging),
        ("资产", "项目资产数", p.assets),
        ("资产", "资产价值(元)", money(p.assets_value)),
        ("资产", "六权未明确", p.assets_incomplete),
        ("产业", "经营主体", p.entities),
        ("产业", "其中龙头企业", p.entities_leading),
        ("产业", "联农带农户数", p.linked_households),
        *[
            ("产业", f"{label}(元)", money(p.links_amount.get(kind)))
            for kind, label in (
                ("rent", "租金"),
                ("wage", "薪金"),
                ("dividend", "股金"),
                ("asset_income", "利金"),
            )
        ],
        ("就业", "帮扶车间", p.workshops),
        ("就业", "务工人数", p.workshop_workers),
        ("就业", "其中脱贫人口", p.workshop_alleviated_workers),
        ("就业", "脱贫人口不足标准的车间", p.workshops_flagged),
        ("人才", "人才", p.talents),
        ("人才", "返乡创业", p.talents_returned),
        ("三有一持续", "脱贫户和监测户", three["households"]),
        ("三有一持续", "有产业", three["industry"]),
        ("三有一持续", "有就业", three["employment"]),
        ("三有一持续", "有收入", three["income"]),
        ("三有一持续", "三有", three["all_three"]),
        ("三有一持续", "三有一持续", three["sustained"]),
        ("三有一持续", "三有一持续占比", pct(p.three_haves.as_json()["sustained_share"])),
        *asset_work_rows(p.asset_work),
    ]


def pct(value: Any) -> str:
    return "—" if value is None else f"{float(value):.2%}"


def figures_xlsx(title: str, name: str, region: str, year: int, rows: Iterable[Any]) -> bytes:
    """A panel's figures as one sheet (区划, 年度, then 方面/指标/数值 rows), values neutralised."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    sheet.append(["区划", f"{name}({region})", ""])
    sheet.append(["年度", year, ""])
    sheet.append(["方面", "指标", "数值"])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([cell_value(v) for v in row])
        for cell in sheet[sheet.max_row]:
            neutralise(cell)
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 24
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def panel_xlsx(p: Panel) -> bytes:
    return figures_xlsx("项目资金看板", p.name, p.region, p.year, panel_rows(p))


def panel_charts(p: Panel) -> list[dict[str, Any]]:
    """ECharts options: funds by level, and the 三有一持续 shares."""
    levels = [_label(FundLevel, k) for k in p.funds.by_level]
    three = p.three_haves.as_json()
    names = ["有产业", "有就业", "有收入", "三有", "三有一持续"]
    keys = ["industry", "employment", "income", "all_three", "sustained"]
    charts = [
        {
            "key": "funds",
            "title": "衔接资金分级构成(元)",
            "option": {
                "tooltip": {"trigger": "item"},
                "series": [
                    {
                        "type": "pie",
                        "radius": "60%",
                        "data": [
                            {"name": n, "value": float(v)}
                            for n, v in zip(levels, p.funds.by_level.values(), strict=True)
                        ],
                    }
                ],
            },
        },
        {
            "key": "three",
            "title": "三有一持续(占脱贫户和监测户比例)",
            "option": {
                "tooltip": {"trigger": "axis"},
                "xAxis": {"type": "category", "data": names},
                "yAxis": {"type": "value", "max": 1, "axisLabel": {"formatter": "{value}"}},
                "series": [
                    {
                        "type": "bar",
                        "data": [three[f"{k}_share"] for k in keys],
                        "itemStyle": {"color": "#2f6fb3"},
                    }
                ],
            },
        },
    ]
    return [*charts, asset_work_chart(p.asset_work)]
