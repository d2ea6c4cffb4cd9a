"""CONTRACT §7, field half: grids, visits, coverage, public pages, self-reports, policies."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client

from fangpin.core.deadlines import add_working_days
from fangpin.monitoring import clock
from fangpin.monitoring.models import Case
from fangpin.villages.models import CHECKLIST, SelfReport, Visit
from tests.conftest import (
    BAOFENG,
    BAOFENG_TOWN,
    BAOFENG_VILLAGE,
    CITY,
    YEXIAN_VILLAGE,
    ApiClient,
)
from tests.registry.helpers import make_household, new_id

pytestmark = pytest.mark.django_db

OTHER_BAOFENG_VILLAGE = "410421101202"


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()


@pytest.fixture
def clerk(make_user):
    return make_user("village", BAOFENG_VILLAGE, "zhouzhuang-clerk")


@pytest.fixture
def home(clerk):
    return make_household(clerk, BAOFENG_VILLAGE, is_alleviated=True, head_name="王守田")


def _client(make_user, role, region, name=None):
    return ApiClient(make_user(role, region, name))


# ------------------------------------------------------------------------------ grids


def test_grids_at_four_levels_each_inside_its_parent(make_user, clerk, home):
    county = _client(make_user, "county", BAOFENG)
    make_user("village", BAOFENG_VILLAGE, "wangge-1")
    c = county.api(
        "POST", "/grids", {"name": "宝丰县网格", "level": "county", "region_code": BAOFENG}
    )
    assert c.status_code == 201, c.json()
    t = county.api(
        "POST",
        "/grids",
        {
            "name": "周庄镇网格",
            "level": "township",
            "region_code": BAOFENG_TOWN,
            "parent_id": c.json()["id"],
        },
    )
    v = county.api(
        "POST",
        "/grids",
        {
            "name": "周庄村网格",
            "level": "village",
            "region_code": BAOFENG_VILLAGE,
            "parent_id": t.json()["id"],
            "worker_username": "wangge-1",
        },
    )
    assert v.status_code == 201 and v.json()["worker_username"] == "wangge-1"
    g = county.api(
        "POST",
        "/grids",
        {
            "name": "一组",
            "level": "group",
            "region_code": BAOFENG_VILLAGE,
            "parent_id": v.json()["id"],
        },
    )
    assert g.status_code == 201
    # A village grid under another village's grid: outside its parent.
    other = county.api(
        "POST",
        "/grids",
        {
            "name": "x",
            "level": "group",
            "region_code": OTHER_BAOFENG_VILLAGE,
            "parent_id": v.json()["id"],
        },
    )
    assert other.status_code == 400 and other.json()["code"] == "grid_outside_parent"
    wrong = county.api("POST", "/grids", {"name": "y", "level": "township", "region_code": BAOFENG})
    assert wrong.json()["code"] == "grid_level_region_mismatch"
    nobody = county.api(
        "POST",
        "/grids",
        {
            "name": "z",
            "level": "village",
            "region_code": BAOFENG_VILLAGE,
            "worker_username": "ghost",
        },
    )
    assert nobody.json()["code"] == "unknown_worker"
    listed = county.api("GET", "/grids", {"region": BAOFENG_TOWN}).json()
    assert {i["name"] for i in listed["items"]} == {"周庄镇网格", "周庄村网格", "一组"}

    put = county.api("PUT", f"/households/{home.pk}/grid", {"grid_id": g.json()["id"]})
    assert put.status_code == 200 and put.json()["grid_name"] == "一组"
    township_grid = county.api("PUT", f"/households/{home.pk}/grid", {"grid_id": t.json()["id"]})
    assert township_grid.json()["code"] == "grid_not_for_household"
    # Another village's clerk sees neither the grid nor the household.
    outsider = _client(make_user, "village", OTHER_BAOFENG_VILLAGE)
    assert (
        outsider.api("PUT", f"/households/{home.pk}/grid", {"grid_id": g.json()["id"]}).status_code
        == 404
    )
    assert outsider.api("GET", "/grids").json()["count"] == 0
    assert (
        _client(make_user, "viewer", BAOFENG)
        .api("POST", "/grids", {"name": "v", "level": "county", "region_code": BAOFENG})
        .status_code
        == 403
    )


# ------------------------------------------------------------------------------ visits


def test_a_visit_records_the_checklist_and_reports_a_case_in_the_same_transaction(clerk, home):
    client = ApiClient(clerk)
    checks = dict.fromkeys(CHECKLIST, True) | {"serious_illness": False}
    answer = client.api(
        "POST",
        "/visits",
        {
            "household_id": home.pk,
            "visited_on": clock.today().isoformat(),
            "met": "户主本人",
            "checklist": checks,
            "findings": "户主住院,自付费用高",
            "report_case": {"category": "sudden", "risk_types": ["01"], "description": "大病"},
        },
    )
    assert answer.status_code == 201, answer.json()
    case = Case.objects.get(pk=answer.json()["case_id"])
    assert case.channel == "cadre_visit" and case.household_id == home.pk
    visit = Visit.objects.get(pk=answer.json()["id"])
    assert visit.case_id == case.pk and visit.concerns == ["大病重病户"]

    # The second report is refused (the household has an open case): no visit is kept either.
    again = client.api(
        "POST",
        "/visits",
        {
            "household_id": home.pk,
            "met": "户主",
            "report_case": {"category": "sudden", "risk_types": ["01"]},
        },
    )
    assert again.status_code == 409
    assert Visit.objects.filter(household=home).count() == 1
    bad = client.api(
        "POST",
        "/visits",
        {
            "household_id": home.pk,
            "met": "户主",
            "report_case": {"category": "nope", "risk_types": ["01"]},
        },
    )
    assert bad.status_code == 400 and Visit.objects.filter(household=home).count() == 1

    # A visit refused after its case was opened takes the case back with it (one transaction).
    other = make_household(clerk, BAOFENG_VILLAGE, is_alleviated=False)
    refused = client.api(
        "POST",
        "/visits",
        {
            "household_id": other.pk,
            "met": "<b>户主</b>",
            "report_case": {"category": "marginal", "risk_types": ["01"]},
        },
    )
    assert refused.status_code == 400 and refused.json()["code"] == "markup_not_allowed"
    assert not Case.objects.filter(household=other).exists()
    assert not Visit.objects.filter(household=other).exists()

    plain = client.api("POST", "/visits", {"household_id": home.pk, "met": "配偶"})
    assert plain.status_code == 201 and plain.json()["case_id"] is None
    listed = client.api("GET", "/visits", {"household_id": home.pk}).json()
    assert listed["count"] == 2 and listed["items"][0]["met"] in {"配偶", "户主本人"}


def test_visit_refusals(clerk, home, make_user):
    client = ApiClient(clerk)
    unknown = client.api(
        "POST", "/visits", {"household_id": home.pk, "met": "户主", "checklist": {"x": True}}
    )
    assert unknown.status_code == 400 and unknown.json()["code"] == "unknown_check_item"
    future = (clock.today() + dt.timedelta(days=2)).isoformat()
    late = client.api(
        "POST", "/visits", {"household_id": home.pk, "met": "户主", "visited_on": future}
    )
    assert late.json()["code"] == "visit_date_in_future"
    script = client.api("POST", "/visits", {"household_id": home.pk, "met": "<script>x</script>"})
    assert script.status_code == 400 and script.json()["code"] == "markup_not_allowed"
    other = _client(make_user, "village", OTHER_BAOFENG_VILLAGE)
    assert other.api("POST", "/visits", {"household_id": home.pk, "met": "户主"}).status_code == 404
    ApiClient(clerk).api("POST", "/visits", {"household_id": home.pk, "met": "户主"})
    assert other.api("GET", "/visits", {"household_id": home.pk}).json()["count"] == 0
    assert other.api("GET", "/visits", {"region": BAOFENG_VILLAGE}).json()["count"] == 0


def test_coverage_lists_the_alleviated_and_monitored_households_not_visited(clerk, home, make_user):
    ordinary = make_household(clerk, BAOFENG_VILLAGE, is_alleviated=False)  # not counted
    second = make_household(clerk, BAOFENG_VILLAGE, is_alleviated=True, head_name="赵大")
    client = ApiClient(clerk)
    before = client.api("GET", "/visits/coverage", {"region": BAOFENG_VILLAGE, "days": 30}).json()
    assert before["households"] == 2 and before["visited"] == 0 and before["share"] == 0
    old = (clock.today() - dt.timedelta(days=25)).isoformat()
    client.api("POST", "/visits", {"household_id": home.pk, "met": "户主", "visited_on": old})
    after = client.api("GET", "/visits/coverage", {"region": BAOFENG_VILLAGE, "days": 30}).json()
    assert after["visited"] == 1 and after["share"] == 0.5
    assert [r["household_id"] for r in after["not_visited"]] == [second.pk]
    shorter = client.api("GET", "/visits/coverage", {"days": 20}).json()
    assert {r["household_id"] for r in shorter["not_visited"]} == {home.pk, second.pk}
    assert ordinary.pk not in {r["household_id"] for r in shorter["not_visited"]}
    outsider = _client(make_user, "village", YEXIAN_VILLAGE)
    assert outsider.api("GET", "/visits/coverage", {"region": BAOFENG}).json()["households"] == 0


def test_coverage_names_at_most_the_limit_longest_unvisited_first_and_counts_them_all(
    clerk, home, monkeypatch
):
    from fangpin.villages import api_field

    monkeypatch.setattr(api_field, "NOT_VISITED_LIMIT", 2)
    others = [make_household(clerk, BAOFENG_VILLAGE, is_alleviated=True) for _ in range(3)]
    client = ApiClient(clerk)
    old = (clock.today() - dt.timedelta(days=25)).isoformat()
    visit = {"household_id": home.pk, "met": "户主", "visited_on": old}
    assert client.api("POST", "/visits", visit).status_code == 201

    body = client.api("GET", "/visits/coverage", {"region": BAOFENG_VILLAGE, "days": 20}).json()

    assert body["households"] == 4 and body["visited"] == 0
    assert [r["household_id"] for r in body["not_visited"]] == [others[0].pk, others[1].pk]


# ------------------------------------------------------------------- public (no login)


def test_the_public_page_shows_policies_and_liaisons_and_nobody(anonymous, home, make_user):
    county = _client(make_user, "county", BAOFENG)
    county.api(
        "POST",
        "/policies",
        {
            "department": "县医保局",
            "title": "城乡居民基本医疗保险资助参保",
            "level": "county",
            "eligibility": "脱贫人口和监测对象",
            "benefit": "个人缴费部分给予资助",
            "how_to_apply": "村卫生室或乡镇医保站办理",
        },
    )
    county.api(
        "POST",
        "/liaisons",
        {"sector": "医保", "region_code": BAOFENG_TOWN, "name": "刘洋", "phone": "13912345678"},
    )
    page = anonymous.api("GET", f"/public/villages/{BAOFENG_VILLAGE}")
    assert page.status_code == 200
    body = page.json()
    assert body["name"].startswith("周庄村")
    assert [p["title"] for p in body["policies"]] == ["城乡居民基本医疗保险资助参保"]
    assert body["liaisons"][0]["phone"] == "13912345678"
    assert "王守田" not in page.text and home.number not in page.text
    assert anonymous.api("GET", "/public/villages/410421101999").status_code == 404
    assert anonymous.api("GET", f"/public/villages/{BAOFENG_TOWN}").status_code == 404


def _report(**extra):
    return {
        "name": "王守田",
        "phone": "13812345678",
        "description": "家里老人住院,花费很大",
    } | extra


def test_a_public_report_lands_in_the_village_queue_with_the_same_answer(anonymous, home):
    registered = home.current_memberships().first().person
    from fangpin.core import idcrypt

    known = (
        idcrypt.decrypt(registered.id_number)
        if idcrypt.is_encrypted(registered.id_number)
        else registered.id_number
    )
    first = anonymous.api(
        "POST", f"/public/villages/{BAOFENG_VILLAGE}/reports", _report(id_number=known)
    )
    second = anonymous.api(
        "POST", f"/public/villages/{BAOFENG_VILLAGE}/reports", _report(id_number=new_id())
    )
    third = anonymous.api("POST", f"/public/villages/{BAOFENG_VILLAGE}/reports", _report())
    assert first.status_code == second.status_code == third.status_code == 202
    assert set(first.json()) == set(second.json()) == {"receipt"}
    assert SelfReport.objects.filter(village_id=BAOFENG_VILLAGE).count() == 3
    # A phone or browser posting without any cookie or token: no CSRF refusal either.
    strict = Client(enforce_csrf_checks=True)
    sent = strict.post(
        f"/api/v1/public/villages/{BAOFENG_VILLAGE}/reports",
        _report(),
        content_type="application/json",
    )
    assert sent.status_code == 202


def test_the_public_form_refuses_floods_oversize_script_and_unknown_villages(anonymous):
    url = f"/public/villages/{BAOFENG_VILLAGE}/reports"
    assert (
        anonymous.api("POST", "/public/villages/410421101999/reports", _report()).status_code == 404
    )
    big = anonymous.api("POST", url, _report(description="苦" * 5000))
    assert big.status_code == 422
    script = anonymous.api("POST", url, _report(description="<script>alert(1)</script>"))
    assert script.status_code == 400 and script.json()["code"] == "markup_not_allowed"
    cache.clear()
    answers = [anonymous.api("POST", url, _report()).status_code for _ in range(7)]
    assert answers[:5] == [202] * 5 and answers[5:] == [429, 429]
    refused = anonymous.api("POST", url, _report())
    assert refused.json()["code"] == "too_many_reports" and refused["Retry-After"] == "60"
    assert SelfReport.objects.count() == 5


# ------------------------------------------------------------------------------ self-reports


def test_a_village_accepts_a_report_into_a_self_report_case(anonymous, clerk, home, make_user):
    anonymous.api("POST", f"/public/villages/{BAOFENG_VILLAGE}/reports", _report())
    client = ApiClient(clerk)
    queue = client.api("GET", "/self-reports", {"status": "pending"}).json()
    assert queue["count"] == 1
    item = queue["items"][0]
    assert item["deadline"] == add_working_days(clock.today(), 2).due_on.isoformat()
    outsider = _client(make_user, "village", OTHER_BAOFENG_VILLAGE)
    assert outsider.api("GET", "/self-reports").json()["count"] == 0
    refused = outsider.api(
        "POST",
        f"/self-reports/{item['id']}/actions/accept",
        {"household_id": home.pk, "category": "unstable", "risk_types": ["01"]},
    )
    assert refused.status_code == 404
    done = client.api(
        "POST",
        f"/self-reports/{item['id']}/actions/accept",
        {"household_id": home.pk, "category": "unstable", "risk_types": ["01"]},
    )
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "accepted"
    case = Case.objects.get(pk=done.json()["case_id"])
    assert case.channel == "self_report" and case.household_id == home.pk
    again = client.api("POST", f"/self-reports/{item['id']}/actions/dismiss", {"reason": "重复"})
    assert again.status_code == 409 and again.json()["code"] == "report_not_pending"


def test_a_report_is_dismissed_with_a_reason_and_a_household_of_another_village_refused(
    anonymous, clerk, make_user
):
    anonymous.api("POST", f"/public/villages/{BAOFENG_VILLAGE}/reports", _report())
    report = SelfReport.objects.get()
    county = _client(make_user, "county", BAOFENG)
    elsewhere = make_household(
        make_user("village", OTHER_BAOFENG_VILLAGE, "c2"), OTHER_BAOFENG_VILLAGE
    )
    wrong = county.api(
        "POST",
        f"/self-reports/{report.pk}/actions/accept",
        {"household_id": elsewhere.pk, "category": "marginal", "risk_types": ["01"]},
    )
    assert wrong.status_code == 400 and wrong.json()["code"] == "household_not_in_village"
    done = ApiClient(clerk).api(
        "POST", f"/self-reports/{report.pk}/actions/dismiss", {"reason": "已在册帮扶"}
    )
    assert done.json() == {"id": report.pk, "status": "dismissed", "case_id": None}


# ------------------------------------------------------------------------------ catalogue


def test_policies_and_liaisons_of_the_regions_above_show_below(make_user, clerk):
    city = _client(make_user, "city", CITY)
    made = city.api(
        "POST",
        "/policies",
        {
            "department": "市乡村振兴局",
            "title": "雨露计划",
            "level": "city",
            "eligibility": "脱贫家庭中职、高职在校生",
            "benefit": "每生每年3000元",
            "how_to_apply": "向村委会提出申请",
        },
    )
    assert made.status_code == 201 and made.json()["region_code"] == CITY
    village = ApiClient(clerk)
    assert [p["title"] for p in village.api("GET", "/policies").json()["items"]] == ["雨露计划"]
    assert village.api("POST", "/policies", made.json() | {"level": "city"}).status_code == 403
    yexian = _client(make_user, "county", "410422")
    assert yexian.api("GET", "/policies", {"region": BAOFENG}).json()["count"] == 0
    assert yexian.api("GET", "/policies").json()["count"] == 1  # the city's
    bad = city.api(
        "POST",
        "/liaisons",
        {"sector": "教育", "region_code": BAOFENG, "name": "李", "phone": "123"},
    )
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_phone"
    foreign = yexian.api(
        "POST",
        "/liaisons",
        {"sector": "教育", "region_code": BAOFENG, "name": "李", "phone": "13800000000"},
    )
    assert foreign.status_code == 404
    department = _client(make_user, "department", CITY)
    assert department.api("GET", "/policies").status_code == 403
    assert department.api("GET", "/liaisons").status_code == 403
