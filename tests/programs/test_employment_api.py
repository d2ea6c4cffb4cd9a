"""Issue 12, employment: the labour force derived from the registry, training schools and
each county's compliance, courses, enrolments, certificates, transfer employment and
public-welfare jobs; each counts as 有就业. Figures are checked against counts made here."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone

from fangpin.monitoring.clock import add_months
from fangpin.registry import services as registry
from tests.conftest import BAOFENG, BAOFENG_TOWN, BAOFENG_VILLAGE, YEXIAN, YEXIAN_VILLAGE
from tests.registry.helpers import member, new_id

pytestmark = pytest.mark.django_db


def _born(age: int, days: int = 0) -> dt.date:
    """A birth date `age` years (and `days` more days) before today."""
    return add_months(timezone.localdate(), -12 * age) - dt.timedelta(days=days)


# (age, extra days, labour, employment status, place, months) of the 宝丰 people.
PEOPLE = [
    (16, 0, "普通劳动力", "务工", "省外", 10),  # 16 today: of working age
    (15, 364, "", "", "", None),  # a day short of 16: not
    (30, 0, "技能劳动力", "务工", "县内", 12),
    (45, 0, "普通劳动力", "灵活就业", "省内县外", 6),
    (50, 0, "弱劳动力或半劳动力", "公益岗", "县内", 12),
    (55, 0, "丧失劳动力", "未就业", "", None),
    (60, 300, "普通劳动力", "", "", None),  # still 60: of working age
    (61, 0, "普通劳动力", "务工", "县内", 3),  # past 60: not
]


def _load_people(make_user) -> tuple[list[dict], list[int]]:
    clerk = make_user("village", BAOFENG_VILLAGE, "clerk-bf")
    relations = ["户主", "配偶", "之子", "之女", "之父", "之母", "之孙子", "之孙女"]
    members = [
        member(relations[i], id_number=new_id(birth=_born(age, days)), labour=labour)
        for i, (age, days, labour, *_) in enumerate(PEOPLE)
    ]
    home = registry.household_create(
        user=clerk, village_code=BAOFENG_VILLAGE, is_alleviated=True, members=members
    )
    ids = [
        m.person_id
        for m in sorted(home.current_memberships(), key=lambda m: relations.index(m.relation))
    ]
    for pid, (_, _, _, status, place, months) in zip(ids, PEOPLE, strict=True):
        if status:
            registry.person_employment_set(
                user=clerk,
                household_id=home.pk,
                person_id=pid,
                status=status,
                work_place=place,
                months=months,
            )
    # A 叶县 household of working age, never counted for 宝丰.
    yx = make_user("village", YEXIAN_VILLAGE, "clerk-yx")
    registry.household_create(
        user=yx,
        village_code=YEXIAN_VILLAGE,
        is_alleviated=True,
        members=[member("户主", id_number=new_id(birth=_born(30), area="410422"))],
    )
    return [{"home": home.pk}], ids


def test_the_labour_force_counts_working_age_members_by_labour_status_and_place(api_as, make_user):
    _load_people(make_user)
    working = [p for p in PEOPLE if 16 <= p[0] <= 60]
    employed = [p for p in working if p[3] in {"务工", "灵活就业", "公益岗", "自主创业"}]
    client = api_as("county", BAOFENG)
    out = client.api("GET", "/labour-force", {"region": BAOFENG}).json()
    assert out["persons"] == len(working) == 6
    assert out["employed"] == len(employed)
    assert out["can_work"] == sum(
        1 for p in working if p[2] in {"技能劳动力", "普通劳动力", "弱劳动力或半劳动力"}
    )
    statuses = Counter(p[3] or "未登记" for p in working)
    assert {k: v for k, v in out["by_status"].items() if v} == dict(statuses)
    assert {k: v for k, v in out["by_place"].items() if v} == dict(Counter(p[4] for p in employed))
    assert out["months_total"] == sum(p[5] or 0 for p in working)
    assert sorted(i["age"] for i in out["items"]) == sorted(p[0] for p in working)
    assert "id_number" not in out["items"][0]

    only = client.api("GET", "/labour-force", {"region": BAOFENG, "status": "务工"}).json()
    assert [i["employment_status"] for i in only["items"]] == ["务工"] * statuses["务工"]
    unreported = client.api("GET", "/labour-force", {"status": "未登记"}).json()
    assert unreported["count"] == statuses["未登记"]

    assert client.api("GET", "/labour-force", {"region": YEXIAN}).status_code == 404
    yexian = api_as("county", YEXIAN).api("GET", "/labour-force").json()
    assert yexian["persons"] == 1 and yexian["employed"] == 0


def _school(client, name: str, county: str, majors: list[str]) -> dict:
    response = client.api(
        "POST",
        "/training-schools",
        {"name": name, "county_code": county, "type": "vocational", "majors": majors},
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_each_county_needs_three_schools_with_three_majors(api_as):
    city = api_as("city", "410400")
    bf = api_as("county", BAOFENG)
    _school(bf, "宝丰职业技术学校", BAOFENG, ["电工", "焊工", "家政"])
    _school(bf, "宝丰技工学校", BAOFENG, ["电工", "汽修", "烹饪", "电商"])
    short = _school(bf, "宝丰家政培训中心", BAOFENG, ["家政", "育婴员"])

    def county(code: str) -> dict:
        rows = city.api("GET", "/training-schools/compliance").json()
        return next(r for r in rows if r["county_code"] == code)

    row = county(BAOFENG)
    assert (row["schools"], row["qualified_schools"], row["status"]) == (3, 2, "未达标")
    assert row["missing"] == [
        "还差 1 所开设 3 个以上专业的学校",
        f"{short['name']}还差 1 个专业",
    ]
    assert county(YEXIAN)["missing"] == ["还差 3 所开设 3 个以上专业的学校"]

    _school(bf, "宝丰电商学院", BAOFENG, ["直播", "电商", "物流", "电商"])  # once each
    row = county(BAOFENG)
    assert (row["qualified_schools"], row["compliant"], row["status"]) == (3, True, "达标")
    assert row["missing"] == []

    # The same school twice is refused; 叶县 cannot register a school in 宝丰.
    again = bf.api(
        "POST",
        "/training-schools",
        {"name": "宝丰技工学校", "county_code": BAOFENG, "type": "technical", "majors": ["电工"]},
    )
    assert again.status_code == 409
    yx = api_as("county", YEXIAN)
    foreign = {"name": "某校", "county_code": BAOFENG, "type": "technical", "majors": ["电工"]}
    assert yx.api("POST", "/training-schools", foreign).status_code == 404
    assert yx.api("GET", "/training-schools/compliance").json()[0]["county_code"] == YEXIAN
    assert yx.api("GET", "/training-schools", {"region": BAOFENG}).json()["count"] == 0
    # A township sees its county's schools (its people train there).
    town = api_as("township", BAOFENG_TOWN)
    assert town.api("GET", "/training-schools").json()["count"] == 4


def test_courses_enrolments_and_certificates(api_as, make_user):
    _, ids = _load_people(make_user)
    bf = api_as("county", BAOFENG)
    school = _school(bf, "宝丰职业技术学校", BAOFENG, ["电工", "焊工", "家政"])
    today = timezone.localdate()
    body = {"major": "汽修", "starts_on": str(today), "ends_on": str(today), "capacity": 2}
    path = f"/training-schools/{school['id']}/courses"
    refused = bf.api("POST", path, body)
    assert refused.status_code == 400 and "未开设专业“汽修”" in refused.json()["detail"]
    course = bf.api("POST", path, {**body, "major": "电工"}).json()
    assert (course["major"], course["capacity"], course["enrolled"]) == ("电工", 2, 0)

    town = api_as("township", BAOFENG_TOWN)
    enrol = f"/training-courses/{course['id']}/enrolments"
    first = town.api("POST", enrol, {"person_id": ids[0]})
    assert first.status_code == 201, first.json()
    assert first.json()["course"]["enrolled"] == 1
    assert town.api("POST", enrol, {"person_id": ids[0]}).status_code == 409
    assert town.api("POST", enrol, {"person_id": ids[2]}).status_code == 201
    full = town.api("POST", enrol, {"person_id": ids[3]})
    assert full.status_code == 409 and "已满" in full.json()["detail"]
    yexian = api_as("county", YEXIAN)
    assert yexian.api("POST", enrol, {"person_id": ids[4]}).status_code == 404

    cert = {"person_id": ids[0], "kind": "电工职业技能等级证书", "issued_on": str(today)}
    made = town.api("POST", "/certificates", {**cert, "course_id": course["id"]})
    assert made.status_code == 201, made.json()
    assert town.api("POST", "/certificates", cert).status_code == 409
    listed = bf.api("GET", "/certificates", {"year": today.year}).json()
    assert [c["kind"] for c in listed["items"]] == ["电工职业技能等级证书"]
    assert yexian.api("GET", "/certificates", {"region": BAOFENG}).json()["count"] == 0
    assert bf.api("GET", "/training-enrolments").json()["count"] == 2


def _three(client, household_id: int) -> dict:
    return client.api("GET", f"/three-haves/households/{household_id}").json()


def _bare_household(make_user, username: str) -> tuple[int, int]:
    clerk = make_user("village", BAOFENG_VILLAGE, username)
    home = registry.household_create(
        user=clerk,
        village_code=BAOFENG_VILLAGE,
        is_alleviated=True,
        members=[member("户主", id_number=new_id(birth=_born(40)))],
    )
    return home.pk, home.current_memberships().first().person_id


def test_transfer_public_job_and_reported_employment_each_count_as_employed(api_as, make_user):
    client = api_as("county", BAOFENG)
    today = timezone.localdate()
    moved, moved_person = _bare_household(make_user, "c1")
    post, post_person = _bare_household(make_user, "c2")
    told, told_person = _bare_household(make_user, "c3")
    for hid in (moved, post, told):
        assert _three(client, hid)["employment"] is False

    transfer = client.api(
        "POST",
        "/transfer-jobs",
        {
            "person_id": moved_person,
            "destination": "江苏苏州",
            "employer": "某电子厂",
            "starts_on": str(today),
            "point_to_point": True,
            "subsidy": "500",
            "paid_on": str(today),
        },
    )
    assert transfer.status_code == 201, transfer.json()
    assert transfer.json()["subsidy"] == "500.00"
    assert _three(client, moved)["employment"] is True

    job = client.api(
        "POST",
        "/public-jobs",
        {
            "person_id": post_person,
            "post": "保洁员",
            "village_code": BAOFENG_VILLAGE,
            "monthly_pay": "500",
            "starts_on": str(today),
        },
    )
    assert job.status_code == 201, job.json()
    assert job.json()["alleviated"] is True
    assert _three(client, post)["employment"] is True
    again = client.api(
        "POST",
        "/public-jobs",
        {
            "person_id": post_person,
            "post": "护路员",
            "village_code": BAOFENG_VILLAGE,
            "monthly_pay": "300",
            "starts_on": str(today),
        },
    )
    assert again.status_code == 409

    client.api(
        "PUT",
        f"/households/{told}/members/{told_person}/employment",
        {"employment_status": "灵活就业", "work_place": "县内"},
    )
    assert _three(client, told)["employment"] is True
    client.api(
        "PUT",
        f"/households/{told}/members/{told_person}/employment",
        {"employment_status": "未就业"},
    )
    assert _three(client, told)["employment"] is False

    yexian = api_as("county", YEXIAN)
    assert yexian.api("GET", "/transfer-jobs", {"region": BAOFENG}).json()["count"] == 0
    assert yexian.api("GET", "/public-jobs", {"region": BAOFENG}).json()["count"] == 0
    assert client.api("GET", "/public-jobs", {"active": True}).json()["count"] == 1
