"""Writes of the employment half of the programs app: training schools, courses, enrolments
and certificates; transfer employment with transport subsidies; public-welfare jobs.

Same rules as `services`: role first (403), then scope (404), one transaction, history kept
with the user. The same record entered twice is refused (409), so a repeated form or import
has the effect of once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from fangpin.core.errors import BadValue, Conflict, NotFound
from fangpin.core.scoping import get_scoped
from fangpin.regions.models import Level
from fangpin.registry.models import Household, Person

from .error_codes import EmploymentErrorCode as Code
from .error_codes import ProgramsErrorCode
from .models import (
    Certificate,
    Enrolment,
    PublicWelfareJob,
    SchoolType,
    TrainingCourse,
    TrainingSchool,
    TransferEmployment,
)
from .services import (
    COUNTY_WRITERS,
    FIELD_WRITERS,
    _amount,
    _choice,
    _region,
    _require,
    _save,
    _text,
)

if TYPE_CHECKING:
    from fangpin.accounts.models import User

MAX_MAJORS = 30
MAX_CAPACITY = 10_000


def majors_list(value: object) -> list[str]:
    """Majors as a list of distinct names, from a list or a text split on 、,,;; or spaces."""
    if isinstance(value, str):
        for sep in ",,;;\n":
            value = value.replace(sep, "、")
        items: Iterable[object] = value.split("、")
    elif isinstance(value, Iterable):
        items = value
    else:
        items = []
    out: list[str] = []
    for item in items:
        name = " ".join(str(item or "").split())[:64]
        if name and name not in out:
            out.append(name)
    if not out:
        raise BadValue("开设专业不能为空", code=ProgramsErrorCode.EMPTY_FIELD)
    if len(out) > MAX_MAJORS:
        raise BadValue(f"开设专业最多 {MAX_MAJORS} 个", code=ProgramsErrorCode.INVALID_COUNT)
    return out


def _member(user: User, person_id: int) -> tuple[Person, Household]:
    """A person of the user's region and their current household (404 otherwise)."""
    try:
        person = get_scoped(Person.objects.all(), user, pk=person_id)
    except NotFound:
        raise NotFound(
            "人员不存在或不在您的管辖范围内", code=ProgramsErrorCode.PERSON_NOT_FOUND
        ) from None
    membership = person.memberships.filter(ended_on__isnull=True).select_related("household")
    current = membership.first()
    if current is None:
        raise NotFound("人员不存在或不在您的管辖范围内", code=ProgramsErrorCode.PERSON_NOT_FOUND)
    return person, current.household


def course_for(user: User, course_id: int, *, lock: bool = False) -> TrainingCourse:
    """A course of a school in the user's county (a township or village user trains at its
    county's schools, which lie above it), or NotFound."""
    from .selectors_employment import county_codes

    qs = TrainingCourse.objects.filter(school__county__in=county_codes(user, None))
    course = (qs.select_for_update(of=("self",)) if lock else qs).filter(pk=course_id).first()
    if course is None:
        raise NotFound("培训班不存在或不在您的管辖范围内", code=Code.COURSE_NOT_FOUND)
    return course


def _dates(starts_on: dt.date, ends_on: dt.date | None, what: str) -> None:
    if ends_on is not None and ends_on < starts_on:
        raise BadValue(f"{what}结束日期不能早于开始日期", code=Code.JOB_DATES)


# ---------------------------------------------------------------- training


@transaction.atomic
def school_create(
    *, user: User, name: object, county_code: object, type: object, majors: object
) -> TrainingSchool:
    _require(user, COUNTY_WRITERS)
    county = _region(user, county_code, Level.COUNTY, "县")
    school = TrainingSchool(
        name=_text(name, "学校名称"),
        county=county,
        type=_choice(type, SchoolType, "学校类型"),
        majors=majors_list(majors),
    )
    if TrainingSchool.objects.filter(county=county, name=school.name).exists():
        raise Conflict(f"{county.name}已登记{school.name}", code=Code.SCHOOL_EXISTS)
    _save(school, user)
    return school


