"""Excel in and out: python-calamine reads (fast, no formulas evaluated), openpyxl's
write-only mode writes (constant memory). Shared by the registry import/export and any
other place that exchanges spreadsheets with county offices."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from . import files
from .errors import BadValue
from .files import private_file

# What Excel shows for a long number it has turned into a float: 4.10421E+17.
SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?[Ee][+-]?\d+$")
# Doubles hold integers exactly only up to 2**53; longer "numbers" have lost digits.
EXACT_INTEGER_LIMIT = 2**53
# Text starting with one of these is a formula to Excel (and to a CSV saved from it): a name
# typed as =HYPERLINK(...) must stay a name. Such cells are written as text, marked with
# Excel's own quote prefix, and their value is kept as it is (so an export imports back).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class NotExcel(BadValue):
    code = "not_excel"


class EmptyFile(BadValue):
    code = "empty_file"


def read_first_sheet(
    source: str | Path | IO[bytes] | bytes, *, limits: files.Limits = files.SPREADSHEET_IMPORT
) -> list[list[Any]]:
    """All rows of the first sheet, row i being Excel row i+1 (blank cells are "").

    The file passes the upload gate first (size, type by content, declared structure) and is
    parsed in a child process with a memory limit. A file too large or too complex raises
    FileTooLarge / FileTooComplex; one that is not a workbook raises NotExcel.
    """
    with files.on_disk(source, limits=limits) as path:
        try:
            files.admit_path(path, limits=limits)
            rows = files.read_sheet(path, limits=limits)
        except (files.FileTypeRefused, files.FileUnreadable):
            raise NotExcel("不是有效的 Excel 文件,请上传 .xlsx 格式的文件") from None
    while rows and all(is_blank(v) for v in rows[-1]):
        rows.pop()
    if not rows:
        raise EmptyFile("文件为空,没有任何数据")
    return rows


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any) -> str:
    """A cell as text: full-width forms folded (NFKC), spaces trimmed and collapsed, an
    integral number written without ".0"."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        if not value.isascii():
            value = unicodedata.normalize("NFKC", value)
        return " ".join(value.split())
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(unicodedata.normalize("NFKC", str(value)).split())


def digits_lost(value: Any) -> bool:
    """True when a cell meant as a long digit string was stored as a number."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return not float(value).is_integer() or abs(value) >= EXACT_INTEGER_LIMIT
    return bool(SCIENTIFIC.match(text(value)))


def is_number_cell(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def cell_value(value: Any) -> Any:
    """A value openpyxl can write: control characters (which the xlsx XML cannot hold, and a
    record saved before input was checked may carry) are dropped rather than failing the
    whole export; a number is written as it is, however large."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def neutralise(cell: Any) -> Any:
    """Make a cell holding text a text cell, never a formula or an error value."""
    value = cell.value
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True
    return cell


def _out(sheet: Any, value: Any) -> Any:
    """A row value for a write-only sheet: text that Excel could run becomes a text cell."""
    value = cell_value(value)
    if isinstance(value, str) and (value.startswith(FORMULA_START) or value.startswith("#")):
        return neutralise(WriteOnlyCell(sheet, value=value))
    return value


def write_sheet(
    target: str | Path | IO[bytes],
    *,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    title: str = "Sheet1",
    text_columns: Iterable[int] = (),
    widths: dict[int, int] | None = None,
) -> int:
    """Write one sheet; columns in `text_columns` are stored and formatted as text so that
    Excel never turns ID numbers into 4.10421E+17, and no text cell is ever a formula.
    A path target is the server account's alone (0600). Return the number of data rows."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    as_text = set(text_columns)
    for index, width in (widths or {}).items():
        sheet.column_dimensions[_column_letter(index)].width = width
    bold = Font(bold=True)
    header_cells = []
    for name in headers:
        cell = neutralise(WriteOnlyCell(sheet, value=name))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    for row in rows:
        out: list[Any] = []
        for index, value in enumerate(row):
            if index in as_text:
                cell = neutralise(
                    WriteOnlyCell(sheet, value=cell_value("" if value is None else str(value)))
                )
                cell.number_format = "@"
                out.append(cell)
            else:
                out.append(_out(sheet, value))
        sheet.append(out)
        count += 1
    book.save(target)  # type: ignore[arg-type]
    if isinstance(target, str | Path):
        private_file(Path(target))
    return count


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
