"""Walk every route of the API as a user of 叶县 against objects of 宝丰县: nothing of the
other county may be seen or changed.

ROUTES maps each (method, path template) of the OpenAPI schema to how to call it. A route
that is missing from the table makes the walk fail: whoever adds a route adds its line here.

Expectations:
- DETAIL: a GET of one foreign object answers 404.
- LIST: a list filtered to the foreign county's region answers an empty list.
- WRITE: a write naming a foreign object answers 404 (403 where the role may not write).
- ROLE: the route is limited to a role the walker lacks (city policy): 403.
- OWN: the route names no object and no region of another county (it acts in the caller's
  own region), so there is nothing foreign to reach; the reason is written beside it.

The same table, and every named page of the site, are walked again as a department of the
city (CONTRACT §3): 403 on everything but its login, the division tree and its own batches.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from fangpin.api import api
from fangpin.monitoring import services as monitoring
from fangpin.registry import services as registry
from fangpin.screening.models import Batch, Warning
from fangpin.villages.board import services as village_board
from tests.conftest import (
    BAOFENG,
    BAOFENG_TOWN,
    BAOFENG_VILLAGE,
    CITY,
    YEXIAN,
    YEXIAN_VILLAGE,
    ApiClient,
)
from tests.registry.helpers import make_household, member

pytestmark = pytest.mark.django_db

PREFIX = "/api/v1"
DETAIL, LIST, WRITE, ROLE, OWN = "detail", "list", "write", "role", "own"

GUARANTEES = {
    "food_ok": True,
    "clothing_ok": True,
    "education_ok": True,
    "medical_ok": True,
    "housing_grade": "A",
    "water_ok": True,
}


@dataclass
class Foreign:
    """Objects of 宝丰县, made by a 宝丰县 clerk."""

    household: int
    case: int
    measure: int
    warning: int
    batch: int
    document: int
    # Village field work (issue 11): made on first use by `field_objects` below.
    field_half: dict[str, int] = field(default_factory=dict)
    problem: int = 0
    census_round: int = 0
    problem_photo: int = 0
    workshop: int = 0
    entity: int = 0
    project: int = 0
    person: int = 0
    worker: int = 0
    school: int = 0
    course: int = 0
    asset: int = 0
    asset_income: int = 0
    disposal: int = 0
    check_round: int = 0
    indicator: int = 0
    indicator_report: int = 0
    assessment_sample: int = 0
    follow_up: int = 0


@dataclass
class Call:
    kind: str
    path: dict[str, Callable[[Foreign], Any]] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    body: Callable[[Foreign], Any] | None = None
    why: str = ""


household = {"household_id": lambda f: f.household}
case = {"case_id": lambda f: f.case}

ROUTES: dict[tuple[str, str], Call] = {
    ("POST", "/auth/token"): Call(OWN, why="logging in names no region or object"),
    ("DELETE", "/auth/token"): Call(OWN, why="revokes the caller's own token, names nothing"),
    ("GET", "/regions/{code}"): Call(DETAIL, {"code": lambda f: BAOFENG}),
    ("GET", "/regions/{code}/children"): Call(DETAIL, {"code": lambda f: BAOFENG_TOWN}),
    ("POST", "/households"): Call(
        WRITE,
        body=lambda f: {
            "village_code": BAOFENG_VILLAGE,
            "is_alleviated": False,
            "members": [member("户主")],
        },
    ),
    ("GET", "/households"): Call(LIST, query={"region": BAOFENG}),
    ("GET", "/households/{household_id}"): Call(DETAIL, household),
    ("POST", "/households/{household_id}/incomes"): Call(
        WRITE, household, body=lambda f: {"year": 2025, "wage": 1000}
    ),
    ("PUT", "/households/{household_id}/guarantees"): Call(
        WRITE, household, body=lambda f: GUARANTEES
    ),
    ("POST", "/cases"): Call(
        WRITE,
        body=lambda f: {
            "household_id": f.household,
            "channel": "self_report",
            "category": "marginal",
            "risk_types": ["01"],
        },
    ),
    ("GET", "/cases"): Call(LIST, query={"region": BAOFENG}),
    ("GET", "/cases/{case_id}"): Call(DETAIL, case),
    ("POST", "/cases/{case_id}/actions/{action}"): Call(
        WRITE,
        {**case, "action": lambda f: "verify"},
        body=lambda f: {"findings": "属实", "consent_signed": True},
    ),
    ("POST", "/cases/{case_id}/attachments"): Call(
        WRITE,
        case,
        body=lambda f: {
            "kind": "入户核实表",
            "file": SimpleUploadedFile("核实表.pdf", b"%PDF-1.4", content_type="application/pdf"),
        },
    ),
    ("GET", "/cases/{case_id}/attachments/{document_id}"): Call(
        DETAIL, {**case, "document_id": lambda f: f.document}
    ),
    ("GET", "/cases/{case_id}/plan"): Call(DETAIL, case),
    ("PUT", "/cases/{case_id}/plan"): Call(WRITE, case, body=lambda f: {"helper_name": "张三"}),
    ("POST", "/cases/{case_id}/measures"): Call(
        WRITE,
        case,
        body=lambda f: {"type": "industry", "content": "发放种苗", "starts_on": "2026-01-05"},
    ),
    ("PUT", "/cases/{case_id}/measures/{measure_id}"): Call(
        WRITE,
        {**case, "measure_id": lambda f: f.measure},
        body=lambda f: {"status": "implemented"},
    ),
    ("GET", "/warnings"): Call(LIST, query={"region": BAOFENG}),
    ("GET", "/warnings/{warning_id}"): Call(DETAIL, {"warning_id": lambda f: f.warning}),
    ("POST", "/warnings/{warning_id}/actions/{action}"): Call(
        WRITE,
        {"warning_id": lambda f: f.warning, "action": lambda f: "dismiss"},
        body=lambda f: {"reason": "核实无风险"},
    ),
    ("POST", "/screening/batches"): Call(
        OWN, why="an upload is screened for the uploader's own region; it names no object"
    ),
    ("GET", "/screening/batches"): Call(LIST),
    ("GET", "/screening/batches/{batch_id}"): Call(DETAIL, {"batch_id": lambda f: f.batch}),
    ("POST", "/screening/batches/{batch_id}/actions/rerun"): Call(
        WRITE, {"batch_id": lambda f: f.batch}
    ),
    ("GET", "/stats/summary"): Call(DETAIL, query={"region": BAOFENG}),
    ("GET", "/policy"): Call(ROLE),
    ("PUT", "/policy/monitoring-lines/{year}"): Call(
        ROLE, {"year": lambda f: 2026}, body=lambda f: {"yuan": 9000}
    ),
    ("PUT", "/policy/parameters/{key}"): Call(
        ROLE, {"key": lambda f: "notice_min_days"}, body=lambda f: {"value": 7}
    ),
    ("PUT", "/policy/terms/{key}"): Call(
        ROLE,
        {"key": lambda f: "monitored_object"},
        body=lambda f: {"valid_from": "2027-01-01", "text": "新名称"},
    ),
    # ---- village work, field half: grids, visits, public pages, self-reports (issue 11)
    ("POST", "/grids"): Call(
        WRITE, body=lambda f: {"name": "一网格", "level": "village", "region_code": BAOFENG_VILLAGE}
    ),
    ("GET", "/grids"): Call(LIST, query={"region": BAOFENG}),
    ("PUT", "/households/{household_id}/grid"): Call(
        WRITE, household, body=lambda f: {"grid_id": field_objects(f)["grid"]}
    ),
    ("POST", "/visits"): Call(
        WRITE,
        body=lambda f: {"household_id": f.household, "met": "户主", "checklist": {}},
    ),
    ("GET", "/visits"): Call(LIST, query={"region": BAOFENG}),
    ("GET", "/visits/coverage"): Call(LIST, query={"region": BAOFENG}),
    ("GET", "/public/villages/{code}"): Call(
        OWN, why="public page of a village (no login): policies and liaisons only, no person"
    ),
    ("POST", "/public/villages/{code}/reports"): Call(
        OWN, why="public report form (no login): it only adds to the village's queue"
    ),
    ("GET", "/self-reports"): Call(LIST, query={"region": BAOFENG}),
    ("POST", "/self-reports/{report_id}/actions/accept"): Call(
        WRITE,
        {"report_id": lambda f: field_objects(f)["report"]},
        body=lambda f: {"household_id": f.household, "category": "marginal", "risk_types": ["01"]},
    ),
    ("POST", "/self-reports/{report_id}/actions/dismiss"): Call(
        WRITE, {"report_id": lambda f: field_objects(f)["report"]}, body=lambda f: {"reason": "无"}
    ),
    ("GET", "/policies"): Call(LIST, query={"region": BAOFENG}),
    ("POST", "/policies"): Call(
        WRITE,
        body=lambda f: {
            "department": "县医保局",
            "title": "医疗保障",
            "level": "county",
            "eligibility": "脱贫人口",
            "benefit": "报销",
            "how_to_apply": "村卫生室",
            "region_code": BAOFENG,
        },
    ),
    ("GET", "/liaisons"): Call(LIST, query={"region": BAOFENG}),
    ("POST", "/liaisons"): Call(
        WRITE,
        body=lambda f: {
            "sector": "医保",
            "region_code": BAOFENG,
            "name": "王",
            "phone": "13800000000",
        },
    ),
    #
    # ---- village work, board half: census rounds, problems, ratings (issue 11)
    ("POST", "/census-rounds"): Call(
        WRITE,
        body=lambda f: {
            "name": "第一轮围村普查",
            "region_code": BAOFENG_TOWN,
            "starts_on": "2026-03-01",
            "ends_on": "2026-03-31",
        },
    ),
    ("GET", "/census-rounds"): Call(LIST, query={"region": BAOFENG}),
    ("POST", "/problems"): Call(
        WRITE,
        body=lambda f: {
            "village_code": BAOFENG_VILLAGE,
            "type": "housing",
            "description": "房屋漏雨",
            "responsible_unit": "住建局",
            "deadline": "2026-04-30",
        },
    ),
    ("GET", "/problems"): Call(LIST, query={"region": BAOFENG}),
    ("GET", "/problems/{problem_id}"): Call(DETAIL, {"problem_id": lambda f: f.problem}),
    ("POST", "/problems/{problem_id}/actions/{action}"): Call(
        WRITE,
        {"problem_id": lambda f: f.problem, "action": lambda f: "rectify"},
        body=lambda f: {"measures": "已维修"},
    ),
    ("POST", "/problems/{problem_id}/photos"): Call(
        WRITE,
        {"problem_id": lambda f: f.problem},
        body=lambda f: {
            "title": "现场照片",
            "file": SimpleUploadedFile("现场.pdf", b"%PDF-1.4", content_type="application/pdf"),
        },
    ),
    ("GET", "/problems/{problem_id}/photos/{photo_id}"): Call(
        DETAIL, {"problem_id": lambda f: f.problem, "photo_id": lambda f: f.problem_photo}
    ),
    ("GET", "/villages/{code}/rating"): Call(DETAIL, {"code": lambda f: BAOFENG_VILLAGE}),
    ("PUT", "/villages/{code}/criteria/{key}"): Call(
        WRITE,
        {"code": lambda f: BAOFENG_VILLAGE, "key": lambda f: "leadership"},
        body=lambda f: {"met": True},
    ),
    # A region outside the caller's answers 404, as /regions/{code} does.
    ("GET", "/ratings"): Call(DETAIL, query={"region": BAOFENG}),
    # ---- programs (issue 12)
    ("POST", "/fund-allocations"): Call(
        WRITE,
        body=lambda f: {
            "year": 2025,
            "level": "central",
            "county_code": BAOFENG,
            "purpose": "industry",
            "amount": 1000,
        },
    ),
    ("GET", "/fund-allocations"): Call(LIST, query={"region": BAOFENG}),
    ("GET", "/funds/summary"): Call(DETAIL, query={"region": BAOFENG, "year": 2025}),
    ("POST", "/projects"): Call(
        WRITE,
        body=lambda f: {
            "name": "食用菌大棚",
            "type": "industry",
            "year": 2025,
            "village_code": BAOFENG_VILLAGE,
            "budget": 100000,
            "status": "in_progress",
        },
    ),
    ("GET", "/projects"): Call(LIST, query={"region": BAOFENG}),
    ("POST", "/projects/{project_id}/spendings"): Call(
        WRITE, {"project_id": lambda f: f.project}, body=lambda f: {"amount": 100}
    ),
    ("POST", "/assets"): Call(
        WRITE,
        body=lambda f: {
            "name": "冷库",
            "class": "operating",
            "value": 50000,
            "village_code": BAOFENG_VILLAGE,
            "rights": {"ownership": "村集体"},
        },
    ),
    ("GET", "/assets"): Call(LIST, query={"region": BAOFENG}),
    ("POST", "/entities"): Call(
        WRITE, body=lambda f: {"name": "某合作社", "type": "cooperative", "county_code": BAOFENG}
    ),
    ("GET", "/entities"): Call(LIST, query={"region": BAOFENG}),
    ("POST", "/benefit-links"): Call(
        WRITE,
        body=lambda f: {
            "household_id": f.household,
            "entity_id": f.entity,
            "kind": "dividend",
            "year": 2025,
            "amount": 500,
        },
    ),
    ("GET", "/benefit-links"): Call(LIST, query={"region": BAOFENG}),
    ("POST", "/workshops"): Call(
        WRITE,
        body=lambda f: {
            "name": "服装车间",
            "type": "factory",
            "village_code": BAOFENG_VILLAGE,
            "owner": "某公司",
        },
    ),
    ("GET", "/workshops"): Call(LIST, query={"region": BAOFENG}),
    ("POST", "/workshops/{workshop_id}/workers"): Call(
        WRITE,
        {"workshop_id": lambda f: f.workshop},
        body=lambda f: {"person_id": f.person, "starts_on": "2026-01-01", "monthly_wage": 1800},
    ),
    ("POST", "/workshops/{workshop_id}/workers/{worker_id}/actions/end"): Call(
        WRITE,
        {"workshop_id": lambda f: f.workshop, "worker_id": lambda f: f.worker},
        body=lambda f: {"ends_on": "2026-06-30"},
    ),
    ("POST", "/talents"): Call(
        WRITE,
        body=lambda f: {"name": "李强", "origin_village_code": BAOFENG_VILLAGE, "skill": "电商"},
    ),
    ("GET", "/talents"): Call(LIST, query={"region": BAOFENG}),
    ("GET", "/three-haves/households/{household_id}"): Call(DETAIL, household),
    ("GET", "/programs/panel"): Call(DETAIL, query={"region": BAOFENG}),
    # ---- programs, employment half (issue 12)
    ("PUT", "/households/{household_id}/members/{person_id}/employment"): Call(
        WRITE,
        {**household, "person_id": lambda f: f.person},
        body=lambda f: {"employment_status": "务工", "work_place": "县内"},
    ),
    ("GET", "/labour-force"): Call(DETAIL, query={"region": BAOFENG}),
    ("POST", "/training-schools"): Call(
        WRITE,
        body=lambda f: {
            "name": "某职校",
            "county_code": BAOFENG,
            "type": "vocational",
            "majors": ["电工"],
        },
    ),
    ("GET", "/training-schools"): Call(LIST, query={"region": BAOFENG}),
    # A region outside the caller's answers 404, as /regions/{code} does.
    ("GET", "/training-schools/compliance"): Call(DETAIL, query={"region": BAOFENG}),
    ("POST", "/training-schools/{school_id}/courses"): Call(
        WRITE,
        {"school_id": lambda f: f.school},
        body=lambda f: {
            "major": "电工",
            "starts_on": "2026-03-01",
            "ends_on": "2026-03-10",
            "capacity": 10,
        },
    ),
    ("GET", "/training-courses"): Call(LIST, query={"region": BAOFENG}),
    ("POST", "/training-courses/{course_id}/enrolments"): Call(
        WRITE, {"course_id": lambda f: f.course}, body=lambda f: {"person_id": f.person}
    ),
    ("GET", "/training-enrolments"): Call(LIST, query={"region": BAOFENG}),
    ("POST", "/certificates"): Call(
        WRITE,
        body=lambda f: {"person_id": f.person, "kind": "电工证", "issued_on": "2026-03-10"},
    ),
    ("GET", "/certificates"): Call(LIST, query={"region": BAOFENG}),
    ("POST", "/transfer-jobs"): Call(
        WRITE,
        body=lambda f: {
            "person_id": f.person,
            "destination": "苏州",
            "employer": "某厂",
            "starts_on": "2026-02-01",
        },
    ),
    ("GET", "/transfer-jobs"): Call(LIST, query={"region": BAOFENG}),
    ("POST", "/public-jobs"): Call(
        WRITE,
        body=lambda f: {
            "person_id": f.person,
            "post": "保洁员",
            "village_code": BAOFENG_VILLAGE,
            "monthly_pay": 500,
            "starts_on": "2026-02-01",
        },
    ),
    ("GET", "/public-jobs"): Call(LIST, query={"region": BAOFENG}),
    ("GET", "/programs/employment-panel"): Call(DETAIL, query={"region": BAOFENG}),
    # ---- asset income, disposal, yearly check, 联村共建 (issue 12, assets half)
    ("POST", "/assets/{asset_id}/incomes"): Call(
        WRITE,
        {"asset_id": lambda f: f.asset},
        body=lambda f: {"year": 2026, "amount": 100, "source": "租金"},
    ),
    ("GET", "/asset-incomes"): Call(LIST, query={"region": BAOFENG}),
    ("GET", "/asset-incomes/{income_id}"): Call(DETAIL, {"income_id": lambda f: f.asset_income}),
    ("PUT", "/asset-incomes/{income_id}/distribution"): Call(
        WRITE, {"income_id": lambda f: f.asset_income}, body=lambda f: {"rule": "equal"}
    ),
    ("POST", "/assets/{asset_id}/disposals"): Call(
        WRITE,
        {"asset_id": lambda f: f.asset},
        body=lambda f: {"kind": "scrap", "reason": "损毁", "value": 0},
    ),
    ("GET", "/asset-disposals"): Call(LIST, query={"region": BAOFENG}),
    ("POST", "/asset-disposals/{disposal_id}/actions/{action}"): Call(
        WRITE,
        {"disposal_id": lambda f: f.disposal, "action": lambda f: "approve_county"},
        body=lambda f: {"opinion": "同意"},
    ),
    ("POST", "/asset-check-rounds"): Call(
        WRITE, body=lambda f: {"year": 2025, "county_code": BAOFENG}
    ),
    ("GET", "/asset-check-rounds"): Call(LIST, query={"region": BAOFENG}),
    ("GET", "/asset-check-rounds/{round_id}"): Call(DETAIL, {"round_id": lambda f: f.check_round}),
    ("PUT", "/asset-check-rounds/{round_id}/assets/{asset_id}"): Call(
        WRITE,
        {"round_id": lambda f: f.check_round, "asset_id": lambda f: f.asset},
        body=lambda f: {"exists": True, "condition": "good", "in_use": True, "rights_ok": True},
    ),
    ("POST", "/village-groups"): Call(
        WRITE,
        body=lambda f: {
            "name": "联村共建",
            "county_code": BAOFENG,
            "lead_village_code": BAOFENG_VILLAGE,
            "village_codes": ["410421101202"],
            "industry": "食用菌",
            "year": 2026,
        },
    ),
    ("GET", "/village-groups"): Call(LIST, query={"region": BAOFENG}),
    # Counts per county: for a foreign county the list of counts is empty.
    ("GET", "/village-groups/summary"): Call(LIST, query={"region": BAOFENG}),
    # ---- supervision (issue 13)
    ("POST", "/tasks/import"): Call(
        ROLE, body=lambda f: {"file": SimpleUploadedFile("任务清单.xlsx", b"PK\x03\x04")}
    ),
    ("GET", "/indicators"): Call(
        OWN, why="the task list of the caller's region and the regions above it, no county's data"
    ),
    ("GET", "/indicators/{indicator_id}/values"): Call(
        DETAIL,
        {"indicator_id": lambda f: f.indicator},
        query={"region": BAOFENG, "period": "2026-01"},
    ),
    ("POST", "/indicators/{indicator_id}/reports"): Call(
        WRITE,
        {"indicator_id": lambda f: f.indicator},
        body=lambda f: {"region_code": BAOFENG, "period": "2026-01", "value": 1},
    ),
    ("GET", "/indicator-reports"): Call(LIST, query={"region": BAOFENG}),
    ("POST", "/indicator-reports/{report_id}/actions/{action}"): Call(
        WRITE,
        {"report_id": lambda f: f.indicator_report, "action": lambda f: "approve"},
        body=lambda f: {"comment": ""},
    ),
    ("GET", "/rankings"): Call(LIST, query={"region": BAOFENG, "period": "2026-01"}),
    ("POST", "/assessment-samples"): Call(
        WRITE,
        body=lambda f: {
            "year": 2026,
            "villages_per_county": 1,
            "households_per_county": 1,
            "seed": 1,
            "region_code": BAOFENG,
        },
    ),
    ("GET", "/assessment-samples/{sample_id}"): Call(
        DETAIL, {"sample_id": lambda f: f.assessment_sample}
    ),
    ("POST", "/meetings"): Call(
        WRITE,
        body=lambda f: {
            "title": "调度会",
            "held_on": "2026-03-01",
            "decisions": [
                {
                    "decision": "整改",
                    "owner": "县乡村振兴局",
                    "deadline": "2026-03-31",
                    "region_code": BAOFENG,
                }
            ],
        },
    ),
    ("GET", "/meetings"): Call(LIST, query={"region": BAOFENG}),
    ("GET", "/follow-ups"): Call(LIST, query={"region": BAOFENG}),
    ("POST", "/follow-ups/{follow_up_id}/actions/{action}"): Call(
        WRITE,
        {"follow_up_id": lambda f: f.follow_up, "action": lambda f: "close"},
        body=lambda f: {"note": "已办结"},
    ),
    ("POST", "/assessment-samples/{sample_id}/findings"): Call(
        WRITE,
        {"sample_id": lambda f: f.assessment_sample},
        body=lambda f: {"household_id": f.household, "findings": "收入核算无误"},
    ),
}


def field_objects(f: Foreign) -> dict[str, int]:
    """宝丰县's grid, visit and self-report (village field work), made once per walk."""
    if not f.field_half:
        from fangpin.accounts.models import User
        from fangpin.villages.field import services as field_services

        clerk = User.objects.get(username="baofeng-clerk")
        grid = field_services.grid_create(
            user=clerk, name="周庄一组", level="group", region_code=BAOFENG_VILLAGE
        )
        visit = field_services.visit_unchanged(user=clerk, household_id=f.household)
        report = field_services.self_report_receive(
            village_code=BAOFENG_VILLAGE, name="李四", phone="13800000001", description="看病难"
        )
        f.field_half.update(grid=grid.pk, visit=visit.pk, report=report.pk)
    return f.field_half