@transaction.atomic
def course_create(
    *,
    user: User,
    school_id: int,
    major: object,
    starts_on: dt.date,
    ends_on: dt.date,
    capacity: int,
) -> TrainingCourse:
    _require(user, COUNTY_WRITERS)
    try:
        school = get_scoped(TrainingSchool.objects.all(), user, pk=school_id)
    except NotFound:
        raise NotFound("培训学校不存在或不在您的管辖范围内", code=Code.SCHOOL_NOT_FOUND) from None
    name = _text(major, "专业", limit=64)
    if name not in school.majors:
        offered = "、".join(school.majors)
        raise BadValue(
            f"{school.name}未开设专业“{name}”(开设:{offered})", code=Code.MAJOR_NOT_OFFERED
        )
    if ends_on < starts_on:
        raise BadValue("结业日期不能早于开班日期", code=Code.COURSE_DATES)
    if not 1 <= int(capacity) <= MAX_CAPACITY:
        raise BadValue(
            f"计划人数应在 1 至 {MAX_CAPACITY} 之间", code=ProgramsErrorCode.INVALID_COUNT
        )
    course = TrainingCourse(
        school=school, major=name, starts_on=starts_on, ends_on=ends_on, capacity=int(capacity)
    )
    _save(course, user)
    return course


@transaction.atomic
def enrol(
    *, user: User, course_id: int, person_id: int, enrolled_on: dt.date | None = None
) -> Enrolment:
    """Enrol a registered person of the user's region in a course of a school the user sees
    (a county's schools train its people; the city sees all)."""
    _require(user, FIELD_WRITERS)
    course = course_for(user, course_id, lock=True)
    person, household = _member(user, person_id)
    if course.enrolments.filter(person=person).exists():
        raise Conflict(f"{person.name}已报名该培训班", code=Code.ALREADY_ENROLLED)
    if course.enrolments.count() >= course.capacity:
        raise Conflict(f"该培训班已满({course.capacity} 人)", code=Code.COURSE_FULL)
    enrolment = Enrolment(
        course=course,
        person=person,
        household=household,
        enrolled_on=enrolled_on or timezone.localdate(),
        created_by=user,
    )
    _save(enrolment, user)
    return enrolment


@transaction.atomic
def certificate_add(
    *,
    user: User,
    person_id: int,
    kind: object,
    issued_on: dt.date,
    course_id: int | None = None,
) -> Certificate:
    _require(user, FIELD_WRITERS)
    person, household = _member(user, person_id)
    name = _text(kind, "证书名称", limit=100)
    if Certificate.objects.filter(person=person, kind=name, issued_on=issued_on).exists():
        raise Conflict(f"{person.name}的{name}已登记", code=Code.CERTIFICATE_EXISTS)
    course = None
    if course_id is not None:
        course = course_for(user, course_id)
    certificate = Certificate(
        person=person,
        household=household,
        kind=name,
        issued_on=issued_on,
        course=course,
        created_by=user,
    )
    _save(certificate, user)
    return certificate


# ---------------------------------------------------------------- transfer and public jobs


@transaction.atomic
def transfer_create(
    *,
    user: User,
    person_id: int,
    destination: object,
    employer: object,
    starts_on: dt.date,
    point_to_point: bool = False,
    subsidy: object = 0,
    paid_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> TransferEmployment:
    _require(user, FIELD_WRITERS)
    person, household = _member(user, person_id)
    _dates(starts_on, ends_on, "务工")
    where = _text(destination, "务工地点", limit=100)
    employer_name = _text(employer, "用工单位")
    same = TransferEmployment.objects.filter(
        person=person, employer=employer_name, starts_on=starts_on
    )
    if same.exists():
        raise Conflict(f"{person.name}的这次转移就业已登记", code=Code.TRANSFER_EXISTS)
    transfer = TransferEmployment(
        person=person,
        household=household,
        destination=where,
        employer=employer_name,
        starts_on=starts_on,
        ends_on=ends_on,
        point_to_point=bool(point_to_point),
        subsidy=_amount(subsidy or 0, "交通补贴"),
        paid_on=paid_on,
        created_by=user,
    )
    _save(transfer, user)
    return transfer


@transaction.atomic
def public_job_create(
    *,
    user: User,
    person_id: int,
    post: object,
    village_code: object,
    monthly_pay: object,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
) -> PublicWelfareJob:
    _require(user, FIELD_WRITERS)
    person, household = _member(user, person_id)
    village = _region(user, village_code, Level.VILLAGE, "村")
    _dates(starts_on, ends_on, "公益岗")
    held = PublicWelfareJob.objects.filter(person=person, ends_on__isnull=True)
    if held.exists():
        raise Conflict(f"{person.name}已在公益岗上", code=Code.ALREADY_IN_JOB)
    job = PublicWelfareJob(
        person=person,
        household=household,
        post=_text(post, "岗位", limit=100),
        village=village,
        monthly_pay=_amount(monthly_pay, "月补贴"),
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=user,
    )
    _save(job, user)
    return job
