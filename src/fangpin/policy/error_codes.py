"""Every error code the policy app answers with (the `code` of `{detail, code}`)."""

from __future__ import annotations

import enum


class PolicyErrorCode(enum.StrEnum):
    INVALID_NUMBER = "invalid_number"
    INVALID_YEAR = "invalid_year"
    UNKNOWN_PARAMETER = "unknown_parameter"
    UNKNOWN_TERM = "unknown_term"
    INVALID_TERM = "invalid_term"
