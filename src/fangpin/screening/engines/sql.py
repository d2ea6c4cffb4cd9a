"""The SQL both engines run, written once in DuckDB's dialect and transpiled by sqlglot.

Three statements: `persons` (the latest exported registry row per person), `staged` (the
batch normalised, checked and matched by ID number, one pass) and `matched_year` (this
batch's matched rows plus earlier batches of the same year). Rule queries read the views.
"""

from __future__ import annotations

import sqlglot

from ..sources import SOURCES, Column

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# A row's reference across batches: batch id * REF_BASE + row number (one BIGINT, cheap to
# collect into lists; see `ref_text`).
REF_BASE = 10_000_000_000
PERSON_COLUMNS = (
    "person_id",
    "household_id",
    "birth_date",
    "registry_disability_grade",
    "is_alleviated",
    "is_monitored",
    "is_priority",
)


def to_dialect(sql: str, dialect: str) -> str:
    if dialect == "duckdb":
        return sql
    return sqlglot.transpile(sql, read="duckdb", write=dialect)[0]


def _check_char(expr: str) -> str:
    """GB 11643 check character of the first 17 characters of `expr` (NULL unless digits)."""
    return _check_char_of(f"try_cast(substr({expr}, 1, 17) AS BIGINT)")


def _check_char_of(n: str) -> str:
    """The check character of 17 digits given as one BIGINT `n` (a column, computed once).

    Integer arithmetic on the number: several times cheaper than 17 substring calls, and the
    same in both engines.
    """
    terms = " + ".join(f"({n} // {10 ** (16 - i)}) % 10 * {w}" for i, w in enumerate(_WEIGHTS))
    return f"substr('10X98765432', ({terms}) % 11 + 1, 1)"


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


def ref_text(ref: int) -> str:
    """'batch:row' for a reference."""
    return f"{ref // REF_BASE}:{ref % REF_BASE}"


def persons_sql(parts: int = 2) -> str:
    """Latest exported row per person (parts are numbered; a later part wins)."""
    if parts == 1:
        return (
            "SELECT person_id, id_number, household_id, birth_date, disability_grade, "
            "is_alleviated FROM persons_parts WHERE household_id IS NOT NULL"
        )
    return (
        "SELECT person_id, id_number, household_id, birth_date, disability_grade, is_alleviated "
        "FROM (SELECT *, row_number() OVER (PARTITION BY person_id ORDER BY part DESC) AS rn "
        "FROM persons_parts) AS t WHERE rn = 1 AND household_id IS NOT NULL"
    )


