"""Importing the task list (CONTRACT §9): counts, all or nothing, row-level errors."""

from __future__ import annotations

import pytest

from fangpin.supervision.models import Indicator, TaskNode
from tests.conftest import BAOFENG, CITY

from .helpers import full_task_list, upload, xlsx

pytestmark = pytest.mark.django_db


def test_a_4_21_38_95_task_list_imports_with_its_counts(api_as):
    city = api_as("city", CITY)
    answer = city.api(
        "POST", "/tasks/import", {"file": upload(xlsx(full_task_list())), "year": 2026}
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json() == {"aspects": 4, "items": 21, "sub_items": 38, "indicators": 95}
    listed = city.api("GET", "/indicators", {"year": 2026}).json()
    assert listed["count"] == 95
    first = listed["items"][0]
    assert (first["aspect"], first["item"], first["sub_item"]) == ("守底线", "事项1", "子项1")
    assert first["source"] == "computed" and first["formula"] == "elimination_rate_households"
    assert first["target"] == 0.9 and first["formula_words"]
    # The blank aspect cells below a filled one belong to it (merged cells).
    assert {i["aspect"] for i in listed["items"]} == {"守底线", "抓衔接", "促振兴", "争一流"}
    # Counties read the city's list.
    county = api_as("county", BAOFENG)
    assert county.api("GET", "/indicators", {"year": 2026}).json()["count"] == 95


def test_the_indicator_list_costs_a_fixed_number_of_queries(api_as, django_assert_max_num_queries):
    city = api_as("city", CITY)
    city.api("POST", "/tasks/import", {"file": upload(xlsx(full_task_list())), "year": 2026})
    with django_assert_max_num_queries(8):
        assert city.api("GET", "/indicators", {"year": 2026}).json()["count"] == 95


def test_importing_again_replaces_the_years_list(api_as):
    city = api_as("city", CITY)
    rows = full_task_list()
    city.api("POST", "/tasks/import", {"file": upload(xlsx(rows)), "year": 2026})
    answer = city.api("POST", "/tasks/import", {"file": upload(xlsx(rows[:5])), "year": 2026})
    assert answer.json()["indicators"] == 5
    assert Indicator.objects.filter(year=2026).count() == 5


def test_a_file_with_bad_rows_writes_nothing_and_names_each_row(api_as):
    rows = full_task_list()
    rows[3][8] = "computed"
    rows[3][9] = "no_such_formula"  # row 5 in Excel
    rows[10][6] = "很多"  # row 12: weight not a number
    rows[20][3] = ""  # row 22: no indicator name
    city = api_as("city", CITY)
    answer = city.api("POST", "/tasks/import", {"file": upload(xlsx(rows)), "year": 2026})
    assert answer.status_code == 400
    body = answer.json()
    assert body["code"] == "task_import_invalid"
    where = {(e["row"], e["column"]) for e in body["errors"]}
    assert where == {(5, "计算公式"), (12, "权重"), (22, "指标")}
    assert "no_such_formula" in next(e["message"] for e in body["errors"] if e["row"] == 5)
    assert not Indicator.objects.exists() and not TaskNode.objects.exists()


def test_a_file_without_the_template_headers_is_refused(api_as):
    city = api_as("city", CITY)
    content = xlsx([["守底线"]], headers=["方面", "指标"])
    body = city.api("POST", "/tasks/import", {"file": upload(content)}).json()
    assert body["code"] == "task_import_invalid"
    assert "权重" in body["detail"]


def test_not_an_excel_file_is_refused_by_the_upload_gate(api_as):
    city = api_as("city", CITY)
    answer = city.api("POST", "/tasks/import", {"file": upload(b"<html></html>", "a.xlsx")})
    assert answer.status_code == 400
    assert answer.json()["code"] == "not_excel"


def test_only_the_city_imports_the_task_list(api_as):
    county = api_as("county", BAOFENG)
    answer = county.api("POST", "/tasks/import", {"file": upload(xlsx(full_task_list()))})
    assert answer.status_code == 403
