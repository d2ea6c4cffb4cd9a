"""Every error code the villages board answers with (the `code` of `{detail, code}`)."""

from __future__ import annotations

import enum


class BoardErrorCode(enum.StrEnum):
    INVALID_REGION = "invalid_region"
    INVALID_DATES = "invalid_dates"
    INVALID_PROBLEM_TYPE = "invalid_problem_type"
    INVALID_PROBLEM_STATUS = "invalid_problem_status"
    NOT_A_VILLAGE = "not_a_village"
    HOUSEHOLD_NOT_IN_VILLAGE = "household_not_in_village"
    ROUND_NOT_COVERING_VILLAGE = "round_not_covering_village"
    UNKNOWN_ACTION = "unknown_action"
    PROBLEM_NOT_OPEN = "problem_not_open"
    PROBLEM_NOT_RECTIFIED = "problem_not_rectified"
    PROBLEM_CHANGED = "problem_changed"
    MEASURES_REQUIRED = "measures_required"
    REASON_REQUIRED = "reason_required"
    UNKNOWN_CRITERION = "unknown_criterion"
    INVALID_PERIOD = "invalid_period"
    IMPORT_ROWS_INVALID = "import_rows_invalid"
    MISSING_TEXT = "missing_text"