def stage_sql(source: str, batch_id: int, native: dict[str, str] | None = None) -> str:
    """Normalise every row of `raw`, mark malformed ones, match the rest to `persons`.

    One pass over the rows and one join. Keeps matched and malformed rows only: unmatched rows
    are counted as the remainder. Cheap paths first: an ID number already in shape (one regular
    expression) is not cleaned (cleaning costs ten times the check), and one that matches a
    registered person is valid (the registry holds only valid numbers), so the check digit is
    computed for unmatched rows alone. `native` names Parquet columns that are already typed.
    """
    spec = SOURCES[source]
    shape = "'^[0-9]{17}[0-9X]$'"
    # Full-width digits and x mapped, whitespace (tab, newline, form feed, return, space)
    # deleted: one translate, cheaper than a regular expression replace and the same in Spark.
    cleaned = (
        "upper(translate(coalesce(r_id_number, ''), "
        "'０１２３４５６７８９ｘＸ' || chr(9) || chr(10) || chr(12) || chr(13) || chr(32), "
        "'0123456789XX'))"
    )
    id17 = "(substr(id0, 1, 6) || '19' || substr(id0, 7))"
    fifteen = (
        f"CASE WHEN regexp_matches(id0, '^[0-9]{{15}}$') "
        f"THEN {id17} || {_check_char(id17)} ELSE id0 END"
    )
    typed = ",\n    ".join(
        f"{column_expr(c, 'r_' + c.name, native)} AS {c.name}"
        for c in spec.columns
        if c.type != "id"
    )
    # Birth date digits in range (integer arithmetic on the 17 digits; no string building).
    birth = (
        "n17 // 1000 % 100 BETWEEN 1 AND 31 AND n17 // 100000 % 100 BETWEEN 1 AND 12 "
        "AND n17 // 10000000 % 10000 BETWEEN 1880 AND 2100"
    )
    check = _check_char_of("n17")
    valid = f"coalesce(shaped AND substr(id_number, 18, 1) = {check} AND {birth}, false)"
    problems = " ".join(
        f"WHEN {c.name} IS NULL THEN '{c.label}为空或无法识别'"
        for c in spec.columns
        if c.type not in ("id", "text")
    )
    cols = ", ".join(c.name for c in spec.columns if c.type not in ("id",))
    kept = "CASE WHEN v.problem IS NULL THEN v.{0} END AS {0}"
    return f"""
WITH c AS (
  SELECT row_no, r_id_number, coalesce(regexp_matches(r_id_number, {shape}), false) AS fast,
    {typed}
  FROM raw
), d AS (
  SELECT *, CASE WHEN fast THEN r_id_number ELSE {cleaned} END AS id0 FROM c
), e AS (
  SELECT row_no, fast, {cols}, CASE WHEN fast THEN id0 ELSE {fifteen} END AS id_number
  FROM d
), n AS (
  SELECT e.*, p.person_id, p.household_id, p.birth_date, p.disability_grade, p.is_alleviated
  FROM e LEFT JOIN persons AS p ON p.id_number = e.id_number
), w AS (
  SELECT *,
    CASE WHEN person_id IS NULL
         THEN CASE WHEN fast THEN true ELSE regexp_matches(id_number, {shape}) END END AS shaped,
    CASE WHEN person_id IS NULL
         THEN try_cast(substr(id_number, 1, 17) AS BIGINT) END AS n17
  FROM n
), v AS (
  SELECT *, CASE WHEN person_id IS NULL AND NOT {valid}
                 THEN '身份证号无效(位数、出生日期或校验位错误)' {problems}
            END AS problem
  FROM w
)
SELECT v.row_no, v.id_number, {", ".join("v." + c for c in cols.split(", "))}, v.problem,
       CAST({batch_id} AS BIGINT) * {REF_BASE} + v.row_no AS ref,
       {kept.format("person_id")}, {kept.format("household_id")}, {kept.format("birth_date")},
       CASE WHEN v.problem IS NULL THEN v.disability_grade END AS registry_disability_grade,
       {kept.format("is_alleviated")},
       m.household_id IS NOT NULL AS is_monitored,
       coalesce(v.is_alleviated, false) OR m.household_id IS NOT NULL AS is_priority
FROM v
LEFT JOIN monitored AS m ON v.problem IS NULL AND m.household_id = v.household_id
WHERE v.problem IS NOT NULL OR v.person_id IS NOT NULL
"""


def batch_columns(source: str) -> list[str]:
    spec = SOURCES[source]
    return ["row_no", "id_number", *(c.name for c in spec.columns if c.type != "id"), "ref"]


def matched_year_sql(source: str, has_prior: bool) -> str:
    """This batch's matched rows, plus earlier batches' rows matched again to today's registry."""
    if not has_prior:
        return "SELECT * FROM matched"
    cols = batch_columns(source)
    own = ", ".join(cols)
    prior = ", ".join(f"r.{c}" for c in cols)
    return f"""
SELECT {own}, {", ".join(PERSON_COLUMNS)} FROM matched
UNION ALL
SELECT {prior}, p.person_id, p.household_id, p.birth_date,
       p.disability_grade AS registry_disability_grade, p.is_alleviated,
       m.household_id IS NOT NULL AS is_monitored,
       coalesce(p.is_alleviated, false) OR m.household_id IS NOT NULL AS is_priority
FROM prior AS r
JOIN persons AS p ON p.id_number = r.id_number
LEFT JOIN monitored AS m ON m.household_id = p.household_id
"""
