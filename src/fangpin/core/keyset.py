"""Keyset pagination: the next page starts after the last row shown, never at an OFFSET.

An OFFSET makes the database read and throw away every earlier row (page 5,000 of a city's
households reads 100,000 index entries), and rows inserted while someone pages shift the rows
after them (one shown twice, another never). A cursor names the last row's sort key instead;
the next page is the rows strictly after it in the list's order, which an index on that order
answers with one range scan, at any depth and any table size.

The order must end in a unique key (`id`, 户编号) so that it is total. A cursor is opaque to
clients (URL-safe base64 of the JSON key); a damaged one answers 400 `invalid_cursor`.

Counting is capped the same way: a list never counts more than COUNT_CAP rows per request (a
city's million households would cost a full index scan per page view); above the cap it says
so (`count_capped`) and shows the cap.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet

from .error_codes import CoreErrorCode
from .errors import BadValue

M = TypeVar("M", bound=Model)

COUNT_CAP = 10_000
MAX_PAGE = 100_000  # a huge page number would overflow the SQL OFFSET


@dataclass(frozen=True)
class Page(Generic[M]):
    rows: list[M]
    next_cursor: str | None
    count: int
    count_capped: bool


def _bad() -> BadValue:
    return BadValue("分页游标无效,请从第一页重新开始", code=CoreErrorCode.INVALID_CURSOR)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):  # datetime too
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def encode(values: Sequence[Any]) -> str:
    raw = json.dumps([_plain(v) for v in values], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(cursor: str, length: int) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw.decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise _bad() from None
    if not isinstance(values, list) or len(values) != length:
        raise _bad()
    if any(v is None or not isinstance(v, bool | int | float | str) for v in values):
        raise _bad()
    return values


def after_q(order: Sequence[str], values: Sequence[Any]) -> Q:
    """Rows strictly after `values` in `order` (names, "-" for descending).

    Written as `a ≥ x AND (a > x OR (a = x AND b > y) ...)`: the leading bound lets the
    database start its index scan at the cursor instead of filtering from the first row.
    """
    names = [f.lstrip("-") for f in order]
    ops = ["lt" if f.startswith("-") else "gt" for f in order]
    either: Q = Q()
    for i, name in enumerate(names):
        equal = {names[j]: values[j] for j in range(i)}
        either |= Q(**equal, **{f"{name}__{ops[i]}": values[i]})
    bound = Q(**{f"{names[0]}__{ops[0]}e": values[0]})
    return bound & either


def capped_count(qs: QuerySet[Any], cap: int | None = None) -> tuple[int, bool]:
    """(count, capped): at most `cap + 1` rows are read to say "more than cap"."""
    cap = COUNT_CAP if cap is None else cap
    found = qs.order_by()[: cap + 1].count()
    return (cap, True) if found > cap else (found, False)


def keyset_page(
    qs: QuerySet[M],
    order: Sequence[str],
    *,
    size: int,
    cursor: str | None = None,
    page: int = 1,
    count_cap: int | None = None,
) -> Page[M]:
    """One page of `qs` in `order`: after `cursor` when given, else page number `page`
    (OFFSET, kept for the contract's `page=`). `next_cursor` is None on the last page."""
    qs = qs.order_by(*order)
    count, capped = capped_count(qs, count_cap)
    if cursor:
        values = decode(cursor, len(order))
        try:
            window = qs.filter(after_q(order, values))[: size + 1]
            rows = list(window)
        except (ValidationError, ValueError, TypeError):  # a value of the wrong type
            raise _bad() from None
    else:
        start = (min(max(page, 1), MAX_PAGE) - 1) * size
        rows = list(qs[start : start + size + 1])
    more = len(rows) > size
    rows = rows[:size]
    next_cursor = encode([getattr(rows[-1], f.lstrip("-")) for f in order]) if more else None
    return Page(rows=rows, next_cursor=next_cursor, count=count, count_capped=capped)
