"""Generated rows as ready COPY buffers (PostgreSQL's text format), built in the generator
processes so that the process writing to the database only passes bytes on."""

from __future__ import annotations

import datetime as dt
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


def copy_buffer(model: type[models.Model], rows: list[dict[str, Any]]) -> bytes:
    """`rows` (dicts keyed by attribute name) as COPY text, one line per row; attributes a
    row lacks take the field's default, as `Model.objects.create` would."""
    if not rows:
        return b""
    fields = model._meta.concrete_fields
    names = [f.attname for f in fields]
    defaults = {f.attname: f.get_default() for f in fields if f.attname not in rows[0]}
    by_type, other = _BY_TYPE.get, _other
    lines = [
        "\t".join(
            [by_type(type(v), other)(v) for v in [row.get(n, defaults.get(n)) for n in names]]
        )
        for row in rows
    ]
    lines.append("")
    return "\n".join(lines).encode()
