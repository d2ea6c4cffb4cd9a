"""Django's SQLite backend, except that a decimal wider than its column still reads back.

SQLite stores whatever number it is given; before the input bounds existed, a wage of 1e20
went into a numeric(12,2) column, and Django's converter then raised InvalidOperation on
every page that read the row (the household page, lists, exports), for every user above it.
Such a value now reads back as it is, so the pages show it and a user can correct it.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.backends.sqlite3 import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    def get_decimalfield_converter(self, expression: Any) -> Callable[..., Any]:
        strict = super().get_decimalfield_converter(expression)

        def converter(value: Any, expression: Any, connection: Any) -> Any:
            try:
                return strict(value, expression, connection)
            except InvalidOperation:
                return Decimal(str(value))

        return converter


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
