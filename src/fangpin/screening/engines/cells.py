"""SQL expressions that read one cell of a department's file: ID numbers' check characters,
dates, money, yes/no, grades and choices. Written in DuckDB's dialect (see `sql.to_dialect`).
"""

from __future__ import annotations

from ..sources import Column


def id_check_char(expr: str) -> str:
    """GB 11643 check character of the first 17 characters of `expr` (NULL unless digits)."""
    return check_char_of(
        f"CAST(try_cast(substr({expr}, 1, 8) AS INTEGER) AS DOUBLE)",
        f"CAST(try_cast(substr({expr}, 9, 9) AS INTEGER) AS DOUBLE)",
    )


def check_char_of(hi: str, lo: str) -> str:
    """The check character of 17 digits given as two DOUBLE columns: `hi` the first 8 digits,
    `lo` the last 9 (each computed once by the caller).

    The weighted digit sum S = sum(d_k * w_k) needs every digit d_k = F_k - 10 * F_(k+1), where
    F_k = floor(x / 10^k). Regrouped, S = sum(F_k * (w_k - 10 * w_(k-1))); modulo 11 that is
    sum(F_k * c_k) with small integer c_k. So one division and one floor per digit, in double
    arithmetic (exact below 2^53, and vectorised): several times cheaper than extracting each
    digit with integer `//` and `%`, and the same in both engines. Weights are 2^j mod 11
    counted from the check character; 2^10 = 1 (mod 11) makes the first 8 digits' weights
    those of a number of their own.
    """
    terms = [hi]  # F_0 of the first 8 digits, weight 2^10 = 1
    terms += [f"floor({hi} / {10**j}.0) * {3 * 2 ** (j - 1) % 11}" for j in range(1, 8)]
    terms += [f"{lo} * 2"]  # F_0 of the last 9 digits, weight 2
    terms += [f"floor({lo} / {10**j}.0) * {3 * 2**j % 11}" for j in range(1, 9)]
    return f"substr('10X98765432', CAST({' + '.join(terms)} AS BIGINT) % 11 + 1, 1)"


def _date(raw: str) -> str:
    # Most cells are already YYYY-MM-DD: cast those directly, parse the rest the slow way.
    return (
        f"CASE WHEN {raw} LIKE '____-__-__' THEN try_cast({raw} AS DATE) ELSE {_date_slow(raw)} END"
    )


def _date_slow(raw: str) -> str:
    d0 = (
        f"split_part(split_part(replace(replace(trim({raw}), '/', '-'), '.', '-'), ' ', 1), 'T', 1)"
    )
    d1 = (
        f"CASE WHEN regexp_matches({d0}, '^[0-9]{{8}}$') "
        f"THEN substr({d0}, 1, 4) || '-' || substr({d0}, 5, 2) || '-' || substr({d0}, 7, 2) "
        f"ELSE {d0} END"
    )
    # The shape check keeps both engines strict alike (Spark would read '2024' as a date).
    return (
        f"CASE WHEN regexp_matches({d1}, '^[0-9]{{4}}-[0-9]{{1,2}}-[0-9]{{1,2}}$') "
        f"THEN try_cast({d1} AS DATE) END"
    )


def _money(raw: str) -> str:
    m = f"replace(replace(replace(trim({raw}), ',', ''), '元', ''), '¥', '')"
    return (
        f"CASE WHEN regexp_matches({m}, '^-?[0-9]+([.][0-9]+)?$') "
        f"THEN try_cast({m} AS DECIMAL(18, 2)) END"
    )


def _bool(raw: str) -> str:
    u = f"upper(trim({raw}))"
    return (
        f"CASE WHEN {u} IN ('是', '1', 'Y', 'YES', 'TRUE', 'T') THEN true "
        f"WHEN {u} IN ('否', '0', 'N', 'NO', 'FALSE', 'F') THEN false END"
    )


def _grade(raw: str) -> str:
    g = f"translate(replace(trim({raw}), '级', ''), '一二三四', '1234')"
    return f"CASE WHEN regexp_matches({g}, '^[1-4]$') THEN CAST({g} AS INTEGER) END"


def _choice(raw: str, col: Column) -> str:
    v = f"upper(trim({raw}))" if col.name == "grade" else f"trim({raw})"
    options = ", ".join(f"'{c}'" for c in col.choices)
    return f"CASE WHEN {v} IN ({options}) THEN {v} END"


def typed_expr(col: Column, raw: str) -> str:
    match col.type:
        case "date":
            return _date(raw)
        case "money":
            return _money(raw)
        case "bool":
            return _bool(raw)
        case "grade":
            return _grade(raw)
        case "choice":
            return _choice(raw, col)
        case _:
            return f"trim({raw})"


NATIVE_EXPR = {
    # (column type, native Parquet kind) -> expression over the typed raw value
    ("date", "date"): "CAST({raw} AS DATE)",
    ("money", "number"): "CAST({raw} AS DECIMAL(18, 2))",
    ("bool", "bool"): "{raw}",
    ("grade", "number"): "CASE WHEN {raw} IN (1, 2, 3, 4) THEN CAST({raw} AS INTEGER) END",
}


def column_expr(col: Column, raw: str, native: dict[str, str] | None) -> str:
    """Parse a column: text cells by `typed_expr`; a department's typed Parquet column as is."""
    kind = (native or {}).get(col.name)
    template = NATIVE_EXPR.get((col.type, kind or ""))
    if template is not None:
        return template.format(raw=raw)
    return typed_expr(col, raw)