def schema_routes() -> set[tuple[str, str]]:
    routes = set()
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method in operations:
            routes.add((method.upper(), path.removeprefix(PREFIX)))
    return routes


@pytest.fixture
def foreign(make_user: Callable[..., Any], settings: Any, tmp_path: Any) -> Foreign:
    settings.MEDIA_ROOT = tmp_path
    clerk = make_user("village", BAOFENG_VILLAGE, "baofeng-clerk")
    home = make_household(clerk, BAOFENG_VILLAGE)
    registry.income_record(user=clerk, household_id=home.pk, year=2025, wage=3000)
    registry.guarantees_set(user=clerk, household_id=home.pk, **GUARANTEES)
    case_ = monitoring.case_create(
        user=clerk, household=home, channel="self_report", category="marginal", risk_types=["01"]
    )
    measure = monitoring.measure_create(
        user=clerk,
        case_id=case_.pk,
        type="industry",
        content="发放种苗",
        starts_on=dt.date(2026, 1, 5),
    )
    batch = Batch.objects.create(
        source="medical",
        period="2026-01",
        region_id=BAOFENG,
        file="screening/none.csv",
        original_name="医保.csv",
        sha256="0" * 64,
    )
    warning = Warning.objects.create(
        household=home,
        rule="medical_out_of_pocket",
        period="2026-01",
        batch=batch,
        message="自付医疗费用较高",
        deadline=dt.date(2026, 2, 1),
    )
    document = monitoring.case_attachment_add(
        user=clerk,
        case_id=case_.pk,
        kind="consent",
        file=SimpleUploadedFile("承诺书.pdf", b"%PDF-1.4 consent"),
    )
    town_clerk = make_user("township", BAOFENG_TOWN, "baofeng-town-clerk")
    census = village_board.round_create(
        user=town_clerk,
        name="宝丰周庄普查",
        region_code=BAOFENG_TOWN,
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 3, 31),
    )
    problem = village_board.problem_create(
        user=clerk,
        round_id=census.pk,
        village_code=BAOFENG_VILLAGE,
        household_id=home.pk,
        type="housing",
        description="房屋漏雨",
        responsible_unit="住建局",
        deadline=dt.date(2026, 4, 30),
    )
    photo = village_board.problem_photo_add(
        user=clerk,
        problem_id=problem.pk,
        file=SimpleUploadedFile("现场.pdf", b"%PDF-1.4 evidence"),
        title="现场照片",
    )
    programs = _foreign_programs(make_user, home)
    indicator, report, sample, follow_up = _supervision_objects(clerk)
    return Foreign(
        **programs,
        household=home.pk,
        case=case_.pk,
        measure=measure.pk,
        warning=warning.pk,
        batch=batch.pk,
        document=document.pk,
        problem=problem.pk,
        census_round=census.pk,
        problem_photo=photo.pk,
        indicator=indicator,
        indicator_report=report,
        assessment_sample=sample,
        follow_up=follow_up,
    )


