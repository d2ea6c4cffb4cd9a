"""Excel import of a census round's problems: every wrong cell reported as (row, column, what
to do), nothing written unless every row is right; a dry run writes nothing at all.

The file passes the upload gate (core.files, through core.excel.read_first_sheet) before it is
read. Rows are checked for form here, then each goes through `problem_create` inside one
transaction that is rolled back if any row was refused, so the rules are the service's own.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from fangpin.accounts.models import User
from fangpin.core import excel
from fangpin.core.errors import BadValue, FangpinError, Forbidden, NotFound
from fangpin.core.files import FileTooComplex, FileTooLarge
from fangpin.registry.models import Household

from ..models import ProblemType
from . import services
from .error_codes import BoardErrorCode

HEADERS = ["村代码", "户编号", "问题类型", "问题描述", "责任单位", "整改时限"]
REQUIRED = {"村代码", "问题类型", "问题描述", "责任单位", "整改时限"}
MAX_ROWS = 5_000
MAX_PROBLEMS = 200
TYPES = {label: value for value, label in ProblemType.choices} | {
    value: value for value in ProblemType.values
}
# Which column a service refusal is about.
CODE_COLUMN = {
    BoardErrorCode.INVALID_REGION: "村代码",
    BoardErrorCode.NOT_A_VILLAGE: "村代码",
    BoardErrorCode.ROUND_NOT_COVERING_VILLAGE: "村代码",
    BoardErrorCode.HOUSEHOLD_NOT_IN_VILLAGE: "户编号",
    BoardErrorCode.INVALID_PROBLEM_TYPE: "问题类型",
    BoardErrorCode.MISSING_TEXT: "问题描述",
}


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"第{self.row}行 {self.column}:{self.message}" if self.row else self.message


@dataclass
class ImportResult:
    dry_run: bool
    rows: int = 0
    written: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def summary(self) -> str:
        if self.problems:
            return f"发现 {len(self.problems)} 处问题,没有写入任何数据;请按提示修改后重新上传"
        if self.dry_run:
            return f"检查通过:{self.rows} 行均可导入(试导入,未写入)"
        return f"已导入 {self.written} 个问题"


def template_xlsx() -> bytes:
    """The import template: the headers and one example row."""
    buffer = io.BytesIO()
    example = ["410421101201", "", "住房安全", "房屋墙体开裂,需鉴定", "住建局", "2026-12-31"]
    excel.write_sheet(
        buffer,
        headers=HEADERS,
        rows=[example],
        title="普查问题",
        text_columns=(0, 1, 5),
        widths={0: 16, 1: 16, 2: 14, 3: 40, 4: 16, 5: 14},
    )
    return buffer.getvalue()


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = excel.text(value).replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError("日期格式应为 2026-12-31") from None


def problems_import(
    *, user: User, source: Any, round_id: int | None, dry_run: bool
) -> ImportResult:
    """Check a problems file and, unless `dry_run` or any row is wrong, write every row."""
    if user.role not in services.PROBLEM_ROLES:
        raise Forbidden("只有村、乡镇和县级用户可以导入问题")
    result = ImportResult(dry_run=dry_run)
    try:
        raw = excel.read_first_sheet(source)
    except (FileTooLarge, FileTooComplex):
        raise
    except BadValue as exc:
        result.problems.append(RowProblem(0, "", exc.detail))
        return result
    header = [excel.text(v) for v in raw[0]]
    missing = [h for h in HEADERS if h not in header]
    if missing:
        result.problems.append(
            RowProblem(1, "表头", f"缺少列:{'、'.join(missing)};请使用下载的导入模板")
        )
        return result
    where = {h: header.index(h) for h in HEADERS}
    if len(raw) - 1 > MAX_ROWS:
        result.problems.append(RowProblem(0, "", f"一次最多导入 {MAX_ROWS} 行,请分批导入"))
        return result
    rows: list[tuple[int, dict[str, Any]]] = []
    for line, values in enumerate(raw[1:], start=2):
        if all(excel.is_blank(v) for v in values):
            continue
        cells = {h: (values[i] if i < len(values) else "") for h, i in where.items()}
        result.rows += 1
        parsed = _parse(line, cells, result)
        if parsed is not None:
            rows.append((line, parsed))
        if len(result.problems) >= MAX_PROBLEMS:
            break
    if result.rows == 0 and not result.problems:
        result.problems.append(RowProblem(0, "", "文件中只有表头,没有数据行"))
    if result.problems:
        return result
    with transaction.atomic():
        for line, parsed in rows:
            try:
                services.problem_create(user=user, round_id=round_id, **parsed)
            except NotFound:
                result.problems.append(
                    RowProblem(line, "村代码", "该村不在您的管辖范围内(或普查轮次不存在),请核对")
                )
            except FangpinError as exc:
                column = CODE_COLUMN.get(exc.code, "")  # type: ignore[call-overload]
                result.problems.append(RowProblem(line, column, exc.detail))
            else:
                result.written += 1
        if result.problems or dry_run:
            transaction.set_rollback(True)
            result.written = 0
    return result


def _parse(line: int, cells: dict[str, Any], result: ImportResult) -> dict[str, Any] | None:
    ok = True
    for column in HEADERS:
        if column in REQUIRED and excel.is_blank(cells[column]):
            result.problems.append(RowProblem(line, column, "不能为空,请填写"))
            ok = False
    if not ok:
        return None
    village = excel.text(cells["村代码"]).replace(" ", "")
    if excel.digits_lost(cells["村代码"]) or not village.isdigit() or len(village) != 12:
        result.problems.append(
            RowProblem(line, "村代码", "应为 12 位数字的村级区划代码,请将单元格设为文本格式")
        )
        ok = False
    kind = TYPES.get(excel.text(cells["问题类型"]))
    if kind is None:
        choices = "、".join(label for _, label in ProblemType.choices)
        result.problems.append(RowProblem(line, "问题类型", f"应为以下之一:{choices}"))
        ok = False
    try:
        deadline = _date(cells["整改时限"])
    except ValueError as exc:
        result.problems.append(RowProblem(line, "整改时限", str(exc)))
        ok = False
    description = excel.text(cells["问题描述"])
    unit = excel.text(cells["责任单位"])
    if len(description) > 5000 or len(unit) > 100:
        column = "问题描述" if len(description) > 5000 else "责任单位"
        result.problems.append(RowProblem(line, column, "内容过长,请精简"))
        ok = False
    household_id = None
    number = excel.text(cells["户编号"]).replace(" ", "")
    if number and ok:
        found = Household.objects.filter(number=number).values_list("id", "village_id").first()
        if found is None or found[1] != village:
            result.problems.append(
                RowProblem(line, "户编号", "该村没有这个户编号的农户,请核对户编号和村代码")
            )
            ok = False
        else:
            household_id = found[0]
    if not ok:
        return None
    return {
        "village_code": village,
        "household_id": household_id,
        "type": kind,
        "description": description,
        "responsible_unit": unit,
        "deadline": deadline,
    }
