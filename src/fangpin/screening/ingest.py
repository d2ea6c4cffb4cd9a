"""Reading a department file: sniff its format, check its header and types, stage its rows.

Everything a user can get wrong about a file as a whole is found here, from its first bytes
and first rows, before a batch is created: an empty file, a file that is not what its
extension says, garbage, missing columns, a column of the wrong type. Each answer is a
BadValue with a Chinese message and a stable code. Rows that are wrong one by one are the
engine's business (counted and listed as malformed).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from fangpin.core.errors import BadValue

from .engines.sql import typed_expr
from .sources import SOURCES, TYPE_LABELS, SourceSpec

SNIFF_BYTES = 64 * 1024
SAMPLE_ROWS = 1000
FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet"}


@dataclass(frozen=True)
class Inspected:
    fmt: str
    # column name -> the header as written in the file (parquet, xlsx) or its position (csv)
    columns: dict[str, str]
    positions: dict[str, int]
    encoding: str = "utf-8"
    delimiter: str = ","
    width: int = 0  # number of header cells (csv)
    # Parquet columns already typed: column name -> "date", "number" or "bool"
    native: dict[str, str] | None = None


def _fail(detail: str, code: str, extra: Any = None) -> BadValue:
    return BadValue(detail, code=code, extra=extra)


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
    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
        fh.seek(max(size - 4, 0))
        tail = fh.read(4)
    if fmt == "parquet":
        return _inspect_parquet(path, spec, head, tail)
    if fmt == "xlsx":
        return _inspect_xlsx(path, spec, head)
    return _inspect_csv(spec, head, size)


def _mismatch(fmt: str) -> BadValue:
    return _fail(
        f"文件内容不是有效的 {fmt} 格式,与扩展名不符(文件可能已损坏或类型有误)",
        "format_mismatch",
    )


def _map_header(spec: SourceSpec, header: list[str]) -> dict[str, int]:
    known = spec.header_map()
    positions: dict[str, int] = {}
    duplicated: list[str] = []
    for i, raw in enumerate(header):
        text = str(raw or "").strip().lstrip("\ufeff").strip()
        name = known.get(text) or known.get(text.lower())
        if name is None:
            continue
        if name in positions:
            duplicated.append(text)
        positions[name] = i
    missing = [c for c in spec.columns if c.name not in positions]
    if missing:
        names = "、".join(f"{c.label}({c.name})" for c in missing)
        raise _fail(
            f"{spec.label}数据缺少列:{names}。请使用规定的中文或英文表头",
            "missing_columns",
            extra=[c.name for c in missing],
        )
    if duplicated:
        raise _fail(f"表头中有重复的列:{'、'.join(duplicated)}", "duplicate_columns")
    return positions


def _check_types(spec: SourceSpec, sample: dict[str, list[Any]]) -> None:
    """Reject a column none of whose sampled values can be read as its type."""
    if not sample or not next(iter(sample.values()), []):
        raise _fail("文件只有表头,没有数据行", "empty_file")
    ids = [v for v in sample["id_number"] if v not in (None, "")]
    if ids and all(isinstance(v, float) for v in ids):
        raise _fail(
            "身份证号列被存成了数字,后几位已经丢失。请把该列设为文本后重新导出",
            "wrong_type",
            extra=["id_number"],
        )
    table = pa.table(
        {f"r_{k}": pa.array([_text(v) for v in vs], pa.string()) for k, vs in sample.items()}
    )
    checks = []
    typed = spec.typed
    for col in typed:
        raw = f"r_{col.name}"
        checks.append(
            f"count(*) FILTER (WHERE coalesce(trim({raw}), '') <> '') AS {col.name}_given, "
            f"count(*) FILTER (WHERE coalesce(trim({raw}), '') <> '' "
            f"AND ({typed_expr(col, raw)}) IS NULL) AS {col.name}_bad"
        )
    if not checks:
        return
    con = duckdb.connect()
    try:
        con.register("sample", table)
        row = con.execute(f"SELECT {', '.join(checks)} FROM sample").fetchone()
    finally:
        con.close()
    assert row is not None
    wrong = []
    for i, col in enumerate(typed):
        given, bad = row[2 * i], row[2 * i + 1]
        if given and bad == given:
            wrong.append(col)
    if wrong:
        names = "、".join(f"{c.label}应为{TYPE_LABELS[c.type]}" for c in wrong)
        raise _fail(
            f"列的类型不对:{names},但前{SAMPLE_ROWS}行中没有一个可识别的值",
            "wrong_type",
            extra=[c.name for c in wrong],
        )


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


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


def _xlsx_rows(path: Path) -> list[list[Any]]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        return book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception:  # calamine raises several kinds for a broken workbook
        raise _mismatch("xlsx") from None


def _inspect_xlsx(path: Path, spec: SourceSpec, head: bytes) -> Inspected:
    if head[:4] != b"PK\x03\x04" or not zipfile.is_zipfile(path):
        raise _mismatch("xlsx")
    with zipfile.ZipFile(path) as z:
        if "xl/workbook.xml" not in z.namelist():
            raise _mismatch("xlsx")
    rows = _xlsx_rows(path)
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


# --- staging ----------------------------------------------------------------------------


def stage_raw(path: Path, inspected: Inspected, dest: Path) -> Path:
    """Write the rows as Parquet of text cells (row_no, r_<column>) for the engines.

    A department's Parquet file is read in place by DuckDB; this copy is made for csv and xlsx
    (and for Spark, which then reads the same numbered rows as DuckDB).
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    if inspected.fmt == "xlsx":
        rows = [r for r in _xlsx_rows(path)]
        body = rows[1:]
        data: dict[str, Any] = {"row_no": pa.array(range(1, len(body) + 1), pa.int64())}
        for name, i in inspected.positions.items():
            data[f"r_{name}"] = pa.array(
                [_text(r[i]) if i < len(r) else None for r in body], pa.string()
            )
        pq.write_table(pa.table(data), dest)
        return dest
    con = duckdb.connect()
    try:
        src = path
        if inspected.fmt == "csv" and inspected.encoding != "utf-8-sig":
            src = dest.with_suffix(".utf8.csv")
            with path.open("rb") as fin, src.open("wb") as fout:
                reader = codecs.getreader(inspected.encoding)(fin)
                while chunk := reader.read(1 << 20):
                    fout.write(chunk.encode("utf-8"))
        literal = "'" + str(src).replace("'", "''") + "'"
        out = "'" + str(dest).replace("'", "''") + "'"
        if inspected.fmt == "csv":
            cols = ", ".join(f"column{i:d} AS r_{name}" for name, i in inspected.positions.items())
            delim = "\t" if inspected.delimiter == "\t" else ","
            width = max(inspected.width, max(inspected.positions.values()) + 1)
            names = ", ".join(f"'column{i}'" for i in range(width))
            con.execute(
                f"COPY (SELECT row_number() OVER () AS row_no, {cols} FROM read_csv({literal}, "
                f"header = false, skip = 1, all_varchar = true, delim = '{delim}', "
                f"null_padding = true, names = [{names}])) TO {out} (FORMAT parquet)"
            )
        else:
            cols = ", ".join(
                f'CAST("{src_name}" AS VARCHAR) AS r_{name}'
                for name, src_name in inspected.columns.items()
            )
            con.execute(
                f"COPY (SELECT file_row_number + 1 AS row_no, {cols} FROM read_parquet({literal}, "
                f"file_row_number = true)) TO {out} (FORMAT parquet)"
            )
    except duckdb.Error as exc:
        raise _fail(
            f"文件无法完整读取:{str(exc).splitlines()[0][:200]}", "unreadable_file"
        ) from None
    finally:
        con.close()
    return dest
