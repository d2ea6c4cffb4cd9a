"""Shared pieces of screening: who may do what, engines, data periods, batch work folders."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from fangpin.accounts.models import Role
from fangpin.core.errors import BadValue

from ..export import screening_dir

UPLOAD_ROLES = frozenset({Role.DEPARTMENT, Role.COUNTY})
ACT_ROLES = frozenset({Role.VILLAGE, Role.TOWNSHIP, Role.COUNTY})
ENGINES = ("duckdb", "spark")
EVIDENCE_ROWS = 50
_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    match = _PERIOD.match(period or "")
    if not match:
        raise BadValue("数据期间应为 YYYY-MM 格式,例如 2024-03", code="invalid_period")
    year, month = int(match.group(1)), int(match.group(2))
    start = dt.date(year, month, 1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return start, end


def batch_dir(batch_id: int) -> Path:
    return screening_dir() / "batches" / str(batch_id)
