"""Demo data of the employment half, called from `seeding.seed`: each member's employment
status in the registry, training schools (one county left short of the 3 × 3 rule, to show
未达标), courses, enrolments and certificates, transfer employment with transport subsidies
(mostly point-to-point), and public-welfare jobs for 脱贫户 members who cannot travel.
Bulk-created, at demo scale."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from fangpin.core.scoping import region_q
from fangpin.registry.choices import EmploymentStatus, WorkPlace
from fangpin.registry.models import Membership, Person

from .models import (
    Certificate,
    Enrolment,
    PublicWelfareJob,
    SchoolType,
    TrainingCourse,
    TrainingSchool,
    TransferEmployment,
)

MAJORS = ("电工", "焊工", "家政", "育婴员", "汽修", "烹饪", "电商", "养殖", "种植", "叉车")
DESTINATIONS = ("江苏苏州", "浙江宁波", "广东东莞", "郑州", "上海", "平顶山")
POSTS = ("保洁员", "护路员", "护林员", "水管员", "村级协管员")
WORKING_STATUSES = (
    (EmploymentStatus.MIGRANT, 0.45),
    (EmploymentStatus.FLEXIBLE, 0.2),
    (EmploymentStatus.SELF_EMPLOYED, 0.05),
    (EmploymentStatus.UNEMPLOYED, 0.15),
)


def seed_employment(
    rng: random.Random, counties: list[str], villages: dict[str, list[str]], today: dt.date
) -> None:
    if TrainingSchool.objects.exists():
        return
    _statuses(rng, counties, today)
    _training(rng, counties, today)
    _transfers_and_public_jobs(rng, counties, today)


def _members(county: str) -> list[tuple[int, int, str, bool]]:
    return list(
        Membership.objects.filter(
            region_q("household__village_id", county),
            ended_on__isnull=True,
            person__labour__in=["普通劳动力", "技能劳动力", "弱劳动力或半劳动力"],
        )
        .order_by("id")
        .values_list(
            "person_id", "household_id", "household__village_id", "household__is_alleviated"
        )
    )


def _statuses(rng: random.Random, counties: list[str], today: dt.date) -> None:
    changed = []
    for county in counties:
        for person_id, *_ in _members(county):
            roll, status = rng.random(), ""
            for value, share in WORKING_STATUSES:
                if roll < share:
                    status = value
                    break
                roll -= share
            if not status:
                continue  # about 15% not reported yet
            employed = status != EmploymentStatus.UNEMPLOYED
            place = rng.choice(list(WorkPlace.values)) if employed else ""
            changed.append(
                Person(
                    pk=person_id,
                    employment_status=status,
                    work_place=place,
                    work_place_text=rng.choice(DESTINATIONS) if place == WorkPlace.OUTSIDE else "",
                    employment_year=today.year,
                    employment_months=rng.randint(3, 12) if employed else 0,
                    employment_recorded_on=today - dt.timedelta(days=rng.randint(30, 300)),
                )
            )
    fields = [
        "employment_status",
        "work_place",
        "work_place_text",
        "employment_year",
        "employment_months",
        "employment_recorded_on",
    ]
    Person.objects.bulk_update(changed, fields, batch_size=500)


def _training(rng: random.Random, counties: list[str], today: dt.date) -> None:
    schools = []
    for n, county in enumerate(counties):
        # The last county of several falls short (one school with two majors), as some do.
        short = len(counties) > 1 and n == len(counties) - 1
        for i, kind in enumerate(SchoolType.values[:3]):
            majors = rng.sample(MAJORS, 2 if short and i == 2 else rng.randint(3, 5))
            schools.append(
                TrainingSchool(
                    name=f"{county}第{i + 1}{SchoolType(kind).label}",
                    county_id=county,
                    type=kind,
                    majors=majors,
                )
            )
    TrainingSchool.objects.bulk_create(schools)
    courses = []
    for school in TrainingSchool.objects.order_by("id"):
        for major in school.majors[:2]:
            starts = today - dt.timedelta(days=rng.randint(20, 200))
            courses.append(
                TrainingCourse(
                    school=school,
                    major=major,
                    starts_on=starts,
                    ends_on=starts + dt.timedelta(days=15),
                    capacity=rng.choice((20, 30, 40)),
                )
            )
    TrainingCourse.objects.bulk_create(courses)
    enrolments, certificates = [], []
    for course in TrainingCourse.objects.select_related("school").order_by("id"):
        members = _members(course.school.county_id)
        rng.shuffle(members)
        for person_id, household_id, _, _ in members[: rng.randint(5, course.capacity)]:
            enrolments.append(
                Enrolment(
                    course=course,
                    person_id=person_id,
                    household_id=household_id,
                    enrolled_on=course.starts_on - dt.timedelta(days=7),
                )
            )
            if rng.random() < 0.6:
                certificates.append(
                    Certificate(
                        person_id=person_id,
                        household_id=household_id,
                        kind=f"{course.major}职业技能等级证书",
                        issued_on=course.ends_on,
                        course=course,
                    )
                )
    Enrolment.objects.bulk_create(enrolments, ignore_conflicts=True)
    Certificate.objects.bulk_create(certificates, ignore_conflicts=True)


def _transfers_and_public_jobs(rng: random.Random, counties: list[str], today: dt.date) -> None:
    transfers, jobs = [], []
    for county in counties:
        members = _members(county)
        rng.shuffle(members)
        for person_id, household_id, _, _ in members[:30]:
            starts = today - dt.timedelta(days=rng.randint(10, 300))
            p2p = rng.random() < 0.7
            transfers.append(
                TransferEmployment(
                    person_id=person_id,
                    household_id=household_id,
                    destination=rng.choice(DESTINATIONS),
                    employer=f"{rng.choice(['电子', '服装', '建筑', '物流'])}公司",
                    starts_on=starts,
                    point_to_point=p2p,
                    subsidy=Decimal(rng.choice((200, 300, 500))),
                    paid_on=starts + dt.timedelta(days=20) if rng.random() < 0.8 else None,
                )
            )
        poor = [m for m in members[30:] if m[3]][:10]
        for person_id, household_id, village, _ in poor:
            jobs.append(
                PublicWelfareJob(
                    person_id=person_id,
                    household_id=household_id,
                    post=rng.choice(POSTS),
                    village_id=village,
                    monthly_pay=Decimal(rng.choice((300, 400, 500))),
                    starts_on=today - dt.timedelta(days=rng.randint(30, 400)),
                )
            )
    TransferEmployment.objects.bulk_create(transfers)
    PublicWelfareJob.objects.bulk_create(jobs)
