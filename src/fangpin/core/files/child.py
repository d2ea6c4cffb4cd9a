"""The spreadsheet reader's child process: `python child.py`, request as JSON on stdin.

It caps its own address space and CPU time first, then reads; a file that makes the reader
allocate without bound kills only this process. The answer is a pickle on stdout of plain
values (lists, text, numbers, dates), read back by `bounded` with an unpickler that accepts
nothing else. This module imports nothing of Fangpin, so that the child stays small.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import re
import resource
import sys
from collections.abc import Callable
from typing import Any

MEMORY_EXIT = 3


def cell_text(value: Any) -> str | None:
    """A cell as text the way the screening engines read it (shared with `screening`)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _limit(memory: int, seconds: int) -> None:
    """Cap address space at what the imports took plus `memory`, and CPU time at `seconds`
    (never above a hard limit the parent already has)."""
    with open("/proc/self/status", encoding="ascii") as status:
        found = re.search(r"VmSize:\s+(\d+)\s+kB", status.read())
    used = int(found.group(1)) * 1024 if found else 0
    for which, soft, hard in (
        (resource.RLIMIT_AS, used + memory, used + memory),
        (resource.RLIMIT_CPU, seconds, seconds + 5),
    ):
        _, ceiling = resource.getrlimit(which)
        if ceiling != resource.RLIM_INFINITY:
            soft, hard = min(soft, ceiling), min(hard, ceiling)
        resource.setrlimit(which, (soft, hard))


def _sheet(path: str, caps: dict[str, int]) -> Any:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(path)
    if not book.sheet_names:
        return None
    sheet = book.get_sheet_by_index(0)
    rows, columns = sheet.total_height, sheet.total_width
    if rows > caps["rows"] or columns > caps["columns"] or rows * columns > caps["cells"]:
        raise _TooBig(rows, columns)
    return sheet


class _TooBig(Exception):
    def __init__(self, rows: int, columns: int) -> None:
        super().__init__(rows, columns)
        self.rows, self.columns = rows, columns


def task_rows(path: str, caps: dict[str, int], nrows: int | None = None) -> Any:
    sheet = _sheet(path, caps)
    if sheet is None:
        return []
    return sheet.to_python(skip_empty_area=False, nrows=nrows)


def task_parquet(path: str, caps: dict[str, int], dest: str, columns: dict[str, int]) -> int:
    """Write rows 2.. of the first sheet as Parquet of text cells: row_no, r_<name>."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    sheet = _sheet(path, caps)
    rows = sheet.to_python(skip_empty_area=False) if sheet is not None else []
    body = rows[1:]
    del rows
    data: dict[str, Any] = {"row_no": pa.array(range(1, len(body) + 1), pa.int64())}
    for name, i in columns.items():
        data[f"r_{name}"] = pa.array(
            [cell_text(r[i]) if i < len(r) else None for r in body], pa.string()
        )
    pq.write_table(pa.table(data), dest)
    return len(body)


TASKS: dict[str, Callable[..., Any]] = {"rows": task_rows, "parquet": task_parquet}


def main() -> None:
    request = json.loads(sys.stdin.buffer.read())
    _limit(request["memory"], request["seconds"])
    try:
        value = TASKS[request["task"]](**request["args"])
        answer: dict[str, Any] = {"value": value}
    except MemoryError:
        os._exit(MEMORY_EXIT)
    except _TooBig as big:
        answer = {"error": "too_big", "rows": big.rows, "columns": big.columns}
    except Exception as exc:  # the reader's many kinds of "this is not a workbook"
        answer = {"error": "unreadable", "detail": type(exc).__name__}
    try:
        sys.stdout.buffer.write(pickle.dumps(answer, protocol=5))
        sys.stdout.buffer.flush()
    except MemoryError:
        os._exit(MEMORY_EXIT)


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    main()
