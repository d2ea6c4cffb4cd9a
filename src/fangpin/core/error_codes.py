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
    INVALID_PHONE = "invalid_phone"
    UNAUTHENTICATED = "unauthenticated"
    INVALID_BODY = "invalid_body"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    ERROR = "error"
    # The upload gate (core.files).
    FILE_REFUSED = "file_refused"
    FILE_TOO_COMPLEX = "file_too_complex"
    FILE_TOO_LARGE = "file_too_large"
    FILE_TYPE_NOT_ALLOWED = "file_type_not_allowed"
    UNREADABLE_FILE = "unreadable_file"
    UNSUPPORTED_FORMAT = "unsupported_format"
    # Keyset pagination (core.keyset): a cursor that is not one the list handed out.
    INVALID_CURSOR = "invalid_cursor"
    # Input refused at the edge (web.input_guard) and answers of last resort (web.errors).
    BAD_INPUT = "bad_input"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    SERVER_ERROR = "server_error"
    STORAGE_UNAVAILABLE = "storage_unavailable"
    # Idempotency-Key on API POSTs (core.idempotency).
    INVALID_IDEMPOTENCY_KEY = "invalid_idempotency_key"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
