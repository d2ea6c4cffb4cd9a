"""The department upload page tells what a file must hold and offers a template per source;
the screening engine is the operator's setting, not a choice on the clerk's form."""

from __future__ import annotations

import datetime as dt
import io

from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from fangpin.screening.models import Batch
from fangpin.screening.sources import SOURCES
from tests.conftest import BAOFENG

from .conftest import english_header, id_for, write_csv


def _login(make_user, role, region) -> Client:
    client = Client()
    client.force_login(make_user(role, region))
    return client


def test_the_upload_page_shows_each_source_specification_and_no_engine_choice(make_user):
    page = _login(make_user, "department", BAOFENG).get(reverse("screening:batch_list"))
    text = page.content.decode()
    assert page.status_code == 200
    for spec in SOURCES.values():
        assert f'id="spec-{spec.code}"' in text
        assert reverse("screening:batch_template", args=[spec.code]) in text
        for column in spec.columns:
            assert column.label in text
    assert "个人自付" in text and "金额(数字)" in text and "1250.50" in text
    assert "低保/特困/临时救助" in text
    assert 'name="engine"' not in text
    assert "DuckDB" not in text and "Spark" not in text
    assert "(medical)" not in text


def test_a_department_downloads_the_template_of_a_source(make_user):
    response = _login(make_user, "department", BAOFENG).get(
        reverse("screening:batch_template", args=["medical"])
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [c.label for c in SOURCES["medical"].columns]
    assert rows[1][0] == "410421198001011234"  # kept as text: all 18 digits
    assert sheet.cell(row=2, column=1).data_type == "s"


def test_an_unknown_source_has_no_template(make_user):
    response = _login(make_user, "county", BAOFENG).get("/screening/batches/template/nope.xlsx")
    assert response.status_code == 404


def test_the_engine_is_the_operators_setting(make_user, household, tmp_path, settings):
    settings.FANGPIN_SCREENING_ENGINE = "spark"
    a = id_for(dt.date(1970, 1, 1))
    household([("甲", a)])
    client = _login(make_user, "county", BAOFENG)
    path = write_csv(tmp_path / "h.csv", english_header("housing"), [[a, "甲", "D", "2024-03-01"]])
    with path.open("rb") as fh:  # not run: no commit in a test
        client.post(
            reverse("screening:batch_list"), {"source": "housing", "period": "2024-03", "file": fh}
        )
    assert Batch.objects.get().engine == "spark"
