"""Every error code the programs app answers with (the `code` of `{detail, code}`)."""

from __future__ import annotations

import enum


class ProgramsErrorCode(enum.StrEnum):
    ROLE_READ_ONLY = "programs_read_only"
    REGION_NOT_FOUND = "program_region_not_found"
    INVALID_CHOICE = "program_invalid_choice"
    INVALID_AMOUNT = "program_invalid_amount"
    INVALID_YEAR = "program_invalid_year"
    EMPTY_FIELD = "program_empty_field"
    FUND_NOT_FOUND = "fund_allocation_not_found"
    PROJECT_NOT_FOUND = "project_not_found"
    ENTITY_NOT_FOUND = "entity_not_found"
    LINK_HOUSEHOLD_NOT_FOUND = "benefit_link_household_not_found"
    PERSON_NOT_FOUND = "worker_person_not_found"
    WORKER_DATES = "worker_dates_out_of_order"
    INVALID_DATE = "program_invalid_date"
    INVALID_COUNT = "program_invalid_count"
    ALREADY_WORKING = "worker_already_in_workshop"
    INVALID_ROWS = "program_import_invalid_rows"
    UNKNOWN_KIND = "program_import_unknown_kind"
    # Asset income, disposal, yearly check and 联村共建 (issue 12, assets half).
    ASSET_NOT_FOUND = "asset_not_found"
    HOUSEHOLD_NOT_FOUND = "asset_income_household_not_found"
    DUPLICATE_HOUSEHOLD = "asset_income_duplicate_household"
    OVER_DISTRIBUTED = "asset_income_over_distributed"
    NO_HOUSEHOLDS = "asset_income_no_households"
    ASSET_DISPOSED = "asset_already_disposed"
    DISPOSAL_OPEN = "asset_disposal_already_open"
    DISPOSAL_WRONG_STATE = "asset_disposal_wrong_state"
    DISPOSAL_UNKNOWN_ACTION = "asset_disposal_unknown_action"
    CHECK_ROUND_EXISTS = "asset_check_round_exists"
    CHECK_OUTSIDE_ROUND = "asset_check_outside_round"
    GROUP_TOO_FEW_VILLAGES = "village_group_too_few_villages"
    GROUP_VILLAGE_OUTSIDE = "village_group_village_outside_county"


# Training, transfer employment, public-welfare jobs and the labour force (employment half).
class EmploymentErrorCode(enum.StrEnum):
    SCHOOL_NOT_FOUND = "training_school_not_found"
    SCHOOL_EXISTS = "training_school_exists"
    COURSE_NOT_FOUND = "training_course_not_found"
    MAJOR_NOT_OFFERED = "training_major_not_offered"
    COURSE_DATES = "training_course_dates_out_of_order"
    COURSE_FULL = "training_course_full"
    ALREADY_ENROLLED = "training_already_enrolled"
    CERTIFICATE_EXISTS = "training_certificate_exists"
    JOB_DATES = "job_dates_out_of_order"
    ALREADY_IN_JOB = "already_in_public_job"
    TRANSFER_EXISTS = "transfer_already_recorded"
