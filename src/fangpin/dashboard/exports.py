"""Excel downloads of the dashboard: each chart's table as it is shown on the page."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Font

from fangpin.core.excel import cell_value, neutralise, write_sheet

from .charts import Chart, Dashboard

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(title: str) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\."""
    return _SHEET_FORBIDDEN.sub("", title)[:31] or "Sheet1"


def chart_xlsx(chart: Chart) -> bytes:
    buffer = io.BytesIO()
    write_sheet(
        buffer,
        headers=chart.headers,
        rows=chart.rows,
        title=_sheet_title(chart.title),
        widths={0: 22},
    )
    return buffer.getvalue()


def dashboard_xlsx(board: Dashboard) -> bytes:
    """All charts of the page, one sheet each, after a sheet of the headline figures."""
    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "汇总"
    s = board.summary
    bold = Font(bold=True)
    first.append(["区划", f"{s.region_name}({s.region})"])
    first.append(["统计日期", s.as_of.isoformat()])
    for label, value in (
        ("纳入监测户数", s.identified_households),
        ("纳入监测人数", s.identified_persons),
        ("风险消除户数", s.eliminated_households),
        ("风险消除人数", s.eliminated_persons),
        ("户消除率", float(s.elimination_rate_households)),
        ("人消除率", float(s.elimination_rate_persons)),
        ("逾期未办结", s.overdue_cases),
        ("待核实预警", s.open_warnings),
    ):
        first.append([label, value])
    first.column_dimensions["A"].width = 18
    for chart in board.charts:
        sheet = book.create_sheet(_sheet_title(chart.title))
        sheet.append(chart.headers)
        for cell in sheet[1]:
            cell.font = bold
        for row in chart.rows:
            sheet.append([cell_value(v) for v in row])
            for cell in sheet[sheet.max_row]:
                neutralise(cell)
        sheet.column_dimensions["A"].width = 22
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
