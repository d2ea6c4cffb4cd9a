"""Run the spreadsheet reader in a child process with a memory and CPU limit.

python-calamine sizes its grid by a sheet's extent: one cell at XFD1048576 asks for 549 GB and
aborts the process. Here that process is a child (`child.py`, its address space capped with
RLIMIT_AS): a bad file kills only the child, and the user gets a 400 `file_too_complex`.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import pickle
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from .errors import FileTooComplex, FileUnreadable
from .kinds import Limits

CHILD = Path(__file__).with_name("child.py")
_ALLOWED = {("datetime", "date"), ("datetime", "datetime"), ("datetime", "time")}
_ALLOWED |= {("datetime", "timedelta")}


class _PlainUnpickler(pickle.Unpickler):
    """Only plain values and dates: a child that was subverted cannot run code here."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED:
            return getattr(dt, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not a plain value")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "RUST_BACKTRACE": "0",
            "MALLOC_ARENA_MAX": "2",
            "OMP_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1",
        }
    )
    return env


def run(task: str, *, limits: Limits, **args: Any) -> Any:
    """Run `task` of child.py on `args` under `limits`; raise FileTooComplex when the child
    runs out of memory or time or finds the sheet too big, FileUnreadable when it cannot read."""
    request = {
        "task": task,
        "memory": limits.memory,
        "seconds": limits.seconds,
        "args": {
            **args,
            "caps": {
                "rows": limits.max_rows,
                "columns": limits.max_columns,
                "cells": limits.max_cells,
            },
        },
    }
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and script, no shell
        [sys.executable, str(CHILD)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=_env(),
    )
    try:
        out, _ = process.communicate(json.dumps(request).encode(), timeout=limits.seconds + 10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise FileTooComplex("读取超时", reason="time") from None
    code = process.returncode
    if code == -signal.SIGXCPU:
        raise FileTooComplex("读取超时", reason="time")
    if code != 0:
        # A failed allocation aborts (Rust) or raises MemoryError (Python): out of memory.
        raise FileTooComplex("读取时超出内存上限", reason="memory")
    try:
        answer = _PlainUnpickler(io.BytesIO(out)).load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError):
        raise FileUnreadable("文件无法读取") from None
    error = answer.get("error") if isinstance(answer, dict) else "unreadable"
    if error == "too_big":
        rows, columns = answer["rows"], answer["columns"]
        raise FileTooComplex(
            f"工作表实际范围为 {rows} 行 × {columns} 列,超过上限 {limits.max_rows} 行、"
            f"{limits.max_columns} 列、共 {limits.max_cells} 个单元格",
            reason="extent",
        )
    if error is not None:
        raise FileUnreadable("文件已损坏或不是有效的 Excel 文件")
    return answer["value"]
