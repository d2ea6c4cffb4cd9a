"""A record saved before input was checked never breaks a page or an export.

Rows are written straight through the ORM, as they were when the API took anything: control
characters in names and addresses (NUL too on SQLite; PostgreSQL never stored one), and an
amount far beyond any real income (1e20 on SQLite, which stores any number; on PostgreSQL the
widest its column holds). Every page and export that shows the household still answers.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from openpyxl import load_workbook

from fangpin.registry.models import Household, IncomeRecord, Person
from tests.security.world import World

SQLITE = connection.vendor == "sqlite"
CONTROL = "\x00\x01" if SQLITE else "\x01\x1f"
HUGE = Decimal("1e20") if SQLITE else Decimal("9999999999.99")


@pytest.fixture
def spoiled(world: World) -> World:
    household = world.household
    head = household.memberships.get(relation="户主").person
    Person.objects.filter(pk=head.pk).update(name=f"张{CONTROL}三")
    Household.objects.filter(pk=household.pk).update(
        head_name=f"张{CONTROL}三", address=f"周庄村{CONTROL}一组"
    )
    IncomeRecord.objects.create(
        household=household,
        year=2025,
        recorded_on="2025-12-01",
        wage=HUGE,
        members=3,
        net_income=HUGE,
        per_capita_net=HUGE,
    )
    return world


def _web(world: World) -> Client:
    client = Client()
    client.force_login(world.county)
    return client


def test_the_household_page_list_and_case_page_still_open(spoiled: World) -> None:
    web = _web(spoiled)
    household = spoiled.household
    page = web.get(f"/households/{household.pk}/")
    assert page.status_code == 200
    assert "张" in page.content.decode()
    assert web.get("/households/", {"q": "张"}).status_code == 200
    assert web.get("/monitoring/cases/").status_code == 200
    assert web.get(f"/monitoring/cases/{spoiled.case.pk}/").status_code == 200
    assert web.get("/dashboard/").status_code == 200


def test_the_api_still_answers_the_household_and_its_case(spoiled: World) -> None:
    from tests.conftest import ApiClient

    api = ApiClient(spoiled.county)
    detail = api.api("GET", f"/households/{spoiled.household.pk}")
    assert detail.status_code == 200
    assert Decimal(detail.json()["latest_income"]["wage"]) == HUGE
    assert api.api("GET", f"/cases/{spoiled.case.pk}").status_code == 200
    assert api.api("GET", "/households", {"q": "张"}).status_code == 200


def test_the_exports_drop_characters_excel_cannot_hold(spoiled: World, tmp_path: object) -> None:
    web = _web(spoiled)
    response = web.get("/households/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    names = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "张三" in names
    for chart in ("all",):
        assert web.get(f"/dashboard/export/{chart}.xlsx").status_code == 200
    target = f"{tmp_path}/out.xlsx"
    call_command("export-households", target, region=spoiled.household.village_id)
    book = load_workbook(target)
    assert book.active is not None
    assert any(row[2] == "张三" for row in book.active.iter_rows(min_row=2, values_only=True))
