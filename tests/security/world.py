"""A small world with one of everything a write route of the API can name by id."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from fangpin.accounts.models import User
from fangpin.api import api
from fangpin.monitoring import services as monitoring
from fangpin.monitoring.models import Case, Measure
from fangpin.registry.models import Household
from fangpin.screening.models import Batch, Warning
from fangpin.villages.board import services as village_board
from tests.conftest import BAOFENG, BAOFENG_VILLAGE, CITY, ApiClient
from tests.registry.helpers import make_household

# What a path parameter of the API is filled with, by name, for a route that acts on a thing.
ACTIONS = {
    "/cases/": "verify",
    "/warnings/": "dismiss",
    "/problems/": "rectify",
    "/indicator-reports/": "approve",
    "/follow-ups/": "close",
    "/asset-disposals/": "approve_township",
}


@dataclass
class World:
    village: User
    county: User
    city: User
    household: Household
    case: Case
    measure: Measure
    warning: Warning
    batch: Batch
    problem_id: int = 0

    def path_value(self, name: str, path: str) -> str:
        if name == "action":
            return next(v for k, v in ACTIONS.items() if k in path)
        values = {
            "household_id": self.household.pk,
            "case_id": self.case.pk,
            "measure_id": self.measure.pk,
            "warning_id": self.warning.pk,
            "batch_id": self.batch.pk,
            "year": 2025,
            "key": "notice_min_days",
            "code": BAOFENG_VILLAGE,
            # No attachment is filed in this world: the download route answers its 404.
            "document_id": 1,
            "problem_id": self.problem_id,
            "photo_id": 1,
            # Programs (issue 12): no project or workshop in this world either (404).
            "project_id": 1,
            "workshop_id": 1,
            "worker_id": 1,
            # Employment half: the household's first member; no school or course (404).
            "person_id": self.household.current_memberships().first().person_id,
            "school_id": 1,
            "course_id": 1,
            # Assets half: no asset, income, disposal or check round in this world (404).
            "asset_id": 1,
            "income_id": 1,
            "disposal_id": 1,
            "round_id": 1,
            # Supervision: refused before any lookup, so no such rows are needed.
            "indicator_id": 1,
            "report_id": 1,
            "sample_id": 1,
            "follow_up_id": 1,
        }
        if name == "report_id":  # a farmer's report of the village (issue 11), made on first use
            values[name] = _self_report_id()
        return str(values[name])

    def fill(self, path: str) -> str:
        return re.sub(r"\{(\w+)\}", lambda m: self.path_value(m.group(1), path), path)

    def acting_user(self, path: str) -> User:
        """The user whose role may take the route, so a refusal is about the input."""
        if path.startswith("/api/v1/policy"):
            return self.city
        if path.startswith("/api/v1/screening"):
            return self.county
        return self.village


def _self_report_id() -> int:
    from fangpin.villages.field.services import self_report_receive
    from fangpin.villages.models import SelfReport

    found = SelfReport.objects.filter(status="pending").values_list("pk", flat=True).first()
    if found is not None:
        return found
    made = self_report_receive(
        village_code=BAOFENG_VILLAGE, name="李四", phone="13800000001", description="看病难"
    )
    return made.pk


@pytest.fixture
def world(make_user: Callable[..., User], tmp_path: Any, settings: Any) -> World:
    settings.MEDIA_ROOT = tmp_path
    village = make_user("village", BAOFENG_VILLAGE)
    county = make_user("county", BAOFENG)
    city = make_user("city", CITY)
    household = make_household(village, BAOFENG_VILLAGE)
    case = monitoring.case_create(
        user=village,
        household=household,
        channel="cadre_visit",
        category="marginal",
        risk_types=["01"],
    )
    measure = Measure.objects.create(
        household=household,
        case=case,
        type="employment",
        content="公益岗位",
        starts_on=timezone.localdate(),
    )
    batch = Batch.objects.create(
        source="medical",
        period="2026-10",
        region_id=BAOFENG,
        file="screening/x.csv",
        original_name="x.csv",
        sha256="0" * 64,
        status="done",
    )
    warning = Warning.objects.create(
        household=household,
        rule="medical_high_out_of_pocket",
        message="自付医疗费用较高",
        deadline=timezone.localdate() + dt.timedelta(days=10),
        batch=batch,
    )
    problem = village_board.problem_create(
        user=village,
        village_code=BAOFENG_VILLAGE,
        type="housing",
        description="房屋漏雨",
        responsible_unit="县住建局",
        deadline=timezone.localdate() + dt.timedelta(days=30),
    )
    return World(
        village, county, city, household, case, measure, warning, batch, problem_id=problem.pk
    )


def write_operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(method, path template, operation) of every POST/PUT/PATCH route in the schema."""
    schema = api.get_openapi_schema()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"post", "put", "patch"}:
                yield method.upper(), path, operation


def body_fields(operation: dict[str, Any]) -> tuple[str, list[str]]:
    """("json" or "multipart", the names of the body's top-level fields)."""
    schema = api.get_openapi_schema()
    content = operation.get("requestBody", {}).get("content", {})
    kind = "multipart" if "multipart/form-data" in content else "json"
    body = content.get("multipart/form-data" if kind == "multipart" else "application/json", {})
    spec = body.get("schema", {})
    if "$ref" in spec:
        spec = schema["components"]["schemas"][spec["$ref"].rsplit("/", 1)[1]]
    return kind, list(spec.get("properties", {}))


def client_for(user: User | None) -> ApiClient:
    return ApiClient(user)
