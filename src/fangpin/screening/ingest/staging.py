"""Staging a checked file as Parquet of text cells for the engines."""

from __future__ import annotations

import codecs
from pathlib import Path

import duckdb

from fangpin.core import files

from .common import Inspected, _fail


def stage_raw(path: Path, inspected: Inspected, dest: Path) -> Path:
    """Write the rows as Parquet of text cells (row_no, r_<column>) for the engines.

    A department's Parquet file is read in place by DuckDB; this copy is made for csv and xlsx
    (and for Spark, which then reads the same numbered rows as DuckDB).
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    if inspected.fmt == "xlsx":
        # Parsed and written by the gate's child process: bounded memory, a crash stays there.
        try:
            files.sheet_to_parquet(
                path, dest, columns=dict(inspected.positions), limits=files.DEPARTMENT_BATCH
            )
        except files.FileUnreadable:
            raise _fail("文件无法完整读取:不是有效的 xlsx 文件", "unreadable_file") from None
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
