"""The employment panel: a small data set for the labour force, training, transfer
employment and public-welfare jobs in two counties, and every figure the panel shows (API,
page table and Excel) checked against counts made here from the data itself."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from fangpin.monitoring.clock import add_months
from fangpin.programs import services_employment as employment
from fangpin.regions.models import Level, Region
from fangpin.registry import services as registry
from tests.conftest import BAOFENG, BAOFENG_VILLAGE, CITY, YEXIAN, YEXIAN_VILLAGE
from tests.registry.helpers import member, new_id

pytestmark = pytest.mark.django_db

EMPLOYED = {"务工", "灵活就业", "公益岗", "自主创业"}


def _born(age: int) -> dt.date:
    return add_months(timezone.localdate(), -12 * age) - dt.timedelta(days=10)


# county -> [(age, status, place, months)] of one household's members (the first is 户主).
PEOPLE = {
    BAOFENG: [(40, "务工", "省外", 11), (38, "公益岗", "县内", 12), (70, "", "", None)],
    YEXIAN: [(30, "灵活就业", "省内县外", 8), (25, "未就业", "", None), (20, "", "", None)],
}
VILLAGE = {BAOFENG: BAOFENG_VILLAGE, YEXIAN: YEXIAN_VILLAGE}
RELATIONS = ["户主", "配偶", "之子"]


@pytest.fixture
def data(make_user):
    today = timezone.localdate()
    year = today.year
    d: dict = {"year": year, "today": today, "persons": {}}
    for county, people in PEOPLE.items():
        clerk = make_user("village", VILLAGE[county], f"clerk-{county}")
        boss = make_user("county", county, f"county-{county}")
        d[county] = boss
        home = registry.household_create(
            user=clerk,
            village_code=VILLAGE[county],
            is_alleviated=county == BAOFENG,
            members=[
                member(RELATIONS[i], id_number=new_id(birth=_born(age), area=county))
                for i, (age, *_) in enumerate(people)
            ],
        )
        ids = [
            m.person_id
            for m in sorted(home.current_memberships(), key=lambda m: RELATIONS.index(m.relation))
        ]
        d["persons"][county] = ids
        for pid, (_, status, place, months) in zip(ids, people, strict=True):
            if status:
                registry.person_employment_set(
                    user=clerk,
                    household_id=home.pk,
                    person_id=pid,
                    status=status,
                    work_place=place,
                    months=months,
                )
    # Schools: 宝丰 three, one short of majors (not compliant); 叶县 three with three each.
    d["schools"] = {
        BAOFENG: [["电工", "焊工", "家政"], ["汽修", "烹饪", "电商", "物流"], ["家政", "育婴"]],
        YEXIAN: [["电工", "焊工", "家政"], ["汽修", "烹饪", "电商"], ["种植", "养殖", "农机"]],
    }
    courses = {}
    for county, schools in d["schools"].items():
        for i, majors in enumerate(schools):
            school = employment.school_create(
                user=d[county],
                name=f"学校{i}",
                county_code=county,
                type="vocational",
                majors=majors,
            )
            courses[(county, i)] = school
    # Courses: two this year in 宝丰, one last year in 叶县.
    this_a = employment.course_create(
        user=d[BAOFENG],
        school_id=courses[(BAOFENG, 0)].pk,
        major="电工",
        starts_on=dt.date(year, 1, 1),
        ends_on=dt.date(year, 1, 20),
        capacity=10,
    )
    employment.course_create(
        user=d[BAOFENG],
        school_id=courses[(BAOFENG, 1)].pk,
        major="电商",
        starts_on=dt.date(year, 1, 2),
        ends_on=dt.date(year, 1, 20),
        capacity=10,
    )
    last = employment.course_create(
        user=d[YEXIAN],
        school_id=courses[(YEXIAN, 0)].pk,
        major="电工",
        starts_on=dt.date(year - 1, 3, 1),
        ends_on=dt.date(year - 1, 3, 20),
        capacity=10,
    )
    bf, yx = d["persons"][BAOFENG], d["persons"][YEXIAN]
    for pid in bf[:2]:
        employment.enrol(user=d[BAOFENG], course_id=this_a.pk, person_id=pid)
    employment.enrol(user=d[YEXIAN], course_id=last.pk, person_id=yx[0])
    d["enrolments"] = {BAOFENG: 2, YEXIAN: 0}  # of this year's courses
    employment.certificate_add(user=d[BAOFENG], person_id=bf[0], kind="电工证", issued_on=today)
    employment.certificate_add(
        user=d[YEXIAN], person_id=yx[0], kind="电工证", issued_on=dt.date(year - 1, 3, 20)
    )
    d["certificates"] = {BAOFENG: 1, YEXIAN: 0}
    # Transfers: (county, person index, year, point-to-point, subsidy, paid)
    d["transfers"] = [
        (BAOFENG, 0, year, True, Decimal("300"), True),
        (BAOFENG, 1, year, False, Decimal("200"), False),
        (BAOFENG, 0, year - 1, True, Decimal("999"), True),
        (YEXIAN, 0, year, True, Decimal("100"), True),
    ]
    for county, index, y, p2p, subsidy, paid in d["transfers"]:
        start = dt.date(y, 2, 1)
        employment.transfer_create(
            user=d[county],
            person_id=d["persons"][county][index],
            destination="苏州",
            employer=f"厂{y}",
            starts_on=start,
            point_to_point=p2p,
            subsidy=subsidy,
            paid_on=start if paid else None,
        )
    # Public jobs: (county, person index, pay, ended)
    d["jobs"] = [
        (BAOFENG, 1, Decimal("500"), False),
        (BAOFENG, 2, Decimal("400"), True),
        (YEXIAN, 1, Decimal("450"), False),
    ]
    for county, index, pay, ended in d["jobs"]:
        employment.public_job_create(
            user=d[county],
            person_id=d["persons"][county][index],
            post="保洁员",
            village_code=VILLAGE[county],
            monthly_pay=pay,
            starts_on=add_months(today, -3),
            ends_on=add_months(today, -1) if ended else None,
        )
    return d


def _expected(d: dict, counties: list[str]) -> dict:
    year = d["year"]
    people = [p for c in counties for p in PEOPLE[c] if 16 <= p[0] <= 60]
    transfers = [t for t in d["transfers"] if t[0] in counties and t[2] == year]
    jobs = [j for j in d["jobs"] if j[0] in counties and not j[3]]
    schools = [s for c in counties for s in d["schools"][c]]
    return {
        "labour_force": {
            "persons": len(people),
            "employed": sum(1 for p in people if p[1] in EMPLOYED),
            "months_total": sum(p[3] or 0 for p in people),
        },
        "schools": len(schools),
        "courses": 2 if BAOFENG in counties else 0,
        "enrolments": sum(d["enrolments"][c] for c in counties),
        "certificates": sum(d["certificates"][c] for c in counties),
        "counties_compliant": sum(
            1 for c in counties if sum(1 for s in d["schools"][c] if len(s) >= 3) >= 3
        ),
        "transfers": len(transfers),
        "point_to_point": sum(1 for t in transfers if t[3]),
        "subsidy_paid": f"{sum((t[4] for t in transfers if t[5]), Decimal(0)):.2f}",
        "public_jobs": len(jobs),
        "public_jobs_alleviated": sum(1 for j in jobs if j[0] == BAOFENG),
        "public_jobs_monthly_pay": f"{sum((j[2] for j in jobs), Decimal(0)):.2f}",
    }


def _check(out: dict, want: dict) -> None:
    for key, value in want.items():
        if isinstance(value, dict):
            for k, v in value.items():
                assert out[key][k] == v, (key, k)
        else:
            assert out[key] == value, key


def test_every_panel_figure_matches_counts_made_from_the_data(api_as, data):
    city = api_as("city", CITY)
    counties = Region.objects.filter(level=Level.COUNTY, code__startswith=CITY[:4]).count()
    whole = city.api("GET", "/programs/employment-panel").json()
    _check(whole, _expected(data, [BAOFENG, YEXIAN]))
    assert whole["counties"] == counties
    by_county = {r["county_code"]: r for r in whole["transfers_by_county"]}
    assert (by_county[BAOFENG]["transfers"], by_county[BAOFENG]["subsidy_unpaid"]) == (2, 1)
    assert by_county[YEXIAN]["subsidy_paid"] == "100.00"

    for county in (BAOFENG, YEXIAN):
        out = api_as("county", county).api("GET", "/programs/employment-panel").json()
        _check(out, _expected(data, [county]))
        assert out["counties"] == 1
    # Last year's panel counts last year's course, enrolment, certificate and transfer only.
    last = city.api("GET", "/programs/employment-panel", {"year": data["year"] - 1}).json()
    assert (last["courses"], last["enrolments"], last["certificates"]) == (1, 1, 1)
    assert (last["transfers"], last["subsidy_paid"]) == (1, "999.00")
    assert city.api("GET", "/programs/employment-panel", {"region": "999999"}).status_code == 404


def test_the_page_table_and_excel_show_the_same_figures(client, data):
    client.force_login(data[BAOFENG])
    want = _expected(data, [BAOFENG])
    page = client.get("/programs/employment/")
    assert page.status_code == 200
    rows = {label: value for _, label, value in page.context["rows"]}
    assert rows["劳动年龄人口"] == want["labour_force"]["persons"]
    assert rows["已就业"] == want["labour_force"]["employed"]
    assert rows["当年转移就业人次"] == want["transfers"]
    assert rows["已发交通补贴(元)"] == want["subsidy_paid"]
    assert rows["在岗人数"] == want["public_jobs"]
    assert rows["学校达标的县"] == want["counties_compliant"] == 0
    text = page.content.decode()
    assert 'data-chart="chart-labour"' in text and 'data-chart="chart-transfers"' in text
    book = load_workbook(io.BytesIO(client.get("/programs/employment/?format=xlsx").content))
    sheet = book.active
    in_excel = {r[1]: r[2] for r in sheet.iter_rows(min_row=4, values_only=True)}
    assert {k: str(v) for k, v in in_excel.items()} == {k: str(v) for k, v in rows.items()}