def _foreign_programs(make_user: Callable[..., Any], home: Any) -> dict[str, int]:
    """A workshop, an entity and a project of 宝丰县, and a person to hire (issue 12)."""
    from fangpin.programs import services as programs

    county = make_user("county", BAOFENG, "baofeng-programs")
    workshop = programs.workshop_create(
        user=county, name="宝丰车间", type="factory", village_code=BAOFENG_VILLAGE, owner="某公司"
    )
    entity = programs.entity_create(
        user=county, name="宝丰菌业", type="enterprise", county_code=BAOFENG
    )
    project = programs.project_create(
        user=county,
        name="菌棚",
        type="industry",
        year=2025,
        village_code=BAOFENG_VILLAGE,
        budget=1000,
    )
    person = home.current_memberships().first().person_id
    worker = programs.workshop_worker_add(
        user=county,
        workshop_id=workshop.pk,
        person_id=person,
        starts_on=dt.date(2026, 1, 1),
        monthly_wage=1000,
    )
    from fangpin.programs import services_employment as employment

    school = employment.school_create(
        user=county, name="宝丰职校", county_code=BAOFENG, type="vocational", majors=["电工"]
    )
    course = employment.course_create(
        user=county,
        school_id=school.pk,
        major="电工",
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 3, 10),
        capacity=10,
    )
    return {
        "workshop": workshop.pk,
        "entity": entity.pk,
        "project": project.pk,
        "person": person,
        "worker": worker.pk,
        "school": school.pk,
        "course": course.pk,
        **_foreign_assets(make_user, county, home),
    }


