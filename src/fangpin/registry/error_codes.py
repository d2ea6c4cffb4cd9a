"""Every error code the registry app answers with (the `code` of `{detail, code}`)."""

from __future__ import annotations

import enum


class RegistryErrorCode(enum.StrEnum):
    ROLE_READ_ONLY = "role_read_only"
    VILLAGE_NOT_FOUND = "village_not_found"
    HEAD_COUNT = "head_count"
    DUPLICATE_PERSON = "duplicate_person"
    PERSON_IN_OTHER_HOUSEHOLD = "person_in_other_household"
    INVALID_CHOICE = "invalid_choice"
    EMPTY_NAME = "empty_name"
    NO_MEMBERS = "no_members"
    NOT_A_MEMBER = "not_a_member"
    HEAD_REQUIRED = "head_required"
    NEGATIVE_AMOUNT = "negative_amount"
    INVALID_AMOUNT = "invalid_amount"
    INVALID_YEAR = "invalid_year"
    SAME_HOUSEHOLD = "same_household"
    EMPTY_HOUSEHOLD = "empty_household"
    EMPTY_TITLE = "empty_title"
    FILE_TOO_LARGE = "file_too_large"
    HOUSEHOLD_NUMBER_TAKEN = "household_number_taken"
    HOUSEHOLD_NUMBERS_EXHAUSTED = "household_numbers_exhausted"
    IMPORT_CONFLICT = "import_conflict"
    INVALID_HOUSEHOLDS = "invalid_households"
    INVALID_BATCH_SIZE = "invalid_batch_size"
    INVALID_PROCESSES = "invalid_processes"
    REGION_NOT_FOUND = "region_not_found"
    UNKNOWN_REGION = "unknown_region"
