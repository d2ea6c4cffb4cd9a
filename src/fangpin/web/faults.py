"""Faults of the machine, not of the request: a dropped database connection and storage that
cannot be written (a read-only database, a full disk).

- A GET or HEAD whose database connection died (PostgreSQL restarted, a connection killed)
  is run once more on a fresh connection: reads are safe to repeat. Writes are not retried;
  CONN_HEALTH_CHECKS (settings) already replaces a dead idle connection before a request uses it.
- A write refused because the storage is read-only or full answers 503 `storage_unavailable`
  (JSON under /api/, a Chinese page elsewhere) instead of a stack trace.
"""

from __future__ import annotations

import errno
import logging
from collections.abc import Callable

from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse

from .errors import error_response

log = logging.getLogger(__name__)

STORAGE_UNAVAILABLE = (
    "存储暂不可用(数据库只读或磁盘已满),本次操作没有保存。请稍后再试,并通知系统管理员。"
)
_STORAGE_ERRNOS = {errno.ENOSPC, errno.EROFS, errno.EDQUOT}
# SQLite and PostgreSQL messages for a database that cannot be written.
_STORAGE_MESSAGES = (
    "readonly database",
    "read-only transaction",
    "database or disk is full",
    "disk i/o error",
    "no space left on device",
    "could not extend file",
)
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def is_storage_fault(exc: BaseException) -> bool:
    for error in _chain(exc):
        if isinstance(error, OSError) and error.errno in _STORAGE_ERRNOS:
            return True
        if isinstance(error, DatabaseError | OSError):
            text = str(error).lower()
            if any(message in text for message in _STORAGE_MESSAGES):
                return True
    return False


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _dropped_connection(exc: BaseException) -> bool:
    """A connection error on a connection that is now unusable (and not inside a transaction
    the request opened: repeating half a transaction would not be a repeat)."""
    if not isinstance(exc, OperationalError | InterfaceError):
        return False
    broken = False
    for conn in connections.all(initialized_only=True):
        if conn.in_atomic_block:
            return False
        if conn.connection is not None and not conn.is_usable():
            broken = True
    return broken


class FaultMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_storage_fault(exception):
            log.error("storage unavailable: %s %s: %s", request.method, request.path, exception)
            return error_response(
                request, status=503, detail=STORAGE_UNAVAILABLE, code="storage_unavailable"
            )
        if (
            request.method in _SAFE_METHODS
            and not getattr(request, "_fangpin_retried", False)
            and request.resolver_match is not None
            and _dropped_connection(exception)
        ):
            log.warning("database connection lost, retrying %s once", request.path)
            for conn in connections.all(initialized_only=True):
                conn.close()
            request._fangpin_retried = True  # type: ignore[attr-defined]
            match = request.resolver_match
            response: HttpResponse = match.func(request, *match.args, **match.kwargs)
            return response
        return None