def _foreign_assets(make_user: Callable[..., Any], county: Any, home: Any) -> dict[str, int]:
    """An asset of 宝丰县 with an income, a disposal request and a check round, and a group."""
    from fangpin.programs import services as programs
    from fangpin.programs import services_assets as assets

    village = make_user("village", BAOFENG_VILLAGE, "baofeng-assets-village")
    asset = programs.asset_create(
        user=county,
        name="宝丰冷库",
        asset_class="operating",
        value=1000,
        village_code=BAOFENG_VILLAGE,
    )
    income = assets.asset_income_record(
        user=county, asset_id=asset.pk, year=2026, amount=500, source="租金"
    )
    disposal = assets.asset_disposal_request(
        user=village, asset_id=asset.pk, kind="scrap", reason="损毁", value=0
    )
    check_round = assets.check_round_create(user=county, year=2026, county_code=BAOFENG)
    assets.village_group_create(
        user=county,
        name="宝丰联村",
        county_code=BAOFENG,
        lead_village_code=BAOFENG_VILLAGE,
        village_codes=["410421101202"],
        industry="食用菌",
        year=2026,
    )
    return {
        "asset": asset.pk,
        "asset_income": income.pk,
        "disposal": disposal.pk,
        "check_round": check_round.pk,
    }


