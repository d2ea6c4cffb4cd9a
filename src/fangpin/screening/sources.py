"""What each department delivers (CONTRACT §6): columns, their Chinese headers and types.

A file may use the English or the Chinese header of a column. Every column of a source is
required; types say how a cell is parsed (and what makes a row malformed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ColumnType = Literal["id", "text", "date", "money", "bool", "grade", "choice"]


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    type: ColumnType
    choices: tuple[str, ...] = ()
    example: str = ""

    @property
    def type_label(self) -> str:
        return TYPE_LABELS.get(self.type, "文本")

    @property
    def sample(self) -> str:
        """A value as the department would write it (the page and the template show it)."""
        if self.example:
            return self.example
        if self.choices:
            return self.choices[0]
        return TYPE_EXAMPLES.get(self.type, "")


@dataclass(frozen=True)
class SourceSpec:
    code: str
    label: str
    columns: tuple[Column, ...]

    @property
    def typed(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.type not in ("id", "text"))

    def header_map(self) -> dict[str, str]:
        """Header as written in a file (English or Chinese, case-insensitive) -> column name."""
        out: dict[str, str] = {}
        for col in self.columns:
            out[col.name.lower()] = col.name
            out[col.label] = col.name
        return out


_ID = Column("id_number", "身份证号", "id")
_NAME = Column("name", "姓名", "text")

SOURCES: dict[str, SourceSpec] = {
    s.code: s
    for s in (
        SourceSpec(
            "medical",
            "医保",
            (
                _ID,
                _NAME,
                Column("settled_on", "结算日期", "date"),
                Column("total_cost", "总费用", "money"),
                Column("reimbursed", "报销金额", "money"),
                Column("out_of_pocket", "个人自付", "money"),
                Column("inpatient", "是否住院", "bool"),
            ),
        ),
        SourceSpec(
            "civil",
            "民政",
            (
                _ID,
                _NAME,
                Column("assistance", "救助类型", "choice", ("低保", "特困", "临时救助")),
                Column("granted_on", "批准日期", "date"),
                Column("amount", "金额", "money"),
            ),
        ),
        SourceSpec(
            "housing",
            "住建",
            (
                _ID,
                _NAME,
                Column("grade", "鉴定等级", "choice", ("A", "B", "C", "D")),
                Column("assessed_on", "鉴定日期", "date"),
            ),
        ),
        SourceSpec(
            "education",
            "教育",
            (
                _ID,
                _NAME,
                Column("status", "状态", "choice", ("辍学", "失学")),
                Column("reported_on", "上报日期", "date"),
            ),
        ),
        SourceSpec(
            "disability",
            "残联",
            (
                _ID,
                _NAME,
                Column("category", "残疾类别", "text", example="肢体残疾"),
                Column("grade", "残疾等级", "grade"),
                Column("issued_on", "发证日期", "date"),
            ),
        ),
        SourceSpec(
            "disaster",
            "应急",
            (
                _ID,
                _NAME,
                Column("disaster", "灾害类型", "text", example="洪涝"),
                Column("loss", "损失金额", "money"),
                Column("occurred_on", "发生日期", "date"),
            ),
        ),
        SourceSpec("death", "公安", (_ID, _NAME, Column("died_on", "死亡日期", "date"))),
    )
}

TYPE_LABELS: dict[str, str] = {
    "id": "身份证号(18位,文本格式)",
    "text": "文本",
    "date": "日期",
    "money": "金额(数字)",
    "bool": "是/否",
    "grade": "等级(1-4)",
    "choice": "规定取值",
}

# An example value by type (the file specification on the upload page and the templates).
TYPE_EXAMPLES: dict[str, str] = {
    "id": "410421198001011234",
    "text": "张三",
    "date": "2026-03-15",
    "money": "1250.50",
    "bool": "是",
    "grade": "2",
}
