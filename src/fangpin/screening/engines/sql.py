"""The SQL both engines run, written once in DuckDB's dialect and transpiled by sqlglot.

`persons` (the latest exported registry row per person, with the flags rules use), `staged`
(the batch normalised, checked and matched by ID number in one pass; matched and malformed rows
kept), `matched` (its matched rows) and `matched_year` (those plus earlier batches' rows of the
same year). Rule queries read `matched` and `matched_year`. Expressions for single cells are
in `cells`; how rules are run, in `plan`.
"""

from __future__ import annotations

import re

import sqlglot
from sqlglot import exp

from ..sources import SOURCES
from .cells import check_char_of, column_expr, id_check_char

# A row's reference across batches: batch id * REF_BASE + row number (one BIGINT, cheap to
# collect into lists; see `ref_text`).
REF_BASE = 10_000_000_000
# Department columns not kept: persons are named from the registry, not from the file.
DROPPED = frozenset({"name"})
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
    tree = sqlglot.parse_one(sql, read="duckdb")
    if dialect == "spark":
        tree = tree.transform(_spark_functions)
    return tree.sql(dialect=dialect)


def _spark_functions(node: exp.Expression) -> exp.Expression:
    """DuckDB functions sqlglot leaves as they are, in their Spark spelling."""
    if isinstance(node, exp.Anonymous) and str(node.this).lower() == "strlen":
        return exp.Anonymous(this="OCTET_LENGTH", expressions=node.expressions)
    return node


def ref_text(ref: int) -> str:
    """'batch:row' for a reference."""
    return f"{ref // REF_BASE}:{ref % REF_BASE}"


def persons_sql(parts: int = 2) -> str:
    """Registered persons as the rules see them: the latest exported row per person (parts are
    numbered; a later part wins), with whether the household is monitored, and `is_priority`
    (脱贫 or monitored: the lower thresholds apply). Worked out here, on the registry's
    rows, rather than on a batch's many more rows."""
    latest = (
        "persons_parts"
        if parts == 1
        else "(SELECT *, row_number() OVER (PARTITION BY person_id ORDER BY part DESC) AS rn "
        "FROM persons_parts) AS t WHERE rn = 1 AND"
    )
    where = "WHERE" if parts == 1 else ""
    return (
        "SELECT p.person_id, p.id_hash, p.household_id, p.birth_date, "
        "p.disability_grade AS registry_disability_grade, p.is_alleviated, "
        "m.household_id IS NOT NULL AS is_monitored, "
        "coalesce(p.is_alleviated, false) OR m.household_id IS NOT NULL AS is_priority "
        f"FROM (SELECT * FROM {latest} {where} household_id IS NOT NULL) AS p "
        "LEFT JOIN monitored AS m ON m.household_id = p.household_id"
    )


def id_hash_sql(number: str, key: str) -> str:
    """The keyed hash of a normalised ID number (`core.idcrypt.digest`), in SQL: DuckDB's
    `sha256` (Spark's `sha2(..., 256)` after transpiling), both lower-case hex."""
    if not re.fullmatch(r"[0-9a-f]{64}", key):
        raise ValueError("the ID lookup key must be 64 lower-case hex digits")
    return f"sha256('{key}' || {number})"


def stage_sql(
    source: str,
    batch_id: int,
    native: dict[str, str] | None = None,
    person_columns: tuple[str, ...] = PERSON_COLUMNS,
    *,
    id_key: str,
) -> str:
    """Normalise every row of `raw`, mark malformed ones, match the rest to `persons`.

    `id_key` is the registry's lookup key: the registry holds keyed hashes, not numbers.
    Returns the rows kept: matched rows and malformed ones (`problem` set, with the ID number
    for the sample); unmatched rows are counted as the remainder. Columns: `ref`,
    `id_number`, the batch's own columns (`batch_columns`), `problem` and `person_columns`
    (what the rules read; `person_id` and `household_id` always).

    Cheap paths first, because this query sees every row of a batch:
    - a number of 18 ASCII characters without whitespace or a lower-case x is matched as
      written (cleaning could only upper-case letters, and a number with other letters is
      invalid either way): a few byte comparisons instead of the cleaning below;
    - the others (spaces, lower-case x, full-width digits, 15 digits) are cleaned first;
    - a number that matches a registered person is valid (the registry holds only valid
      numbers): shape, check character and birth date are computed for the unmatched alone.
    `native` names Parquet columns that are already typed.
    """
    spec = SOURCES[source]
    own = [c for c in spec.columns if c.type != "id" and c.name not in DROPPED]
    typed = ",\n    ".join(f"{column_expr(c, 'r_' + c.name, native)} AS {c.name}" for c in own)
    names = ", ".join(c.name for c in own)
    problems = " ".join(
        f"WHEN {c.name} IS NULL THEN '{c.label}为空或无法识别'"
        for c in spec.columns
        if c.type not in ("id", "text")
    )
    wanted = _person_columns(person_columns)
    ok = ", ".join(f"CASE WHEN problem IS NULL THEN {c} END AS {c}" for c in wanted)
    return f"""
WITH a AS (
  SELECT row_no, r_id_number, {typed},
    CASE WHEN NOT {_AS_WRITTEN} THEN {_cleaned("r_id_number")} END AS id0
  FROM raw
), b AS (
  SELECT *, CASE WHEN length(id0) = 15 AND regexp_matches(id0, '^[0-9]{{15}}$')
                 THEN substr(id0, 1, 6) || '19' || substr(id0, 7) END AS id17
  FROM a
), c AS (
  SELECT row_no, {names},
    coalesce(CASE WHEN id17 IS NOT NULL THEN id17 || {id_check_char("id17")} ELSE id0 END,
             r_id_number) AS id_number
  FROM b
), d AS (
  SELECT c.*, {", ".join("p." + col for col in wanted)},
    CASE WHEN p.person_id IS NULL THEN regexp_matches(c.id_number, {SHAPE}) END AS shaped
  FROM c LEFT JOIN persons AS p ON p.id_hash = {id_hash_sql("c.id_number", id_key)}
), w AS (
  SELECT *,
    CASE WHEN shaped THEN try_cast(substr(id_number, 1, 8) AS INTEGER) END AS hi,
    CASE WHEN shaped THEN try_cast(substr(id_number, 9, 9) AS INTEGER) END AS lo
  FROM d
), v AS (
  SELECT row_no, id_number, {names}, {", ".join(wanted)},
    CASE WHEN person_id IS NULL AND NOT {_VALID} THEN '{INVALID_ID}' {problems} END AS problem
  FROM w
)
SELECT CAST({batch_id} AS BIGINT) * {REF_BASE} + row_no AS ref,
       CASE WHEN problem IS NOT NULL THEN id_number END AS id_number, {names}, problem, {ok}
FROM v
WHERE problem IS NOT NULL OR person_id IS NOT NULL
"""


