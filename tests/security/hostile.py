"""Hostile files made by hand, the way an attacker would: an xlsx is a zip of XML parts."""

from __future__ import annotations

import zipfile
from pathlib import Path

from fangpin.registry.importing import HEADERS

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
_SHEET_OPEN = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _header_row(headers: tuple[str, ...]) -> str:
    cells = "".join(
        f'<c r="{_column(i)}1" t="inlineStr"><is><t>{h}</t></is></c>' for i, h in enumerate(headers)
    )
    return f'<row r="1">{cells}</row>'


def _package(path: Path, sheet: str) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def sparse_extent(
    path: Path, *, far: str = "XFD1048576", declared: bool = True, headers=HEADERS
) -> Path:
    """The template's header row and one cell at `far`: a few KB that a reader sizing its grid
    by the extent turns into rows x columns cells (XFD1048576: 549,755,813,888 bytes)."""
    row = int("".join(c for c in far if c.isdigit()))
    dimension = f'<dimension ref="A1:{far}"/>' if declared else ""
    sheet = (
        f"{_SHEET_OPEN}{dimension}<sheetData>{_header_row(headers)}"
        f'<row r="{row}"><c r="{far}" t="inlineStr"><is><t>x</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    return _package(path, sheet)


def deflate_bomb(path: Path, *, megabytes: int = 300) -> Path:
    """A sheet whose XML is `megabytes` MB (whitespace between rows) in a zip of a few
    hundred KB."""
    chunk = b" " * (1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(f"{_SHEET_OPEN}<sheetData>{_header_row(HEADERS)}".encode())
            for _ in range(megabytes):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return path


HTML = (
    b"<!DOCTYPE html><html><body><script>"
    b"fetch('/api/v1/households/1/guarantees',{method:'PUT'})</script></body></html>"
)
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(document.cookie)</script></svg>"
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
