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
    #
    # ---- village work, board half: census rounds, problems, ratings (issue 11)
    #
    # ---- programs (issue 12)
    #
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
    indicator, report, sample, follow_up = _supervision_objects(clerk)
    return Foreign(
        household=home.pk,
        case=case_.pk,
        measure=measure.pk,
        warning=warning.pk,
        batch=batch.pk,
        document=document.pk,
        indicator=indicator,
        indicator_report=report,
        assessment_sample=sample,
        follow_up=follow_up,
    )


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
