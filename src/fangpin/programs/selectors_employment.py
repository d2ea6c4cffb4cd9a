"""Reads of the employment half of the programs app, scoped by the user's region: the labour
force derived from the registry, training schools and their compliance per county, transfer
employment, public-welfare jobs, and the employment panel.

As in `selectors`, the figures are computed for a region prefix by `*_figures` functions that
take no user; the scoped readers resolve the region through the user's scope first.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet, Sum

from fangpin.core.scoping import region_q
from fangpin.monitoring.clock import add_months
from fangpin.policy.services import parameter_int
from fangpin.regions.models import Level, Region
from fangpin.regions.selectors import region_prefix, scoped_in_region
from fangpin.registry.choices import EMPLOYED, EmploymentStatus, Labour, WorkPlace
from fangpin.registry.models import Membership

from .models import (
    Certificate,
    Enrolment,
    PublicWelfareJob,
    TrainingCourse,
    TrainingSchool,
    TransferEmployment,
)
from .selectors import _prefix, money, place

if TYPE_CHECKING:
    from fangpin.accounts.models import User

ZERO = Decimal("0.00")
NOT_REPORTED = "未登记"


def _active(today: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}starts_on__lte": today}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": today})
    )


# ---------------------------------------------------------------- the labour force


def working_age_bounds(today: dt.date) -> tuple[dt.date, dt.date]:
    """(earliest, latest) birth date of a person of working age today: at least
    `working_age_min` years old and not yet past `working_age_max` (policy parameters)."""
    youngest = add_months(today, -12 * parameter_int("working_age_min"))
    oldest = add_months(today, -12 * (parameter_int("working_age_max") + 1)) + dt.timedelta(1)
    return oldest, youngest


def labour_force_members(prefix: str, today: dt.date) -> QuerySet[Membership]:
    """Current members of the region's households, alive and of working age today."""
    earliest, latest = working_age_bounds(today)
    return (
        Membership.objects.filter(
            region_q("household__village_id", prefix),
            ended_on__isnull=True,
            person__died_on__isnull=True,
            person__birth_date__gte=earliest,
            person__birth_date__lte=latest,
        )
        .select_related("person", "household__village")
        .order_by("household__village_id", "household__number", "id")
    )


@dataclass(frozen=True)
class LabourForce:
    persons: int
    can_work: int
    employed: int
    by_labour: dict[str, int]
    by_status: dict[str, int]
    by_place: dict[str, int]
    months_total: int

    def as_json(self) -> dict[str, Any]:
        return {
            "persons": self.persons,
            "can_work": self.can_work,
            "employed": self.employed,
            "by_labour": self.by_labour,
            "by_status": self.by_status,
            "by_place": self.by_place,
            "months_total": self.months_total,
        }


def labour_force_figures(prefix: str, today: dt.date) -> LabourForce:
    rows = list(
        labour_force_members(prefix, today).values_list(
            "person__labour",
            "person__employment_status",
            "person__work_place",
            "person__employment_months",
        )
    )
    labour = Counter(r[0] or NOT_REPORTED for r in rows)
    status = Counter(r[1] or NOT_REPORTED for r in rows)
    where = Counter(r[2] for r in rows if r[1] in EMPLOYED)
    return LabourForce(
        persons=len(rows),
        can_work=sum(labour[v] for v in (Labour.SKILLED, Labour.ORDINARY, Labour.WEAK)),
        employed=sum(1 for r in rows if r[1] in EMPLOYED),
        by_labour={k: labour[k] for k in [*Labour.values, NOT_REPORTED]},
        by_status={k: status[k] for k in [*EmploymentStatus.values, NOT_REPORTED]},
        by_place={k: where[k] for k in WorkPlace.values},
        months_total=sum(r[3] or 0 for r in rows),
    )


def labour_force(
    *, user: User, region: str | None, today: dt.date, status: str | None = None
) -> tuple[Region, LabourForce, QuerySet[Membership]]:
    """The region's labour force figures and its members (optionally of one status;
    `未登记` gives those not reported)."""
    where = place(user=user, code=region)
    prefix = _prefix(user, where)
    members = labour_force_members(prefix, today)
    if status == NOT_REPORTED:
        members = members.filter(person__employment_status="")
    elif status:
        members = members.filter(person__employment_status=status)
    return where, labour_force_figures(prefix, today), members


# ---------------------------------------------------------------- training


