"""Staging a checked file as Parquet of text cells for the engines."""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from .common import Inspected, _fail, _text
from .sniffing import _xlsx_rows


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