def _supervision_objects(clerk: Any) -> tuple[int, int, int, int]:
    """The city's task list (read by every county), a 宝丰县 report on it, a 宝丰县 sample,
    a 宝丰县 meeting's follow-up."""
    from django.utils import timezone

    from fangpin.supervision.models import (
        AssessmentSample,
        FollowUp,
        Indicator,
        IndicatorReport,
        Meeting,
        NodeLevel,
        TaskNode,
    )

    aspect = TaskNode.objects.create(
        year=2026, region_id=CITY, level=NodeLevel.ASPECT, name="守底线"
    )
    item = TaskNode.objects.create(
        year=2026, region_id=CITY, level=NodeLevel.ITEM, parent=aspect, name="监测"
    )
    sub = TaskNode.objects.create(
        year=2026, region_id=CITY, level=NodeLevel.SUB_ITEM, parent=item, name="帮扶"
    )
    indicator = Indicator.objects.create(
        year=2026,
        region_id=CITY,
        sub_item=sub,
        aspect=aspect,
        name="新增就业人数",
        weight=1,
        owner="各县",
        source="manual",
    )
    report = IndicatorReport.objects.create(
        indicator=indicator,
        region_id=BAOFENG,
        period="2026-01",
        value=3,
        submitted_by=clerk,
        submitted_at=timezone.now(),
    )
    sample = AssessmentSample.objects.create(
        region_id=BAOFENG, year=2026, villages_per_county=1, households_per_county=1, seed=1
    )
    meeting = Meeting.objects.create(region_id=BAOFENG, title="调度会", held_on=dt.date(2026, 3, 1))
    follow_up = FollowUp.objects.create(
        meeting=meeting,
        region_id=BAOFENG,
        decision="整改",
        owner="县乡村振兴局",
        deadline=dt.date(2026, 3, 31),
    )
    return indicator.pk, report.pk, sample.pk, follow_up.pk


