"""Error codes of the employment half of the programs app (training, transfer employment,
public-welfare jobs, the labour force); the rest are in `error_codes`."""

from __future__ import annotations

import enum


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