def county_codes(user: User, region: str | None) -> list[str]:
    """The counties whose schools the user sees: those of their region, or the one above a
    township or village (its people train at the county's schools); narrowed to `region`.
    A region outside the user's gives none (a list filter, not an error)."""
    own = user.region_prefix
    if own is None:
        return []
    codes = {c.code for c in counties_of(own)}
    if region:
        prefix = region_prefix(region)
        if prefix is None or not (prefix.startswith(own) or own.startswith(prefix)):
            return []
        codes &= {c.code for c in counties_of(prefix)}
    return sorted(codes)


def school_list(*, user: User, region: str | None = None) -> QuerySet[TrainingSchool]:
    qs = TrainingSchool.objects.filter(county__in=county_codes(user, region))
    return qs.select_related("county").annotate(n_courses=Count("courses"))


def course_list(
    *, user: User, region: str | None = None, year: int | None = None
) -> QuerySet[TrainingCourse]:
    qs = TrainingCourse.objects.filter(school__county__in=county_codes(user, region))
    qs = qs.select_related("school__county").annotate(n_enrolled=Count("enrolments"))
    return qs.filter(starts_on__year=year) if year else qs


def enrolment_list(
    *, user: User, region: str | None = None, year: int | None = None
) -> QuerySet[Enrolment]:
    qs = Enrolment.objects.select_related("course__school", "person", "household__village")
    qs = scoped_in_region(qs, user, region)
    return qs.filter(course__starts_on__year=year) if year else qs


def certificate_list(
    *, user: User, region: str | None = None, year: int | None = None
) -> QuerySet[Certificate]:
    qs = Certificate.objects.select_related("person", "household__village")
    qs = scoped_in_region(qs, user, region)
    return qs.filter(issued_on__year=year) if year else qs


@dataclass(frozen=True)
class CountyCompliance:
    county_code: str
    county_name: str
    schools: int
    qualified_schools: int
    compliant: bool
    missing: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "county_code": self.county_code,
            "county_name": self.county_name,
            "schools": self.schools,
            "qualified_schools": self.qualified_schools,
            "compliant": self.compliant,
            "status": "达标" if self.compliant else "未达标",
            "missing": self.missing,
        }


def counties_of(prefix: str) -> list[Region]:
    """The counties under a region, or the one above a township or village."""
    found = [
        r
        for r in Region.objects.filter(level=Level.COUNTY).order_by("code")
        if r.prefix.startswith(prefix) or prefix.startswith(r.prefix)
    ]
    return found


def compliance_figures(prefix: str) -> list[CountyCompliance]:
    """Each county: at least `training_min_schools` schools offering at least
    `training_min_majors` majors each; what is missing when not."""
    min_schools = parameter_int("training_min_schools")
    min_majors = parameter_int("training_min_majors")
    counties = counties_of(prefix)
    schools: dict[str, list[TrainingSchool]] = defaultdict(list)
    for school in TrainingSchool.objects.filter(county__in=counties).order_by("id"):
        schools[school.county_id].append(school)
    out = []
    for county in counties:
        own = schools[county.code]
        qualified = [s for s in own if len(s.majors) >= min_majors]
        missing = []
        if len(qualified) < min_schools:
            missing.append(
                f"还差 {min_schools - len(qualified)} 所开设 {min_majors} 个以上专业的学校"
            )
            missing.extend(
                f"{s.name}还差 {min_majors - len(s.majors)} 个专业"
                for s in own
                if len(s.majors) < min_majors
            )
        out.append(
            CountyCompliance(
                county_code=county.code,
                county_name=county.name,
                schools=len(own),
                qualified_schools=len(qualified),
                compliant=len(qualified) >= min_schools,
                missing=missing,
            )
        )
    return out


def compliance(*, user: User, region: str | None) -> list[CountyCompliance]:
    where = place(user=user, code=region)
    return compliance_figures(_prefix(user, where))


# ---------------------------------------------------------------- transfer and public jobs


def transfer_list(
    *, user: User, region: str | None = None, year: int | None = None
) -> QuerySet[TransferEmployment]:
    qs = TransferEmployment.objects.select_related("person", "household__village")
    qs = scoped_in_region(qs, user, region)
    return qs.filter(starts_on__year=year) if year else qs


@dataclass(frozen=True)
class TransferCounty:
    county_code: str
    county_name: str
    transfers: int
    point_to_point: int
    subsidy_paid: Decimal
    subsidy_unpaid: int

    def as_json(self) -> dict[str, Any]:
        return {
            "county_code": self.county_code,
            "county_name": self.county_name,
            "transfers": self.transfers,
            "point_to_point": self.point_to_point,
            "subsidy_paid": money(self.subsidy_paid),
            "subsidy_unpaid": self.subsidy_unpaid,
        }