def test_every_api_route_is_in_the_scope_walk_table():
    missing = schema_routes() - set(ROUTES)
    assert not missing, f"add these routes to ROUTES in {__file__}: {sorted(missing)}"


def test_own_region_routes_say_why():
    assert all(call.why for call in ROUTES.values() if call.kind == OWN)


def _items(body: Any) -> list[Any]:
    if isinstance(body, list):
        return body
    return body.get("items", body.get("results", []))


@pytest.mark.parametrize("role", ["county", "village"])
def test_a_user_of_another_county_sees_and_changes_nothing(role, foreign, api_as, make_user):
    region = YEXIAN if role == "county" else YEXIAN_VILLAGE
    # A household of the walker's own, so that lists are not empty merely because of no data.
    own_clerk = make_user("village", YEXIAN_VILLAGE, "yexian-clerk")
    make_household(own_clerk, YEXIAN_VILLAGE)
    client = api_as(role, region)
    failures = []
    for (method, template), call in sorted(ROUTES.items()):
        if call.kind == OWN or (method, template) not in schema_routes():
            continue
        path = template
        for name, fill in call.path.items():
            path = path.replace("{" + name + "}", str(fill(foreign)))
        data = call.body(foreign) if call.body else (call.query or None)
        response = client.api(method, path, data)
        status = response.status_code
        body = response.json() if response.content else None
        if call.kind == DETAIL:
            ok = status == 404 and body["code"]
        elif call.kind == LIST:
            ok = status == 200 and _items(body) == []
            if ok and isinstance(body, dict) and "count" in body:
                ok = body["count"] == 0
        elif call.kind == WRITE:
            ok = status in (403, 404) and body["code"]
        else:  # ROLE
            ok = status == 403 and body["code"]
        if not ok:
            failures.append(f"{method} {template}: {status} {body}")
    assert not failures, "\n".join(failures)


