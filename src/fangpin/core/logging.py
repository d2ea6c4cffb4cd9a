"""Keep ID numbers and phone numbers out of logs.

Two layers, so that no logger is missed:
- `install()` replaces the log record factory: every record made by any logger in the process
  (ours, Django's `django.server` request line and `django.request`, a production server's
  access log, libraries) is scrubbed when it is made, message, arguments, traceback and stack
  alike, before any handler or formatter sees it. settings.py calls it, so every process that
  loads the settings has it.
- `MaskPersonalDataFilter` sits on every handler of LOGGING as well, for records that reach a
  handler some other way (a record made before `install()`, or a factory replaced later).
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Callable
from typing import Any

_ID = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)")
_OLD_ID = re.compile(r"(?<!\d)(\d{6})\d{6}(\d{3})(?!\d)")  # 15 digits, 2-digit year
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def scrub(text: str) -> str:
    text = _ID.sub(r"\1********\2", text)
    text = _OLD_ID.sub(r"\1******\2", text)
    return _PHONE.sub(r"\1****\2", text)


def scrub_record(record: logging.LogRecord) -> logging.LogRecord:
    """Mask personal numbers in the record's message (with its args), traceback and stack."""
    try:
        message = record.getMessage()
    except Exception:  # a message whose args do not fit: leave it to the handler to report
        return record
    cleaned = scrub(message)
    if cleaned != message:
        record.msg, record.args = cleaned, None
    if record.exc_info and not record.exc_text:
        text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        record.exc_text = scrub(text)
    elif record.exc_text:
        record.exc_text = scrub(record.exc_text)
    if record.stack_info:
        record.stack_info = scrub(record.stack_info)
    return record


class MaskPersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        scrub_record(record)
        return True


_installed: list[Callable[..., logging.LogRecord]] = []


def install() -> None:
    """Scrub every log record of this process when it is made (idempotent)."""
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return scrub_record(previous(*args, **kwargs))

    _installed.append(factory)
    logging.setLogRecordFactory(factory)
