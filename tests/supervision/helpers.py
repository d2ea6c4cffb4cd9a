"""Task-list spreadsheets made in the test, and a city user to import them."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from fangpin.supervision.importing import HEADERS

ASPECTS = ("守底线", "抓衔接", "促振兴", "争一流")
ITEMS_PER_ASPECT = (6, 5, 5, 5)  # 21 items
COMPUTED = (
    "elimination_rate_households",
    "identification_on_time_rate",
    "warning_response_rate",
)


def xlsx(rows: Sequence[Sequence[Any]], headers: Sequence[str] = HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(content: bytes, name: str = "任务清单.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def full_task_list() -> list[list[Any]]:
    """4 aspects, 21 items, 38 sub-items, 95 indicators; the aspect cell is left blank after
    its first row, as merged cells read."""
    rows: list[list[Any]] = []
    item_no = sub_no = ind_no = 0
    for aspect, items in zip(ASPECTS, ITEMS_PER_ASPECT, strict=True):
        first_of_aspect = True
        for _ in range(items):
            item_no += 1
            subs = 2 if item_no <= 17 else 1  # 17*2 + 4 = 38
            for _ in range(subs):
                sub_no += 1
                count = 3 if sub_no <= 19 else 2  # 19*3 + 19*2 = 95
                for _ in range(count):
                    ind_no += 1
                    computed = ind_no <= len(COMPUTED)
                    rows.append(
                        [
                            aspect if first_of_aspect else "",
                            f"事项{item_no}",
                            f"子项{sub_no}",
                            f"指标{ind_no}",
                            "90%" if computed else 10,
                            "%" if computed else "个",
                            1,
                            "各县(市、区)",
                            "computed" if computed else "县级填报",
                            COMPUTED[ind_no - 1] if computed else "按台账统计",
                        ]
                    )
                    first_of_aspect = False
    return rows
