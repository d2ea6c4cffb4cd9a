"""The employment pages: lists with Excel downloads, create forms that write through the
services and show refusals in Chinese with what was typed kept, and the import templates of
the employment half with good and bad files (all or nothing)."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from fangpin.programs.importing import KINDS, programs_import
from fangpin.programs.models import (
    Certificate,
    PublicWelfareJob,
    Talent,
    TrainingCourse,
    TrainingSchool,
    TransferEmployment,
    Workshop,
    WorkshopWorker,
)
from fangpin.registry.models import Person
from tests.conftest import BAOFENG, BAOFENG_VILLAGE, YEXIAN
from tests.registry.helpers import make_household

pytestmark = pytest.mark.django_db

PAGES = [
    "/programs/employment/",
    "/programs/labour-force/",
    "/programs/training/",
    "/programs/training/courses/",
    "/programs/transfers/",
    "/programs/public-jobs/",
]


def _book(headers, rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def county(make_user):
    return make_user("county", BAOFENG, "bf-county")


@pytest.fixture
def people(make_user):
    clerk = make_user("village", BAOFENG_VILLAGE, "clerk")
    home = make_household(clerk, BAOFENG_VILLAGE, members=3, is_alleviated=True)
    return home, [m.person for m in home.current_memberships()]


def test_every_page_shows_and_downloads_excel(client, county, people):
    client.force_login(county)
    for url in PAGES:
        page = client.get(url)
        assert page.status_code == 200, url
        sheet = client.get(url, {"format": "xlsx"})
        assert sheet.status_code == 200, url
        load_workbook(io.BytesIO(sheet.content))
    assert client.get("/programs/employment/", {"region": YEXIAN}).status_code == 404


def test_forms_write_and_show_refusals_in_chinese_keeping_what_was_typed(client, county, people):
    home, persons = people
    today = timezone.localdate()
    client.force_login(county)
    made = client.post(
        "/programs/training/",
        {
            "form": "school",
            "school-name": "宝丰职业技术学校",
            "school-county_code": BAOFENG,
            "school-type": "vocational",
            "school-majors": "电工、焊工、家政",
        },
    )
    assert made.status_code == 302
    school = TrainingSchool.objects.get()
    assert school.majors == ["电工", "焊工", "家政"]

    refused = client.post(
        "/programs/training/",
        {
            "form": "course",
            "course-school_id": school.pk,
            "course-major": "汽修",
            "course-starts_on": str(today),
            "course-ends_on": str(today),
            "course-capacity": "30",
        },
    )
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "未开设专业“汽修”" in text
    assert 'value="汽修"' in text and 'value="30"' in text
    assert TrainingCourse.objects.count() == 0

    assert (
        client.post(
            "/programs/transfers/",
            {
                "form": "transfer",
                "transfer-person_id": persons[0].pk,
                "transfer-destination": "江苏苏州",
                "transfer-employer": "某电子厂",
                "transfer-starts_on": str(today),
                "transfer-point_to_point": "on",
                "transfer-subsidy": "300",
            },
        ).status_code
        == 302
    )
    transfer = TransferEmployment.objects.get()
    assert transfer.point_to_point and transfer.paid_on is None

    assert (
        client.post(
            "/programs/public-jobs/",
            {
                "form": "public_job",
                "public_job-person_id": persons[1].pk,
                "public_job-post": "保洁员",
                "public_job-village_code": BAOFENG_VILLAGE,
                "public_job-monthly_pay": "500",
                "public_job-starts_on": str(today),
            },
        ).status_code
        == 302
    )
    assert PublicWelfareJob.objects.get().post == "保洁员"

    assert (
        client.post(
            "/programs/labour-force/",
            {
                "form": "employment",
                "employment-household_id": home.pk,
                "employment-person_id": persons[2].pk,
                "employment-status": "务工",
                "employment-work_place": "",
                "employment-months": "5",
            },
        )
        .content.decode()
        .count("须填写就业地域")
        == 1
    )
    assert Person.objects.get(pk=persons[2].pk).employment_status == ""


def test_workshop_worker_and_talent_forms(client, county, people):
    _, persons = people
    client.force_login(county)
    assert (
        client.post(
            "/programs/workshops/new/",
            {
                "form": "workshop",
                "workshop-name": "服装车间",
                "workshop-type": "factory",
                "workshop-village_code": BAOFENG_VILLAGE,
                "workshop-owner": "某公司",
            },
        ).status_code
        == 302
    )
    shop = Workshop.objects.get()
    assert (
        client.post(
            "/programs/workshops/new/",
            {
                "form": "worker",
                "worker-workshop_id": shop.pk,
                "worker-person_id": persons[0].pk,
                "worker-starts_on": str(timezone.localdate()),
                "worker-monthly_wage": "1800",
            },
        ).status_code
        == 302
    )
    assert WorkshopWorker.objects.get().monthly_wage == 1800
    bad = client.post(
        "/programs/talents/new/",
        {"form": "talent", "talent-name": "李强", "talent-origin_village_code": BAOFENG_VILLAGE},
    )
    assert bad.status_code == 200 and "这个字段是必填项" in bad.content.decode()
    good = client.post(
        "/programs/talents/new/",
        {
            "form": "talent",
            "talent-name": "李强",
            "talent-origin_village_code": BAOFENG_VILLAGE,
            "talent-skill": "电商",
            "talent-returned": "on",
        },
    )
    assert good.status_code == 302 and Talent.objects.get().returned is True


def test_a_village_user_sees_no_school_form_and_may_not_post_it(client, make_user):
    client.force_login(make_user("village", BAOFENG_VILLAGE, "v"))
    page = client.get("/programs/training/")
    assert page.status_code == 200 and 'data-form="school"' not in page.content.decode()
    posted = client.post("/programs/training/", {"form": "school", "school-name": "x"})
    assert posted.status_code == 404


def _good_and_bad(persons, today):
    a, b, c = (p.id_number for p in persons)
    day = str(today)
    return {
        "schools": (
            [
                ("宝丰职校", BAOFENG, "职业院校", "电工、焊工、家政"),
                ("宝丰技校", BAOFENG, "technical", "汽修"),
            ],
            # Row 2 fine, row 3 repeats a school, row 4 has an unknown type.
            [
                ("新学校", BAOFENG, "职业院校", "电工"),
                ("宝丰职校", BAOFENG, "职业院校", "电工"),
                ("另一校", BAOFENG, "大学", "电工"),
            ],
            TrainingSchool,
            [3, 4],
        ),
        "certificates": (
            [(a, "电工证", day), (b, "焊工证", day)],
            [(c, "电工证", day), (a, "电工证", day), ("110101199003071234", "证", day)],
            Certificate,
            [3, 4],
        ),
        "transfers": (
            [(a, "苏州", "某厂", day, "是", 300, day), (b, "宁波", "某厂", day, "否", 0, "")],
            [(c, "苏州", "某厂", day, "是", 300, "昨天"), (a, "苏州", "某厂", day, "是", 1, "")],
            TransferEmployment,
            [2, 3],
        ),
        "public_jobs": (
            [
                (a, "保洁员", BAOFENG_VILLAGE, 500, day, ""),
                (b, "护路员", BAOFENG_VILLAGE, 400, day, ""),
            ],
            [
                (c, "保洁员", BAOFENG_VILLAGE, 500, day, ""),
                (a, "保洁员", BAOFENG_VILLAGE, 5, day, ""),
            ],
            PublicWelfareJob,
            [3],
        ),
    }


@pytest.mark.parametrize("key", ["schools", "certificates", "transfers", "public_jobs"])
def test_each_employment_template_imports_a_good_file_and_refuses_a_bad_one(county, people, key):
    _, persons = people
    good, bad, model, bad_rows = _good_and_bad(persons, timezone.localdate())[key]
    headers = KINDS[key].headers
    checked = programs_import(user=county, kind=key, file=_book(headers, good), dry_run=True)
    assert checked.ok, checked.problems
    assert model.objects.count() == 0
    done = programs_import(user=county, kind=key, file=_book(headers, good))
    assert done.ok and done.written == len(good)
    assert model.objects.count() == len(good)
    again = programs_import(user=county, kind=key, file=_book(headers, bad))
    assert not again.ok and again.written == 0
    assert [row for row, _ in again.problems] == bad_rows
    assert model.objects.count() == len(good)
