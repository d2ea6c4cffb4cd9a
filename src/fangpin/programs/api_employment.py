"""API of the employment half of issue 12: the labour force (from the registry), training
schools, courses, enrolments and certificates with each county's compliance, transfer
employment with transport subsidies, public-welfare jobs, and the employment panel.
Thin: `selectors_employment` and `services_employment`. Mounted by `api.py` (one line)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from fangpin.auth import AuthedRequest
from fangpin.core.bounds import Count, Id, Text16, Text20, Text64, Text100, Text200, Yuan

from . import selectors_employment as selectors
from . import services_employment as services
from .models import (
    Certificate,
    Enrolment,
    PublicWelfareJob,
    TrainingCourse,
    TrainingSchool,
    TransferEmployment,
)
from .selectors import money

router = Router(tags=["就业帮扶"])
PAGE_SIZE = 50


def _today() -> dt.date:
    return timezone.localdate()


def _page(qs: QuerySet[Any] | list[Any], page: int, out: Any) -> dict[str, Any]:
    page = min(max(page, 1), 100_000)
    start = (page - 1) * PAGE_SIZE
    total = len(qs) if isinstance(qs, list) else qs.count()
    return {
        "items": [out(o) for o in qs[start : start + PAGE_SIZE]],
        "count": total,
        "page": page,
        "page_size": PAGE_SIZE,
    }


class Page(Schema):
    items: list[dict[str, Any]]
    count: int
    page: int
    page_size: int


class RegionQuery(Schema):
    region: str | None = None
    page: int = 1


class YearQuery(RegionQuery):
    year: int | None = None


# ---------------------------------------------------------------- the labour force


class LabourQuery(RegionQuery):
    status: str | None = Field(
        None, description="只看某一就业状态:务工、灵活就业、公益岗、自主创业、未就业、未登记"
    )


class LabourPersonOut(Schema):
    person_id: int
    name: str
    household_id: int
    household_number: str
    village_code: str
    village_name: str
    age: int
    labour: str
    employment_status: str
    work_place: str
    work_place_text: str
    employment_year: int | None
    employment_months: int | None


class LabourForceOut(Schema):
    region: str
    name: str
    persons: int = Field(description="劳动年龄人口(政策参数 working_age_min 至 working_age_max 岁)")
    can_work: int = Field(description="其中有劳动能力(技能、普通、弱劳动力)")
    employed: int = Field(description="其中已就业(务工、灵活就业、公益岗、自主创业)")
    by_labour: dict[str, int]
    by_status: dict[str, int]
    by_place: dict[str, int] = Field(description="已就业人员的就业地域")
    months_total: int = Field(description="登记的务工月数合计")
    items: list[LabourPersonOut]
    count: int
    page: int
    page_size: int


def labour_person_out(m: Any, today: dt.date) -> dict[str, Any]:
    p = m.person
    return {
        "person_id": p.pk,
        "name": p.name,
        "household_id": m.household_id,
        "household_number": m.household.number,
        "village_code": m.household.village_id,
        "village_name": m.household.village.name,
        "age": p.age_on(today),
        "labour": p.labour,
        "employment_status": p.employment_status,
        "work_place": p.work_place,
        "work_place_text": p.work_place_text,
        "employment_year": p.employment_year,
        "employment_months": p.employment_months,
    }


@router.get("/labour-force", response=LabourForceOut, summary="劳动力(来自户籍成员登记)")
def labour_force(request: AuthedRequest, q: Query[LabourQuery]) -> dict[str, Any]:
    today = _today()
    where, figures, members = selectors.labour_force(
        user=request.auth, region=q.region, today=today, status=q.status
    )
    page = _page(members, q.page, lambda m: labour_person_out(m, today))
    return {"region": where.code, "name": where.name, **figures.as_json(), **page}


# ---------------------------------------------------------------- training


class SchoolIn(Schema):
    name: Text200
    county_code: Text20
    type: Text16 = Field(description="vocational(职业院校) | technical | institution | enterprise")
    majors: list[Text64] = Field(description="开设专业", max_length=30)


class SchoolOut(Schema):
    id: int
    name: str
    county_code: str
    county_name: str
    type: str
    majors: list[str]
    courses: int


class SchoolPage(Page):
    items: list[SchoolOut]  # type: ignore[assignment]


def school_out(s: TrainingSchool) -> dict[str, Any]:
    return {
        "id": s.pk,
        "name": s.name,
        "county_code": s.county_id,
        "county_name": s.county.name,
        "type": s.type,
        "majors": list(s.majors),
        "courses": getattr(s, "n_courses", 0),
    }


@router.post("/training-schools", response={201: SchoolOut}, summary="登记培训学校")
def school_create(request: AuthedRequest, body: SchoolIn) -> Status[dict[str, Any]]:
    school = services.school_create(user=request.auth, **body.dict())
    found = selectors.school_list(user=request.auth).get(pk=school.pk)
    return Status(201, school_out(found))


@router.get("/training-schools", response=SchoolPage, summary="培训学校")
def school_index(request: AuthedRequest, q: Query[RegionQuery]) -> dict[str, Any]:
    return _page(selectors.school_list(user=request.auth, region=q.region), q.page, school_out)


class ComplianceOut(Schema):
    county_code: str
    county_name: str
    schools: int
    qualified_schools: int = Field(description="开设专业数达标的学校")
    compliant: bool
    status: str = Field(description="达标 | 未达标")
    missing: list[str] = Field(description="未达标时还缺什么")


@router.get(
    "/training-schools/compliance",
    response=list[ComplianceOut],
    summary="各县培训学校达标情况(每县至少 3 所学校、每所至少 3 个专业)",
)
def school_compliance(request: AuthedRequest, region: str | None = None) -> list[dict[str, Any]]:
    return [c.as_json() for c in selectors.compliance(user=request.auth, region=region)]


class CourseIn(Schema):
    major: Text64
    starts_on: dt.date
    ends_on: dt.date
    capacity: Count


class CourseOut(Schema):
    id: int
    school_id: int
    school_name: str
    county_code: str
    major: str
    starts_on: dt.date
    ends_on: dt.date
    capacity: int
    enrolled: int


class CoursePage(Page):
    items: list[CourseOut]  # type: ignore[assignment]


def course_out(c: TrainingCourse) -> dict[str, Any]:
    return {
        "id": c.pk,
        "school_id": c.school_id,
        "school_name": c.school.name,
        "county_code": c.school.county_id,
        "major": c.major,
        "starts_on": c.starts_on,
        "ends_on": c.ends_on,
        "capacity": c.capacity,
        "enrolled": getattr(c, "n_enrolled", 0),
    }


def _course(request: AuthedRequest, pk: int) -> dict[str, Any]:
    return course_out(selectors.course_list(user=request.auth).get(pk=pk))


@router.post(
    "/training-schools/{school_id}/courses", response={201: CourseOut}, summary="开设培训班"
)
def course_create(request: AuthedRequest, school_id: int, body: CourseIn) -> Status[dict[str, Any]]:
    course = services.course_create(user=request.auth, school_id=school_id, **body.dict())
    return Status(201, _course(request, course.pk))


@router.get("/training-courses", response=CoursePage, summary="培训班(按开班年度)")
def course_index(request: AuthedRequest, q: Query[YearQuery]) -> dict[str, Any]:
    qs = selectors.course_list(user=request.auth, region=q.region, year=q.year)
    return _page(qs, q.page, course_out)


class EnrolIn(Schema):
    person_id: Id
    enrolled_on: dt.date | None = None


def enrolment_out(e: Enrolment) -> dict[str, Any]:
    return {
        "id": e.pk,
        "course_id": e.course_id,
        "person_id": e.person_id,
        "name": e.person.name,
        "household_id": e.household_id,
        "enrolled_on": e.enrolled_on,
    }


@router.post(
    "/training-courses/{course_id}/enrolments",
    response={201: dict[str, Any]},
    summary="培训报名(须为本辖区登记人员,班满不能再报)",
)
def enrol(request: AuthedRequest, course_id: int, body: EnrolIn) -> Status[dict[str, Any]]:
    enrolment = services.enrol(user=request.auth, course_id=course_id, **body.dict())
    return Status(201, {**enrolment_out(enrolment), "course": _course(request, course_id)})


@router.get("/training-enrolments", response=Page, summary="培训报名名单")
def enrolment_index(request: AuthedRequest, q: Query[YearQuery]) -> dict[str, Any]:
    qs = selectors.enrolment_list(user=request.auth, region=q.region, year=q.year)
    return _page(qs, q.page, enrolment_out)


class CertificateIn(Schema):
    person_id: Id
    kind: Text100 = Field(description="证书名称,如 电工职业技能等级证书")
    issued_on: dt.date
    course_id: Id | None = None


def certificate_out(c: Certificate) -> dict[str, Any]:
    return {
        "id": c.pk,
        "person_id": c.person_id,
        "name": c.person.name,
        "household_id": c.household_id,
        "kind": c.kind,
        "issued_on": c.issued_on,
        "course_id": c.course_id,
    }


@router.post("/certificates", response={201: dict[str, Any]}, summary="登记技能证书")
def certificate_create(request: AuthedRequest, body: CertificateIn) -> Status[dict[str, Any]]:
    return Status(201, certificate_out(services.certificate_add(user=request.auth, **body.dict())))


@router.get("/certificates", response=Page, summary="技能证书(按发证年度)")
def certificate_index(request: AuthedRequest, q: Query[YearQuery]) -> dict[str, Any]:
    qs = selectors.certificate_list(user=request.auth, region=q.region, year=q.year)
    return _page(qs, q.page, certificate_out)


# ---------------------------------------------------------------- transfer employment


class TransferIn(Schema):
    person_id: Id
    destination: Text100
    employer: Text200
    starts_on: dt.date
    ends_on: dt.date | None = None
    point_to_point: bool = Field(False, description="点对点输送")
    subsidy: Yuan = Field(Decimal(0), description="交通补贴(元)")
    paid_on: dt.date | None = Field(None, description="补贴发放日期;未发放为 null")


class TransferOut(Schema):
    id: int
    person_id: int
    name: str
    household_id: int
    village_code: str
    destination: str
    employer: str
    starts_on: dt.date
    ends_on: dt.date | None
    point_to_point: bool
    subsidy: str
    paid_on: dt.date | None


class TransferPage(Page):
    items: list[TransferOut]  # type: ignore[assignment]


def transfer_out(t: TransferEmployment) -> dict[str, Any]:
    return {
        "id": t.pk,
        "person_id": t.person_id,
        "name": t.person.name,
        "household_id": t.household_id,
        "village_code": t.household.village_id,
        "destination": t.destination,
        "employer": t.employer,
        "starts_on": t.starts_on,
        "ends_on": t.ends_on,
        "point_to_point": t.point_to_point,
        "subsidy": money(t.subsidy),
        "paid_on": t.paid_on,
    }


@router.post(
    "/transfer-jobs", response={201: TransferOut}, summary="登记转移就业(点对点、交通补贴)"
)
def transfer_create(request: AuthedRequest, body: TransferIn) -> Status[dict[str, Any]]:
    return Status(201, transfer_out(services.transfer_create(user=request.auth, **body.dict())))


@router.get("/transfer-jobs", response=TransferPage, summary="转移就业(按开始年度)")
def transfer_index(request: AuthedRequest, q: Query[YearQuery]) -> dict[str, Any]:
    qs = selectors.transfer_list(user=request.auth, region=q.region, year=q.year)
    return _page(qs, q.page, transfer_out)


# ---------------------------------------------------------------- public-welfare jobs


class PublicJobIn(Schema):
    person_id: Id
    post: Text100 = Field(description="岗位,如 保洁员、护路员")
    village_code: Text20
    monthly_pay: Yuan
    starts_on: dt.date
    ends_on: dt.date | None = None


class PublicJobOut(Schema):
    id: int
    person_id: int
    name: str
    household_id: int
    alleviated: bool = Field(description="来自脱贫户")
    post: str
    village_code: str
    village_name: str
    monthly_pay: str
    starts_on: dt.date
    ends_on: dt.date | None


class PublicJobPage(Page):
    items: list[PublicJobOut]  # type: ignore[assignment]


def public_job_out(j: PublicWelfareJob) -> dict[str, Any]:
    return {
        "id": j.pk,
        "person_id": j.person_id,
        "name": j.person.name,
        "household_id": j.household_id,
        "alleviated": j.household.is_alleviated,
        "post": j.post,
        "village_code": j.village_id,
        "village_name": j.village.name,
        "monthly_pay": money(j.monthly_pay),
        "starts_on": j.starts_on,
        "ends_on": j.ends_on,
    }


class PublicJobQuery(RegionQuery):
    active: bool = Field(False, description="只看今日在岗")


@router.post("/public-jobs", response={201: PublicJobOut}, summary="登记公益岗")
def public_job_create(request: AuthedRequest, body: PublicJobIn) -> Status[dict[str, Any]]:
    job = services.public_job_create(user=request.auth, **body.dict())
    return Status(201, public_job_out(job))


@router.get("/public-jobs", response=PublicJobPage, summary="公益岗")
def public_job_index(request: AuthedRequest, q: Query[PublicJobQuery]) -> dict[str, Any]:
    qs = selectors.public_job_list(
        user=request.auth, region=q.region, active_on=_today() if q.active else None
    )
    return _page(qs, q.page, public_job_out)


# ---------------------------------------------------------------- the panel


class PanelQuery(Schema):
    region: str | None = None
    year: int | None = None


@router.get(
    "/programs/employment-panel",
    response=dict[str, Any],
    summary="就业帮扶看板数据(劳动力、培训、转移就业、公益岗)",
)
def employment_panel(request: AuthedRequest, q: Query[PanelQuery]) -> dict[str, Any]:
    year = q.year or _today().year
    board = selectors.employment_panel(
        user=request.auth, region=q.region, year=year, today=_today()
    )
    return board.as_json()
