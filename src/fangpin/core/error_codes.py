"""Every error code the core app answers with (the `code` of `{detail, code}`)."""

from __future__ import annotations

import enum


class CoreErrorCode(enum.StrEnum):
    BAD_REQUEST = "bad_request"
    BAD_VALUE = "bad_value"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    CONFLICT = "conflict"
    TOO_MANY_ATTEMPTS = "too_many_attempts"
    NOT_EXCEL = "not_excel"
    EMPTY_FILE = "empty_file"
    INVALID_ID_NUMBER = "invalid_id_number"
    UNAUTHENTICATED = "unauthenticated"
    INVALID_BODY = "invalid_body"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    ERROR = "error"
