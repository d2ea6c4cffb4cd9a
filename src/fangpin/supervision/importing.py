"""The task list import (CONTRACT §9): one row per indicator, all or nothing, row-level errors.

Headers 方面 · 事项 · 子项 · 指标 · 目标值 · 单位 · 权重 · 责任单位 · 数据来源 · 计算公式
(required), and optionally 方向 · 牵头领导 · 进度安排 · 佐证材料. A blank 方面, 事项 or 子项
repeats the one above (the merged cells of a county's spreadsheet read as blanks).
`数据来源` = computed (or 系统计算) names a formula of the catalogue in `计算公式`; any other
source is reported by the owner.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from fangpin.core import excel
from fangpin.core.indicators import FORMULAS

from .models import Direction, Source

HEADERS: tuple[str, ...] = (
    "方面",
    "事项",
    "子项",
    "指标",
    "目标值",
    "单位",
    "权重",
    "责任单位",
    "数据来源",
    "计算公式",
)
OPTIONAL_HEADERS: tuple[str, ...] = ("方向", "牵头领导", "进度安排", "佐证材料")
COMPUTED = {"computed", "系统计算", "自动计算"}
DIRECTIONS = {
    "": Direction.HIGHER,
    "higher": Direction.HIGHER,
    "越高越好": Direction.HIGHER,
    "lower": Direction.LOWER,
    "越低越好": Direction.LOWER,
}
MAX_PROBLEMS = 200

MSG_MISSING_HEADER = "缺少表头:{names}"
MSG_REQUIRED = "必填项为空"
MSG_NUMBER = "应为数字(百分数可写作 95%)"
MSG_NEGATIVE = "不能为负数"
MSG_UNKNOWN_FORMULA = "未知的计算公式“{key}”,可用:{known}"
MSG_DIRECTION = "应为“越高越好”或“越低越好”"
MSG_DUPLICATE = "与第{row}行是同一指标"
MSG_EMPTY = "文件中没有任何指标"


@dataclass(frozen=True)
class Problem:
    row: int  # the Excel row number; 0 = the file as a whole
    column: str
    message: str

    def as_json(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        return self.message if self.row == 0 else f"第{self.row}行 {self.column}:{self.message}"


@dataclass
class TaskRow:
    line: int
    aspect: str
    item: str
    sub_item: str
    name: str
    target: Decimal | None
    unit: str
    weight: Decimal
    owner: str
    source: str
    formula: str
    direction: str
    lead_official: str
    schedule: str
    evidence_required: str


@dataclass
class Parsed:
    rows: list[TaskRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def number(raw: Any) -> Decimal | None:
    """A cell as a number: 95% is 0.95; blank is None; raises ValueError otherwise."""
    if excel.is_blank(raw):
        return None
    if isinstance(raw, bool):
        raise ValueError(raw)
    if excel.is_number_cell(raw):
        return Decimal(str(raw))
    text = excel.text(raw).replace(",", "")
    percent = text.endswith("%")
    try:
        value = Decimal(text.removesuffix("%").strip())
    except InvalidOperation:
        raise ValueError(raw) from None
    if not value.is_finite():
        raise ValueError(raw)
    return value / 100 if percent else value


def parse(source: IO[bytes] | bytes | Any) -> Parsed:
    """Read and check every row; nothing is written here."""
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    rows = excel.read_first_sheet(source)
    parsed = Parsed()
    header = [excel.text(v) for v in rows[0]]
    missing = [h for h in HEADERS if h not in header]
    if missing:
        parsed.problems.append(Problem(0, "", MSG_MISSING_HEADER.format(names="、".join(missing))))
        return parsed
    at = {name: header.index(name) for name in (*HEADERS, *OPTIONAL_HEADERS) if name in header}
    above = {"方面": "", "事项": "", "子项": ""}
    seen: dict[tuple[str, str, str, str], int] = {}
    for index, raw in enumerate(rows[1:], start=2):
        cells = {name: raw[i] if i < len(raw) else "" for name, i in at.items()}
        if all(excel.is_blank(v) for v in cells.values()):
            continue
        text = {name: excel.text(v) for name, v in cells.items()}
        problems: list[Problem] = []

        def fail(
            column: str, message: str, line: int = index, out: list[Problem] = problems
        ) -> None:
            out.append(Problem(line, column, message))

        for level in ("方面", "事项", "子项"):
            if text[level]:
                above[level] = text[level]
                # A new aspect starts new items; a new item starts new sub-items.
                if level == "方面" and not text["事项"]:
                    above["事项"] = ""
                if level in ("方面", "事项") and not text["子项"]:
                    above["子项"] = ""
            if not above[level]:
                fail(level, MSG_REQUIRED)
        for required in ("指标", "权重", "责任单位", "数据来源"):
            if not text[required]:
                fail(required, MSG_REQUIRED)
        target = weight = None
        try:
            target = number(cells["目标值"])
        except ValueError:
            fail("目标值", MSG_NUMBER)
        try:
            weight = number(cells["权重"])
            if weight is not None and weight < 0:
                fail("权重", MSG_NEGATIVE)
        except ValueError:
            fail("权重", MSG_NUMBER)
        source = Source.COMPUTED if text["数据来源"].lower() in COMPUTED else Source.MANUAL
        formula_text = text["计算公式"]
        if source == Source.COMPUTED and formula_text not in FORMULAS:
            known = "、".join(sorted(FORMULAS))
            fail("计算公式", MSG_UNKNOWN_FORMULA.format(key=formula_text, known=known))
        direction_text = text.get("方向", "").lower()
        if direction_text not in DIRECTIONS:
            fail("方向", MSG_DIRECTION)
        key = (above["方面"], above["事项"], above["子项"], text["指标"])
        if text["指标"] and key in seen:
            fail("指标", MSG_DUPLICATE.format(row=seen[key]))
        seen.setdefault(key, index)
        if problems:
            parsed.problems.extend(problems)
            continue
        parsed.rows.append(
            TaskRow(
                line=index,
                aspect=above["方面"],
                item=above["事项"],
                sub_item=above["子项"],
                name=text["指标"],
                target=target,
                unit=text["单位"],
                weight=weight or Decimal(0),
                owner=text["责任单位"],
                source=source,
                formula=formula_text,
                direction=DIRECTIONS.get(direction_text, Direction.HIGHER),
                lead_official=text.get("牵头领导", ""),
                schedule=text.get("进度安排", ""),
                evidence_required=text.get("佐证材料", ""),
            )
        )
    if not parsed.rows and not parsed.problems:
        parsed.problems.append(Problem(0, "", MSG_EMPTY))
    del parsed.problems[MAX_PROBLEMS:]
    return parsed


def template_rows() -> list[list[Any]]:
    """Example rows for the downloadable template."""
    return [
        [
            "守底线",
            "防止返贫动态监测",
            "风险消除",
            "监测对象风险消除率(按户)",
            "50%",
            "%",
            4,
            "各县(市、区)",
            "computed",
            "elimination_rate_households",
            "越高越好",
            "",
            "每季度",
            "",
        ],
        [
            "促振兴",
            "产业发展",
            "特色产业",
            "新培育经营主体数量",
            20,
            "个",
            2,
            "各县(市、区)",
            "县级填报",
            "当年新登记的农业经营主体个数",
            "越高越好",
            "",
            "每月",
            "登记证明",
        ],
    ]