def transfer_figures(prefix: str, year: int) -> list[TransferCounty]:
    """Per county, the transfers that started in `year`: how many, how many point-to-point,
    the transport subsidies paid on them, and how many wait for their subsidy."""
    by_county: dict[str, list[TransferEmployment]] = defaultdict(list)
    qs = TransferEmployment.objects.filter(
        region_q("household__village_id", prefix), starts_on__year=year
    ).only("household__village_id", "point_to_point", "subsidy", "paid_on")
    for t in qs.select_related("household"):
        by_county[t.household.village_id[:6]].append(t)
    out = []
    for county in counties_of(prefix):
        rows = by_county.get(county.prefix, [])
        out.append(
            TransferCounty(
                county_code=county.code,
                county_name=county.name,
                transfers=len(rows),
                point_to_point=sum(1 for t in rows if t.point_to_point),
                subsidy_paid=sum((t.subsidy for t in rows if t.paid_on), ZERO),
                subsidy_unpaid=sum(1 for t in rows if t.paid_on is None and t.subsidy > 0),
            )
        )
    return out


def public_job_list(
    *, user: User, region: str | None = None, active_on: dt.date | None = None
) -> QuerySet[PublicWelfareJob]:
    qs = PublicWelfareJob.objects.select_related("person", "household", "village")
    qs = scoped_in_region(qs, user, region)
    return qs.filter(_active(active_on)) if active_on else qs


# ---------------------------------------------------------------- the employment panel


@dataclass(frozen=True)
class EmploymentPanel:
    region: str
    name: str
    year: int
    labour: LabourForce
    schools: int
    courses: int
    enrolments: int
    certificates: int
    counties: int
    counties_compliant: int
    transfers: list[TransferCounty]
    public_jobs: int
    public_jobs_alleviated: int
    public_jobs_monthly_pay: Decimal

    @property
    def transfers_total(self) -> int:
        return sum(t.transfers for t in self.transfers)

    @property
    def point_to_point_total(self) -> int:
        return sum(t.point_to_point for t in self.transfers)

    @property
    def subsidy_paid_total(self) -> Decimal:
        return sum((t.subsidy_paid for t in self.transfers), ZERO)

    def as_json(self) -> dict[str, Any]:
        return {
            "region": self.region,
            "name": self.name,
            "year": self.year,
            "labour_force": self.labour.as_json(),
            "schools": self.schools,
            "courses": self.courses,
            "enrolments": self.enrolments,
            "certificates": self.certificates,
            "counties": self.counties,
            "counties_compliant": self.counties_compliant,
            "transfers": self.transfers_total,
            "point_to_point": self.point_to_point_total,
            "subsidy_paid": money(self.subsidy_paid_total),
            "transfers_by_county": [t.as_json() for t in self.transfers],
            "public_jobs": self.public_jobs,
            "public_jobs_alleviated": self.public_jobs_alleviated,
            "public_jobs_monthly_pay": money(self.public_jobs_monthly_pay),
        }


def employment_figures(where: Region, prefix: str, year: int, today: dt.date) -> EmploymentPanel:
    counties = compliance_figures(prefix)
    schools = TrainingSchool.objects.filter(county__in=[c.county_code for c in counties])
    courses = TrainingCourse.objects.filter(school__in=schools, starts_on__year=year)
    enrolments = Enrolment.objects.filter(
        region_q("household__village_id", prefix), course__starts_on__year=year
    )
    certificates = Certificate.objects.filter(
        region_q("household__village_id", prefix), issued_on__year=year
    )
    jobs = PublicWelfareJob.objects.filter(region_q("village_id", prefix)).filter(_active(today))
    job_agg = jobs.aggregate(
        n=Count("id"),
        alleviated=Count("id", filter=Q(household__is_alleviated=True)),
        pay=Sum("monthly_pay"),
    )
    return EmploymentPanel(
        region=where.code,
        name=where.name,
        year=year,
        labour=labour_force_figures(prefix, today),
        schools=schools.count(),
        courses=courses.count(),
        enrolments=enrolments.count(),
        certificates=certificates.count(),
        counties=len(counties),
        counties_compliant=sum(1 for c in counties if c.compliant),
        transfers=transfer_figures(prefix, year),
        public_jobs=job_agg["n"],
        public_jobs_alleviated=job_agg["alleviated"],
        public_jobs_monthly_pay=job_agg["pay"] or ZERO,
    )


def employment_panel(
    *, user: User, region: str | None, year: int, today: dt.date
) -> EmploymentPanel:
    where = place(user=user, code=region)
    return employment_figures(where, _prefix(user, where), year, today)