def test_the_walk_really_reaches_the_objects_for_their_own_county(foreign, api_as):
    """The same calls by a 宝丰县 county user succeed, so the 404s above are about scope."""
    client = api_as("county", BAOFENG)
    for (method, template), call in ROUTES.items():
        if method != "GET" or call.kind != DETAIL or "{" not in template:
            continue
        path = template
        for name, fill in call.path.items():
            path = path.replace("{" + name + "}", str(fill(foreign)))
        assert client.api("GET", path).status_code == 200, path
    listed = client.api("GET", "/households", {"region": BAOFENG}).json()
    assert listed["count"] == 1


# ---------------------------------------------------------------- the department's reach
# CONTRACT §3: a department uploads batches and reads its own batches' status only. Walked
# as a city-level department, whose region holds every object of the walk.

DEPARTMENT_REFUSED = "行业部门账号只能上传数据"


@pytest.fixture
def department(make_user):
    return make_user("department", CITY, "medical-bureau")


@pytest.fixture
def own_batch(department):
    return Batch.objects.create(
        source="medical",
        period="2026-02",
        region_id=CITY,
        file="screening/own.csv",
        original_name="本部门医保数据.csv",
        sha256="1" * 64,
        status=Batch.Status.DONE,
        uploaded_by=department,
    )


