"""What every part of reading a file shares: the inspection result, the error, cell text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fangpin.core.errors import BadValue
from fangpin.core.files.child import cell_text

# A cell as text: the same function the gate's child uses when it stages an xlsx.
_text = cell_text

SAMPLE_ROWS = 1000


@dataclass(frozen=True)
class Inspected:
    fmt: str
    # column name -> the header as written in the file (parquet, xlsx) or its position (csv)
    columns: dict[str, str]
    positions: dict[str, int]
    encoding: str = "utf-8"
    delimiter: str = ","
    width: int = 0  # number of header cells (csv)
    # Parquet columns already typed: column name -> "date", "number" or "bool"
    native: dict[str, str] | None = None


def _fail(detail: str, code: str, extra: Any = None) -> BadValue:
    return BadValue(detail, code=code, extra=extra)
