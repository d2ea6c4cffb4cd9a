"""Migration operations that run SQL on PostgreSQL only (indexes SQLite cannot have:
trigram, covering, partial on expressions), leaving SQLite's plain indexes as they are."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import migrations


def _run(statements: list[str]) -> Callable[[Any, Any], None]:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


def postgres_only(forward: list[str], backward: list[str]) -> migrations.RunPython:
    return migrations.RunPython(_run(forward), _run(backward), elidable=False)
