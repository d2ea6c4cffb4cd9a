"""Every error code the screening app answers with (the `code` of `{detail, code}`)."""

from __future__ import annotations

import enum


class ScreeningErrorCode(enum.StrEnum):
    BATCH_BUSY = "batch_busy"
    DUPLICATE_COLUMNS = "duplicate_columns"
    EMPTY_FILE = "empty_file"
    FILE_REQUIRED = "file_required"
    FORMAT_MISMATCH = "format_mismatch"
    INVALID_BATCH = "invalid_batch"
    INVALID_ENGINE = "invalid_engine"
    INVALID_PERIOD = "invalid_period"
    INVALID_REGION = "invalid_region"
    INVALID_STATUS = "invalid_status"
    REASON_REQUIRED = "reason_required"
    UNKNOWN_ACTION = "unknown_action"
    UNKNOWN_SOURCE = "unknown_source"
    UNSUPPORTED_FORMAT = "unsupported_format"
    WARNING_NOT_OPEN = "warning_not_open"
    MISSING_COLUMNS = "missing_columns"
    UNREADABLE_FILE = "unreadable_file"
    WRONG_TYPE = "wrong_type"
