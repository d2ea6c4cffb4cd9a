"""Every error code the accounts app answers with (the `code` of `{detail, code}`)."""

from __future__ import annotations

import enum


class AccountsErrorCode(enum.StrEnum):
    UNAUTHENTICATED = "unauthenticated"
    INVALID_CREDENTIALS = "invalid_credentials"
    LOGIN_LOCKED = "login_locked"
    ROLE_REGION_MISMATCH = "role_region_mismatch"
    UNKNOWN_REGION = "unknown_region"
    UNKNOWN_ROLE = "unknown_role"
    NOT_SUPERUSER = "not_superuser"
    EMPTY_NAME = "empty_name"
    WEAK_PASSWORD = "weak_password"  # noqa: S105 (an error code, not a password)
