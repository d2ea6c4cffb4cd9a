"""Excel downloads of the board's lists, as shown on the pages."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from fangpin.core.excel import write_sheet

from ..models import Problem
from .rating import REASON_LABELS

PROBLEM_HEADERS = [
    "村代码",
    "村",
    "户编号",
    "户主",
    "普查轮次",
    "问题类型",
    "问题描述",
    "责任单位",
    "整改时限",
    "状态",
    "是否逾期",
    "整改措施",
    "整改日期",
    "销号日期",
]


def problems_xlsx(qs: QuerySet[Problem], today: dt.date) -> bytes:
    def rows() -> Iterator[list[Any]]:
        for p in qs.iterator(chunk_size=2000):
            yield [
                p.village_id,
                p.village.name,
                p.household.number if p.household else "",
                p.household.head_name if p.household else "",
                p.census_round.name if p.census_round else "",
                p.get_type_display(),
                p.description,
                p.responsible_unit,
                p.deadline.isoformat(),
                p.get_status_display(),
                "是" if p.is_overdue(today) else "否",
                p.measures,
                p.rectified_on.isoformat() if p.rectified_on else "",
                p.closed_on.isoformat() if p.closed_on else "",
            ]

    buffer = io.BytesIO()
    write_sheet(
        buffer,
        headers=PROBLEM_HEADERS,
        rows=rows(),
        title="普查问题",
        text_columns=(0, 2),
        widths={0: 16, 1: 14, 6: 40},
    )
    return buffer.getvalue()


def ratings_xlsx(overview: Any) -> bytes:
    """Shares by region one level below, then every village with its rating and reasons."""
    from openpyxl import Workbook

    from fangpin.core.excel import cell_value, neutralise

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "占比"
    sheet.append(["区划代码", "区划", "村数", "放心村", "放心村占比", "标杆村", "标杆村占比"])
    for g in [*overview.groups, overview.total]:
        sheet.append(
            [
                g.code,
                g.name,
                g.villages,
                g.safe,
                float(g.safe_share),
                g.benchmark,
                float(g.benchmark_share),
            ]
        )
    villages = book.create_sheet("各村")
    villages.append(["村代码", "村", "放心村", "标杆村", "未达放心村的原因"])
    for v in overview.villages:
        reasons = ";".join(f"{REASON_LABELS[r.code]}:{r.detail}" for r in v.reasons)
        villages.append(
            [
                v.code,
                cell_value(v.name),
                "是" if v.safe else "否",
                "是" if v.benchmark else "否",
                cell_value(reasons),
            ]
        )
        for cell in villages[villages.max_row]:
            neutralise(cell)
    for ws in (sheet, villages):
        ws.column_dimensions["A"].width = 16
        ws.column_dimensions["B"].width = 22
    villages.column_dimensions["E"].width = 80
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rules_xlsx(rules: Any) -> bytes:
    buffer = io.BytesIO()
    write_sheet(
        buffer,
        headers=["适用区划代码", "适用区划", "标题", "版本", "施行日期", "正文"],
        rows=(
            [r.region_id, r.region.name, r.title, r.version, r.effective_on.isoformat(), r.body]
            for r in rules
        ),
        title="制度",
        text_columns=(0,),
        widths={0: 14, 1: 20, 2: 30, 5: 80},
    )
    return buffer.getvalue()
