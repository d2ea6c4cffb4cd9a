"""Reading the template file into rows, with header and per-cell checks."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Model

from fangpin.core import excel, idcard
from fangpin.core.bounds import FORBIDDEN_CHARS
from fangpin.core.errors import BadValue
from fangpin.core.files import FileTooComplex, FileTooLarge
from fangpin.core.phone import clean_phone

from ..choices import EDUCATION_VALUES, LABOUR_VALUES, RELATIONS, SCHOOL_STATUS_VALUES
from ..services import CleanMember, clean_choice, clean_disability_grade, clean_health
from .constants import (
    HEADERS,
    LOOKUP_CHUNK,
    MSG_CONTROL_CHARS,
    MSG_ID_AS_NUMBER,
    MSG_MISSING_HEADER,
    MSG_NUMBER_AS_NUMBER,
    MSG_REQUIRED,
    MSG_YES_NO,
    NO,
    REQUIRED,
    YES,
)
from .result import ImportResult, Problem, ProblemList

if TYPE_CHECKING:
    from fangpin.accounts.models import User


T = TypeVar("T", bound=Model)


@dataclass
class Row:
    """A checked row, values exactly as they will be stored."""

    line: int
    number: str
    village: str
    is_alleviated: bool
    address: str
    phone: str
    member: CleanMember


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), LOOKUP_CHUNK):
        yield items[start : start + LOOKUP_CHUNK]


def _in(model: type[T], column: str, values: Iterable[Any], **extra: Any) -> list[T]:
    found: list[T] = []
    for chunk in _chunks(sorted(set(values))):
        found.extend(model._default_manager.filter(**{f"{column}__in": chunk}, **extra))
    return found


class _Reader:
    """Turns raw cells into Rows, collecting problems."""

    def __init__(self, user: User | None) -> None:
        self.user = user
        self.problems = ProblemList()

    def problem(self, line: int, column: str, message: str) -> None:
        self.problems.append(Problem(line, column, message))

    def header_map(self, header: list[Any]) -> dict[str, int] | None:
        names = {excel.text(v).replace(" ", ""): i for i, v in enumerate(header)}
        missing = [h for h in HEADERS if h not in names]
        for name in missing:
            self.problem(1, name, MSG_MISSING_HEADER.format(headers=" · ".join(HEADERS)))
        return None if missing else {h: names[h] for h in HEADERS}

    def check(self, line: int, column: str, clean: Callable[[], Any]) -> Any:
        """Run one field's check, recording its problem; None when it failed."""
        try:
            return clean()
        except BadValue as exc:
            self.problem(line, column, exc.detail)
            return None

    def row(self, line: int, cells: dict[str, Any]) -> Row | None:
        before = self.problems.total
        for column, value in cells.items():
            if isinstance(value, str) and FORBIDDEN_CHARS.search(value):
                self.problem(line, column, MSG_CONTROL_CHARS)
        for column in REQUIRED:
            if excel.is_blank(cells[column]):
                self.problem(line, column, MSG_REQUIRED)
        raw_number = cells["户编号"]
        if excel.is_number_cell(raw_number) and excel.digits_lost(raw_number):
            self.problem(line, "户编号", MSG_NUMBER_AS_NUMBER)
        raw_id = cells["身份证号"]
        number = None
        if excel.is_blank(raw_id):
            pass
        elif excel.is_number_cell(raw_id) or excel.SCIENTIFIC.match(excel.text(raw_id)):
            self.problem(line, "身份证号", MSG_ID_AS_NUMBER)
        else:
            number = self.check(line, "身份证号", lambda: idcard.parse(excel.text(raw_id)))
        relation = excel.text(cells["与户主关系"])
        if relation:
            self.check(
                line,
                "与户主关系",
                lambda: clean_choice(relation, RELATIONS, "与户主关系"),
            )
        health = self.check(line, "健康状况", lambda: clean_health(excel.text(cells["健康状况"])))
        choices: dict[str, str | None] = {}
        for column, allowed in (
            ("劳动技能", LABOUR_VALUES),
            ("文化程度", EDUCATION_VALUES),
            ("在校生情况", SCHOOL_STATUS_VALUES),
        ):
            choices[column] = self.check(
                line, column, partial(clean_choice, excel.text(cells[column]), allowed, column)
            )
        grade = self.check(line, "残疾等级", lambda: clean_disability_grade(cells["残疾等级"]))
        alleviated = excel.text(cells["是否脱贫户"]).upper()
        if alleviated and alleviated not in YES | NO:
            self.problem(line, "是否脱贫户", MSG_YES_NO)
        village = excel.text(cells["村代码"]).replace(" ", "")
        if village and not (village.isdigit() and len(village) == 12):
            self.problem(line, "村代码", "村代码应为12位数字")
        phone = self.check(line, "联系电话", lambda: clean_phone(excel.text(cells["联系电话"])))
        address = excel.text(cells["家庭住址"])
        if len(address) > 200:
            self.problem(line, "家庭住址", "家庭住址过长(最多200字)")
        if len(excel.text(raw_number)) > 32:
            self.problem(line, "户编号", "户编号过长(最多32位)")
        name = excel.text(cells["姓名"])
        if len(name) > 64:
            self.problem(line, "姓名", "姓名过长")
        if self.problems.total > before or number is None:
            return None
        member = CleanMember(
            name=name,
            id_number=number,
            relation=relation,
            health=health,
            labour=choices["劳动技能"] or "",
            education=choices["文化程度"] or "",
            school_status=choices["在校生情况"] or "",
            disability_grade=grade,
            phone=phone,
        )
        return Row(
            line=line,
            number=excel.text(raw_number).replace(" ", ""),
            village=village,
            is_alleviated=alleviated in YES,
            address=address,
            phone=phone,
            member=member,
        )


def _read(user: User | None, file: Any, result: ImportResult) -> list[Row]:
    reader = _Reader(user)
    try:
        raw = excel.read_first_sheet(file)
    except (FileTooLarge, FileTooComplex):
        raise  # refused at the gate: a 400/413 answer, not a row of the problem table
    except BadValue as exc:
        result.problems.append(Problem(0, "", exc.detail))
        return []
    columns = reader.header_map(raw[0])
    if columns is None:
        result.problems.extend(reader.problems)
        return []
    rows: list[Row] = []
    for index, values in enumerate(raw[1:], start=2):
        if all(excel.is_blank(v) for v in values):
            continue
        result.rows += 1
        cells = {h: (values[i] if i < len(values) else "") for h, i in columns.items()}
        row = reader.row(index, cells)
        if row is not None:
            rows.append(row)
        else:
            result.incomplete.add(excel.text(cells["户编号"]).replace(" ", ""))
    if result.rows == 0:
        reader.problem(0, "", "文件中只有表头,没有数据行")
    result.problems.extend(reader.problems)
    return rows