SHAPE = "'^[0-9]{17}[0-9X]$'"
# 18 bytes and 18 characters (so ASCII), no lower-case x, no whitespace: cleaning would not
# change the number in a way that matters (see `stage_sql`).
_AS_WRITTEN = (
    "(strlen(r_id_number) = 18 AND length(r_id_number) = 18 AND NOT contains(r_id_number, 'x')"
    + "".join(f" AND NOT contains(r_id_number, chr({c}))" for c in (32, 9, 10, 12, 13))
    + ")"
)
INVALID_ID = "身份证号无效(位数、出生日期或校验位错误)"
# Shape, check character and birth date of `id_number`, given its first 8 digits `hi` and
# last 9 `lo` (YYMMDDsss) as integers.
_VALID = (
    "coalesce(shaped AND substr(id_number, 18, 1) = "
    + check_char_of("CAST(hi AS DOUBLE)", "CAST(lo AS DOUBLE)")
    + " AND lo // 1000 % 100 BETWEEN 1 AND 31 AND lo // 100000 % 100 BETWEEN 1 AND 12"
    + " AND hi % 100 * 100 + lo // 10000000 BETWEEN 1880 AND 2100, false)"
)


def _cleaned(raw: str) -> str:
    """An ID number cleaned: whitespace deleted, x upper-cased, full-width digits mapped.
    `translate` is many times slower than a regular expression replace, so it is kept for the
    numbers with full-width characters."""
    whitespace = "'[\\t\\n\\f\\r ]'"
    return (
        f"CASE WHEN regexp_matches({raw}, '[０-９ｘＸ]') "
        f"THEN upper(translate({raw}, '０１２３４５６７８９ｘＸ' || chr(9) || chr(10) || chr(12) "
        f"|| chr(13) || chr(32), '0123456789XX')) "
        f"ELSE upper(regexp_replace(coalesce({raw}, ''), {whitespace}, '', 'g')) END"
    )


def _person_columns(person_columns: tuple[str, ...]) -> list[str]:
    unknown = set(person_columns) - set(PERSON_COLUMNS)
    if unknown:
        raise ValueError(f"not registry columns: {sorted(unknown)}")
    return [c for c in PERSON_COLUMNS if c in {"person_id", "household_id", *person_columns}]


def batch_columns(source: str) -> list[str]:
    """The batch's own columns kept for rules and evidence (not the ID number or the name:
    a kept row names its person by `person_id`)."""
    spec = SOURCES[source]
    return ["ref", *(c.name for c in spec.columns if c.type != "id" and c.name not in DROPPED)]


def matched_sql(source: str, person_columns: tuple[str, ...] = PERSON_COLUMNS) -> str:
    """This batch's matched rows (of the kept rows in `staged`)."""
    cols = [*batch_columns(source), *_person_columns(person_columns)]
    return f"SELECT {', '.join(cols)} FROM staged WHERE problem IS NULL"


def matched_year_sql(
    source: str, has_prior: bool, person_columns: tuple[str, ...] = PERSON_COLUMNS
) -> str:
    """This batch's matched rows, plus earlier batches' rows matched again to today's registry
    (by person: a person who has left the registry since no longer counts)."""
    if not has_prior:
        return "SELECT * FROM matched"
    cols = batch_columns(source)
    wanted = _person_columns(person_columns)
    return f"""
SELECT {", ".join([*cols, *wanted])} FROM matched
UNION ALL
SELECT {", ".join([*(f"r.{c}" for c in cols), *(f"p.{c}" for c in wanted)])}
FROM prior AS r
JOIN persons AS p ON p.person_id = r.person_id
"""
