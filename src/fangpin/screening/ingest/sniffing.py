"""Sniffing a file from its first bytes and rows: its format, garbage, emptiness."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from fangpin.core import files
from fangpin.core.errors import BadValue

from ..sources import SOURCES, SourceSpec
from .columns import _check_types, _map_header
from .common import SAMPLE_ROWS, Inspected, _fail, _text

SNIFF_BYTES = 64 * 1024
FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet"}


def file_format(original_name: str) -> str:
    fmt = FORMATS.get(Path(original_name).suffix.lower())
    if fmt is None:
        raise _fail("不支持的文件类型:请上传 csv、xlsx 或 parquet 文件", "unsupported_format")
    return fmt


def inspect(path: Path, *, source: str, original_name: str) -> Inspected:
    """Check a file before anything runs; raise BadValue naming what is wrong."""
    spec = SOURCES.get(source)
    if spec is None:
        raise _fail(f"未知的数据来源:{source}", "unknown_source")
    fmt = file_format(original_name)
    size = path.stat().st_size
    if size == 0:
        raise _fail("文件是空的,没有任何内容", "empty_file")
    _admit(path, fmt)
    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
        fh.seek(max(size - 4, 0))
        tail = fh.read(4)
    if fmt == "parquet":
        return _inspect_parquet(path, spec, head, tail)
    if fmt == "xlsx":
        return _inspect_xlsx(path, spec, head)
    return _inspect_csv(spec, head, size)


_LABELS = {"csv": "csv", "xlsx": "xlsx", "parquet": "Parquet"}


def _admit(path: Path, fmt: str) -> None:
    """The upload gate: size, type by content (which must agree with the name), and an
    xlsx's declared structure. Too large or too complex raises the gate's own refusal."""
    try:
        admitted = files.admit_path(path, limits=files.DEPARTMENT_BATCH)
    except (files.FileTypeRefused, files.FileUnreadable):
        raise _mismatch(_LABELS[fmt]) from None
    sniffed = "csv" if admitted.type == "text" else admitted.type
    if sniffed != fmt:
        raise _mismatch(_LABELS[fmt])


def _mismatch(fmt: str) -> BadValue:
    return _fail(
        f"文件内容不是有效的 {fmt} 格式,与扩展名不符(文件可能已损坏或类型有误)",
        "format_mismatch",
    )


# --- parquet ----------------------------------------------------------------------------


def _inspect_parquet(path: Path, spec: SourceSpec, head: bytes, tail: bytes) -> Inspected:
    if head[:4] != b"PAR1" or tail != b"PAR1":
        raise _mismatch("Parquet")
    try:
        pf = pq.ParquetFile(path)
    except (pa.ArrowException, OSError):
        raise _mismatch("Parquet") from None
    header = list(pf.schema_arrow.names)
    positions = _map_header(spec, header)
    if pf.metadata.num_rows == 0:
        raise _fail("文件只有表头,没有数据行", "empty_file")
    names = {name: header[i] for name, i in positions.items()}
    # DuckDB reads just the first rows (pyarrow would decode a whole row group).
    con = duckdb.connect()
    try:
        cols = ", ".join('"' + src.replace('"', '""') + '"' for src in names.values())
        literal = "'" + str(path).replace("'", "''") + "'"
        first = con.execute(
            f"SELECT {cols} FROM read_parquet({literal}) LIMIT {SAMPLE_ROWS}"
        ).fetchall()
    except duckdb.Error:
        raise _mismatch("Parquet") from None
    finally:
        con.close()
    sample = {name: [row[i] for row in first] for i, name in enumerate(names)}
    _check_types(spec, sample)
    native = {}
    for name, src in names.items():
        kind = _kind(pf.schema_arrow.field(src).type)
        if kind:
            native[name] = kind
    return Inspected(fmt="parquet", columns=names, positions=positions, native=native)


def _kind(arrow_type: pa.DataType) -> str | None:
    if pa.types.is_date(arrow_type) or pa.types.is_timestamp(arrow_type):
        return "date"
    if pa.types.is_boolean(arrow_type):
        return "bool"
    if (
        pa.types.is_integer(arrow_type)
        or pa.types.is_floating(arrow_type)
        or pa.types.is_decimal(arrow_type)
    ):
        return "number"
    return None


# --- xlsx -------------------------------------------------------------------------------


def _xlsx_rows(path: Path, nrows: int | None = None) -> list[list[Any]]:
    """The first sheet's first rows, read by the gate's child process (bounded memory)."""
    try:
        return files.read_sheet(path, limits=files.DEPARTMENT_BATCH, nrows=nrows)
    except files.FileUnreadable:
        raise _mismatch("xlsx") from None


def _inspect_xlsx(path: Path, spec: SourceSpec, head: bytes) -> Inspected:
    # The gate has found a workbook whose declared structure is within bounds.
    rows = _xlsx_rows(path, nrows=2 * SAMPLE_ROWS + 1)
    rows = [r for r in rows if any(c not in (None, "") for c in r)]
    if not rows:
        raise _fail("文件是空的,没有任何内容", "empty_file")
    positions = _map_header(spec, [_text(c) or "" for c in rows[0]])
    sample = {
        n: [r[i] if i < len(r) else None for r in rows[1 : SAMPLE_ROWS + 1]]
        for n, i in positions.items()
    }
    _check_types(spec, sample)
    header = [_text(c) or "" for c in rows[0]]
    return Inspected(
        fmt="xlsx", columns={n: header[i] for n, i in positions.items()}, positions=positions
    )


# --- csv --------------------------------------------------------------------------------


def _decode_head(head: bytes, complete: bool) -> tuple[str, str]:
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        try:
            return decoder.decode(head, final=complete), encoding
        except UnicodeDecodeError:
            continue
    raise _fail(
        "无法识别文件的文字编码(应为 UTF-8 或 GB18030),文件可能不是 csv 文本", "format_mismatch"
    )


def _inspect_csv(spec: SourceSpec, head: bytes, size: int) -> Inspected:
    if b"\x00" in head:
        raise _mismatch("csv")
    text, encoding = _decode_head(head, complete=size <= len(head))
    if size > len(head):
        # Only whole lines of the sniffed part are read.
        cut = text.rfind("\n")
        if cut < 0:
            raise _fail("文件开头没有找到表头行,不是有效的 csv 文件", "format_mismatch")
        text = text[: cut + 1]
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error:
        raise _mismatch("csv") from None
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise _fail("文件是空的,没有任何内容", "empty_file")
    positions = _map_header(spec, rows[0])
    sample = {
        n: [r[i] if i < len(r) else None for r in rows[1 : SAMPLE_ROWS + 1]]
        for n, i in positions.items()
    }
    _check_types(spec, sample)
    return Inspected(
        fmt="csv",
        columns={n: rows[0][i] for n, i in positions.items()},
        positions=positions,
        encoding=encoding,
        delimiter=delimiter,
        width=len(rows[0]),
    )
