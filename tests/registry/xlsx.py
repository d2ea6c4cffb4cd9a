"""Real .xlsx files for import tests, written with openpyxl."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook

from fangpin.registry.importing import HEADERS


def person_row(number: str, village: str, name: str, id_number: Any, relation: str, **extra: Any):
    row = {
        "户编号": number,
        "村代码": village,
        "姓名": name,
        "身份证号": id_number,
        "与户主关系": relation,
        "是否脱贫户": extra.pop("是否脱贫户", "否"),
    }
    row.update(extra)
    return row


def write_xlsx(path: Path, rows: list[dict[str, Any]], headers: tuple[str, ...] = HEADERS) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append([row.get(h, None) for h in headers])
    book.save(path)
    return path


def read_xlsx(path: Path) -> list[list[Any]]:
    from openpyxl import load_workbook

    sheet = load_workbook(path, read_only=True).worksheets[0]
    return [list(r) for r in sheet.iter_rows(values_only=True)]
