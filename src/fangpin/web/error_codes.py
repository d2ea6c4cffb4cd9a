"""Every error code the web shell's own commands answer with (backup and restore)."""

from __future__ import annotations

import enum


class WebErrorCode(enum.StrEnum):
    BACKUP_FAILED = "backup_failed"
    BACKUP_FORMAT = "backup_format"
    BACKUP_MISSING = "backup_missing"
    BACKUP_TOOL_MISSING = "backup_tool_missing"
    BACKUP_UNSUPPORTED = "backup_unsupported"
