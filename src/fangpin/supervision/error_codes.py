"""Stable error codes of supervision (the `code` of `{"detail", "code"}`)."""

from __future__ import annotations

from enum import StrEnum


class SupervisionCode(StrEnum):
    TASK_IMPORT_INVALID = "task_import_invalid"
    TASK_LIST_IN_USE = "task_list_in_use"
    BAD_PERIOD = "bad_period"
    BAD_LEVEL = "bad_level"
    INDICATOR_COMPUTED = "indicator_computed"
    REPORT_REGION_LEVEL = "report_region_level"
    REPORT_LOCKED = "report_locked"
    REPORT_NOT_SUBMITTED = "report_not_submitted"
    REPORT_NOT_APPROVED = "report_not_approved"
    NOT_THE_APPROVER = "not_the_approver"
    UNKNOWN_ACTION = "unknown_action"
    COMMENT_REQUIRED = "comment_required"
    SAMPLE_SIZE = "sample_size"
    FOLLOW_UP_CLOSED = "follow_up_closed"
    FOLLOW_UP_OPEN = "follow_up_open"
    NOTE_REQUIRED = "note_required"
    DECISIONS_REQUIRED = "decisions_required"
