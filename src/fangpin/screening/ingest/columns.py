"""A file's header and column types: map the header to columns, reject a wrongly typed column."""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa

from ..engines.cells import typed_expr
from ..sources import TYPE_LABELS, SourceSpec
from .common import SAMPLE_ROWS, _fail, _text


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