def _filled(template: str, call: Call, foreign: Foreign) -> str:
    path = template
    for name, fill in call.path.items():
        path = path.replace("{" + name + "}", str(fill(foreign)))
    return path


def test_a_department_reaches_no_api_route_but_its_own_batches(foreign, department, own_batch):
    client = ApiClient(department)
    failures = []
    for (method, template), call in sorted(ROUTES.items()):
        if template.startswith(("/auth/", "/screening/batches")):
            continue  # its own login; its batches are checked below
        if template.startswith("/public/"):
            continue  # a village's public page and report form: no login, no personal data
        data = call.body(foreign) if call.body else (call.query or None)
        response = client.api(method, _filled(template, call, foreign), data)
        body = response.json() if response.content else None
        if template.startswith("/regions/"):
            ok = response.status_code == 200  # the public division tree, no personal data
        else:
            ok = (
                response.status_code == 403
                and body["code"] == "forbidden"
                and DEPARTMENT_REFUSED in body["detail"]
            )
        if not ok:
            failures.append(f"{method} {template}: {response.status_code} {body}")
    assert not failures, "\n".join(failures)

    listed = client.api("GET", "/screening/batches").json()
    assert [b["id"] for b in listed["items"]] == [own_batch.pk] and listed["count"] == 1
    assert client.api("GET", f"/screening/batches/{own_batch.pk}").status_code == 200
    assert client.api("GET", f"/screening/batches/{foreign.batch}").status_code == 404
    rerun = f"/screening/batches/{foreign.batch}/actions/rerun"
    assert client.api("POST", rerun).status_code == 404
    rerun = f"/screening/batches/{own_batch.pk}/actions/rerun"
    assert client.api("POST", rerun).status_code == 202


def web_pages() -> list[tuple[str, URLPattern]]:
    """Every named page of the site ("namespace:name"), the API and back office aside."""

    def walk(patterns: list[Any], space: list[str]) -> Iterator[tuple[str, URLPattern]]:
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, [*space, p.namespace] if p.namespace else space)
            elif p.name:
                yield ":".join([*space, p.name]), p

    return [
        (name, p)
        for name, p in walk(get_resolver().url_patterns, [])
        if not name.startswith(("api:", "admin:"))
    ]


def _page_url(name: str, pattern: URLPattern, foreign: Foreign) -> str:
    ids = {
        "household_id": foreign.household,
        "case_id": foreign.case,
        "warning_id": foreign.warning,
        "batch_id": foreign.batch,
        "measure_id": foreign.measure,
        "problem_id": foreign.problem,
        "photo_id": foreign.problem_photo,
        "action": "verify",
        "chart": "all",
    }
    kwargs = {key: ids.get(key, 1) for key in pattern.pattern.converters}
    return reverse(name, kwargs=kwargs)


def test_a_department_opens_no_page_but_its_batches(foreign, department, own_batch, client):
    from fangpin.accounts.reach import DEPARTMENT_PAGES

    client.force_login(department)
    pages = web_pages()
    assert len(pages) > 20  # the walk sees the site
    failures = []
    for name, pattern in pages:
        if name in DEPARTMENT_PAGES:
            continue
        url = _page_url(name, pattern, foreign)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if response.status_code != 403 or DEPARTMENT_REFUSED not in response.text:
                failures.append(f"{method.upper()} {name} {url}: {response.status_code}")
    assert not failures, "\n".join(failures)

    # What it may open works, shows its own batch only, and the menu offers nothing else.
    assert client.get(reverse("web:home")).url == reverse("screening:batch_list")
    batches = client.get(reverse("screening:batch_list"))
    assert batches.status_code == 200
    assert "本部门医保数据.csv" in batches.text and "医保.csv<" not in batches.text
    assert [i["label"] for i in batches.context["nav_items"]] == ["部门数据"]
    own = client.get(reverse("screening:batch_detail", args=[own_batch.pk]))
    assert own.status_code == 200 and "查看预警" not in own.text
    other = reverse("screening:batch_detail", args=[foreign.batch])
    assert client.get(other).status_code == 404
