"""Generated rows as ready COPY buffers (PostgreSQL's text format), built in the generator
processes so that the process writing to the database only passes bytes on."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import models

# Backslash, tab, newline and carriage return are the characters COPY's text format escapes.
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_NULL = "\\N"


def _escaped(value: str) -> str:
    return value.translate(_ESCAPES)


def _null(_: None) -> str:
    return _NULL


def _boolean(value: bool) -> str:
    return "t" if value else "f"


# By exact type: the generated rows' types; anything else goes through `_other`.
_BY_TYPE: dict[type, Callable[[Any], str]] = {
    str: _escaped,
    int: str,
    Decimal: str,
    type(None): _null,
    bool: _boolean,
    dt.date: dt.date.isoformat,
    dt.datetime: dt.datetime.isoformat,
}


def _other(value: Any) -> str:
    return str(value).translate(_ESCAPES)


def _text(value: Any) -> str:
    """One value as COPY text."""
    return _BY_TYPE.get(type(value), _other)(value)


def copy_columns(model: type[models.Model]) -> list[str]:
    """The column names, in the order `copy_buffer` writes them."""
    return [str(f.column) for f in model._meta.concrete_fields]


def copy_statement(model: type[models.Model]) -> str:
    from django.db import connection

    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in copy_columns(model))
    return f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"


def _row_formatter(
    model: type[models.Model], present: frozenset[str]
) -> tuple[Callable[[dict[str, Any]], str], int]:
    """A function that writes one row dict as a COPY line (without the newline), compiled
    once per table and set of present attributes, and the number of columns.

    Values go into one f-string: str() of an int, Decimal, date or aware datetime is already
    what COPY reads, so only NULLs and booleans need a test, and text is not escaped here
    (`copy_buffer` checks the result and falls back to escaping every value if a text
    contained a tab, newline or backslash). Attributes missing from the rows take the
    field's default, written once into the template.
    """
    parts, constants = [], []
    for field in model._meta.concrete_fields:
        name = field.attname
        if name not in present:
            default = field.get_default()
            if isinstance(field, models.JSONField):
                text = _escaped(json.dumps(default, ensure_ascii=False))
            else:
                text = _text(default)
            constants.append(text)
            parts.append(f"{{K[{len(constants) - 1}]}}")
            continue
        value = f'r["{name}"]'
        if field.get_internal_type() == "BooleanField":
            expr = f'("t" if {value} else "f")'
        else:
            expr = value
        if field.null:
            expr = f"(N if {value} is None else {expr})"
        parts.append("{" + expr + "}")
    source = "lambda r: f'" + "\\t".join(parts) + "'"
    formatter = eval(source, {"N": _NULL, "K": tuple(constants)})  # noqa: S307 (built above)
    return formatter, len(parts)


def copy_buffer(model: type[models.Model], rows: list[dict[str, Any]]) -> bytes:
    """`rows` (dicts keyed by attribute name) as COPY text, one line per row; attributes a
    row lacks take the field's default, as `Model.objects.create` would."""
    if not rows:
        return b""
    present = frozenset(rows[0])
    formatter, columns = _formatter(model, present)
    text = "\n".join([formatter(row) for row in rows]) + "\n"
    # Exactly the separators the template wrote and no backslash but the NULL markers': no
    # value needed escaping (a text holding a literal \N would pass; generated ones never do).
    clean = (
        text.count("\t") == len(rows) * (columns - 1)
        and text.count("\n") == len(rows)
        and text.count("\\") == text.count(_NULL)
        and "\r" not in text
    )
    if not clean:
        text = _escaping_buffer(model, rows)
    return text.encode()


_FORMATTERS: dict[tuple[type[models.Model], frozenset[str]], Any] = {}


def _formatter(
    model: type[models.Model], present: frozenset[str]
) -> tuple[Callable[[dict[str, Any]], str], int]:
    key = (model, present)
    if key not in _FORMATTERS:
        _FORMATTERS[key] = _row_formatter(model, present)
    return _FORMATTERS[key]  # type: ignore[no-any-return]


def _escaping_buffer(model: type[models.Model], rows: list[dict[str, Any]]) -> str:
    """The slow way: every value converted and escaped on its own."""
    fields = model._meta.concrete_fields
    names = [f.attname for f in fields]
    defaults = {f.attname: f.get_default() for f in fields if f.attname not in rows[0]}
    lines = ["\t".join([_text(row[n] if n in row else defaults[n]) for n in names]) for row in rows]
    return "\n".join(lines) + "\n"
