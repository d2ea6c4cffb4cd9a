"""An xlsx checked from what it declares, before any parser sees it.

The zip's directory gives each entry's compressed and uncompressed size; each worksheet's
`<dimension ref="A1:M500"/>` (near the start of its XML, read by streaming from the zip)
gives the extent a reader will allocate. A file that declares more than its kind allows is
refused here, in milliseconds. A file that lies about itself is the child process's problem
(see `bounded`).
"""

from __future__ import annotations

import re
import zipfile
from typing import IO

from .errors import FileTooComplex, FileUnreadable
from .kinds import MB, Limits

DIMENSION_BYTES = 64 * 1024
RATIO_FLOOR = 1 * MB  # entries smaller than this may compress as well as they like
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref\s*=\s*[\"']([A-Za-z0-9:$]+)[\"']")
_REF = re.compile(r"^\$?([A-Z]{0,3})\$?(\d*)$")


def _cell(ref: str) -> tuple[int, int]:
    """(row, column), 1-based, of a reference like XFD1048576 (a missing part counts as 1)."""
    match = _REF.match(ref.upper())
    if match is None:
        raise ValueError(ref)
    letters, digits = match.groups()
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - 64
    return int(digits or 1), column or 1


def extent(ref: str) -> tuple[int, int]:
    """Rows and columns a reader allocates for a dimension (from A1, as readers pad)."""
    last = ref.split(":")[-1]
    row, column = _cell(last)
    return row, column


def check_xlsx(fh: IO[bytes], limits: Limits) -> None:
    """Refuse an xlsx whose declared structure exceeds `limits` (FileTooComplex)."""
    try:
        archive = zipfile.ZipFile(fh)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise FileUnreadable("文件已损坏,无法读取") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_entries:
            raise FileTooComplex(f"压缩包内有 {len(infos)} 个条目", reason="entries")
        total = 0
        for info in infos:
            total += info.file_size
            if info.file_size > RATIO_FLOOR and (
                info.compress_size == 0 or info.file_size / info.compress_size > limits.max_ratio
            ):
                raise FileTooComplex(
                    f"{info.filename} 的压缩比异常(解压后 {info.file_size // MB} MB)",
                    reason="ratio",
                )
        if total > limits.max_uncompressed:
            raise FileTooComplex(
                f"解压后共 {total // MB} MB,超过上限 {limits.max_uncompressed // MB} MB",
                reason="uncompressed",
            )
        for info in infos:
            # Every XML part, not only xl/worksheets/: the workbook's relationships may put a
            # sheet anywhere in the package.
            if info.filename.endswith(".xml") and not info.is_dir():
                _check_dimension(archive, info, limits)
    fh.seek(0)


def _check_dimension(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> None:
    try:
        with archive.open(info) as stream:
            start = stream.read(DIMENSION_BYTES)
    # zipfile raises NotImplementedError for a compression method it cannot read (a crafted
    # or exotic file): unreadable to us, like a corrupt one.
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError):
        raise FileUnreadable("文件已损坏,无法读取") from None
    found = _DIMENSION.search(start)
    if found is None:
        return
    ref = found.group(1).decode("ascii")
    try:
        rows, columns = extent(ref)
    except ValueError:
        return
    if rows > limits.max_rows or columns > limits.max_columns or rows * columns > limits.max_cells:
        raise FileTooComplex(
            f"工作表声明的范围为 {ref}({rows} 行 × {columns} 列),超过上限 "
            f"{limits.max_rows} 行、{limits.max_columns} 列、共 {limits.max_cells} 个单元格",
            reason="extent",
        )
