"""Every error code of the village field work (grids, visits, self-reports, policies)."""

from __future__ import annotations

import enum


class FieldErrorCode(enum.StrEnum):
    # 400: a value given is wrong
    INVALID_GRID_LEVEL = "invalid_grid_level"
    GRID_LEVEL_REGION_MISMATCH = "grid_level_region_mismatch"
    GRID_OUTSIDE_PARENT = "grid_outside_parent"
    UNKNOWN_WORKER = "unknown_worker"
    UNKNOWN_REGION = "unknown_region"
    GRID_NOT_FOR_HOUSEHOLD = "grid_not_for_household"
    UNKNOWN_CHECK_ITEM = "unknown_check_item"
    VISIT_DATE_IN_FUTURE = "visit_date_in_future"
    VISIT_DATE_TOO_OLD = "visit_date_too_old"
    MARKUP_NOT_ALLOWED = "markup_not_allowed"
    HOUSEHOLD_NOT_IN_VILLAGE = "household_not_in_village"
    INVALID_POLICY_LEVEL = "invalid_policy_level"
    EMPTY_FIELD = "empty_field"
    INVALID_DAYS = "invalid_days"
    # 404
    UNKNOWN_ACTION = "unknown_action"
    # 409
    GRID_NAME_TAKEN = "grid_name_taken"
    REPORT_NOT_PENDING = "report_not_pending"
    # 429
    TOO_MANY_REPORTS = "too_many_reports"
