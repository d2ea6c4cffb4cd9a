"""Errors that reach users: a stable `code` for machines and a Chinese `detail` for people.

Services raise these; the API turns them into `{"detail", "code"}` with the matching status,
the HTML views show `detail`, and the CLI prints it on stderr and exits 1.
"""

from __future__ import annotations

from typing import Any


class FangpinError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, detail: str, *, code: str | None = None, extra: Any = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code
        self.extra = extra
        # HTTP headers the answer carries (the API and the pages add them).
        self.headers: dict[str, str] = {}


class BadValue(FangpinError):
    """A value the user gave is wrong (400)."""

    status = 400
    code = "bad_value"


class NotFound(FangpinError):
    """Missing, or outside the user's region: the two look the same (404)."""

    status = 404
    code = "not_found"

    def __init__(self, detail: str = "对象不存在或不在您的管辖范围内", **kwargs: Any) -> None:
        super().__init__(detail, **kwargs)


class Forbidden(FangpinError):
    """The user's role may not take this action (403)."""

    status = 403
    code = "forbidden"

    def __init__(self, detail: str = "您的角色无权执行此操作", **kwargs: Any) -> None:
        super().__init__(detail, **kwargs)


class Conflict(FangpinError):
    """A workflow guard refused, or another user acted first (409)."""

    status = 409
    code = "conflict"


class TooManyAttempts(FangpinError):
    """Locked for now (429); `retry_after` seconds until it may be tried again."""

    status = 429
    code = "too_many_attempts"

    def __init__(self, detail: str, *, retry_after: int, **kwargs: Any) -> None:
        super().__init__(detail, **kwargs)
        self.retry_after = retry_after
        self.headers["Retry-After"] = str(retry_after)
