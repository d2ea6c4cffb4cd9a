"""The screening API: upload (202), batch status, the warning queue and its two actions."""

from __future__ import annotations

import datetime as dt

from fangpin.monitoring.models import Case
from fangpin.screening.models import Batch, Warning
from tests.conftest import BAOFENG, BAOFENG_VILLAGE, YEXIAN

from .conftest import english_header, id_for, write_csv


def _medical_file(tmp_path, id_number):
    return write_csv(
        tmp_path / "m.csv",
        english_header("medical"),
        [[id_number, "甲", "2024-03-01", "30000", "5000", "25000", "是"]],
    )


def test_a_department_uploads_a_batch_and_reads_its_counts(
    api_as, household, tmp_path, django_capture_on_commit_callbacks
):
    a = id_for(dt.date(1970, 1, 1))
    household([("甲", a)])
    client = api_as("department", BAOFENG)
    with (
        _medical_file(tmp_path, a).open("rb") as fh,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.api(
            "POST", "/screening/batches", {"source": "medical", "period": "2024-03", "file": fh}
        )
    assert response.status_code == 202
    batch_id = response.json()["id"]
    body = client.api("GET", f"/screening/batches/{batch_id}").json()
    assert body["status"] == "done"
    assert (body["rows_read"], body["rows_matched"], body["warnings_made"]) == (1, 1, 1)
    assert body["engine"] == "duckdb"


def test_a_village_may_not_upload_batches(api_as, tmp_path):
    client = api_as("village", BAOFENG_VILLAGE)
    with _medical_file(tmp_path, "410421197001011230").open("rb") as fh:
        response = client.api(
            "POST", "/screening/batches", {"source": "medical", "period": "2024-03", "file": fh}
        )
    assert response.status_code == 403
    assert Batch.objects.count() == 0


def test_a_batch_of_another_county_is_not_found(api_as, household, screen):
    batch = screen("housing", "2024-03", [[id_for(dt.date(1970, 1, 1)), "甲", "C", "2024-03-01"]])
    response = api_as("county", YEXIAN).api("GET", f"/screening/batches/{batch.pk}")
    assert response.status_code == 404


def _one_warning(household, screen) -> Warning:
    a = id_for(dt.date(1970, 1, 1))
    household([("甲", a)])
    screen("housing", "2024-03", [[a, "甲", "D", "2024-03-01"]])
    return Warning.objects.get()


def test_the_village_sees_its_warnings_with_deadline_and_overdue_flag(api_as, household, screen):
    warning = _one_warning(household, screen)
    client = api_as("village", BAOFENG_VILLAGE)
    body = client.api("GET", "/warnings?status=open").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["rule"] == "housing_unsafe"
    assert item["message"] == "甲家住房经鉴定为D级危房"
    assert item["deadline"] == warning.deadline.isoformat()
    assert item["overdue"] is False
    assert item["id_number"] == warning.person.id_number  # the village works with names
    masked = api_as("viewer", BAOFENG).api("GET", "/warnings").json()["items"][0]["id_number"]
    assert masked == warning.person.id_number[:6] + "********" + warning.person.id_number[-4:]
    Warning.objects.update(deadline=dt.date(2024, 1, 2))
    late = client.api("GET", "/warnings?overdue=true").json()
    assert [w["overdue"] for w in late["items"]] == [True]
    assert api_as("village", "410422101201").api("GET", "/warnings").json()["count"] == 0
    assert client.api("GET", f"/warnings?region={YEXIAN}").json()["count"] == 0


def test_the_village_dismisses_a_warning_with_a_reason(api_as, household, screen):
    warning = _one_warning(household, screen)
    client = api_as("village", BAOFENG_VILLAGE)
    refused = client.api("POST", f"/warnings/{warning.pk}/actions/dismiss", {"reason": " "})
    assert refused.status_code == 400
    assert refused.json()["code"] == "reason_required"
    done = client.api(
        "POST", f"/warnings/{warning.pk}/actions/dismiss", {"reason": "已完成危房改造"}
    )
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["dismiss_reason"]) == ("dismissed", "已完成危房改造")
    again = client.api("POST", f"/warnings/{warning.pk}/actions/dismiss", {"reason": "重复"})
    assert again.status_code == 409
    assert again.json()["code"] == "warning_not_open"


def test_opening_a_case_from_a_warning_links_both_ways(api_as, household, screen):
    warning = _one_warning(household, screen)
    client = api_as("village", BAOFENG_VILLAGE)
    response = client.api(
        "POST",
        f"/warnings/{warning.pk}/actions/open_case",
        {"category": "sudden", "risk_types": ["99"]},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "case_opened"
    case = Case.objects.get()
    assert body["case_ids"] == [case.pk]
    assert (case.warning_id, case.channel, case.state) == (
        warning.pk,
        "department_warning",
        "reported",
    )


def test_a_viewer_may_read_but_not_act_on_warnings(api_as, household, screen):
    warning = _one_warning(household, screen)
    client = api_as("viewer", BAOFENG)
    assert client.api("GET", f"/warnings/{warning.pk}").status_code == 200
    response = client.api("POST", f"/warnings/{warning.pk}/actions/dismiss", {"reason": "x"})
    assert response.status_code == 403


def test_a_warning_outside_the_region_is_not_found(api_as, household, screen):
    warning = _one_warning(household, screen)
    response = api_as("village", "410422101201").api("GET", f"/warnings/{warning.pk}")
    assert response.status_code == 404


def test_the_warning_list_takes_the_same_queries_for_two_or_six_warnings(
    api_as, household, screen, django_assert_num_queries
):
    people = [id_for(dt.date(1960 + i, 1, 1)) for i in range(6)]
    for i, number in enumerate(people):
        household([(f"户{i}", number)])
    screen("housing", "2024-03", [[n, "甲", "D", "2024-03-01"] for n in people[:2]])
    client = api_as("county", BAOFENG)
    client.api("GET", "/warnings")  # warm: token lookup caches, rule titles
    with django_assert_num_queries(4) as two:
        assert client.api("GET", "/warnings").json()["count"] == 2
    screen("housing", "2024-04", [[n, "甲", "C", "2024-04-01"] for n in people[2:]])
    with django_assert_num_queries(len(two.captured_queries)):
        assert client.api("GET", "/warnings").json()["count"] == 6


def test_a_department_uploads_but_may_not_read_the_warnings(api_as, db):
    client = api_as("department", BAOFENG)
    for path in ("/warnings", "/warnings/1"):
        response = client.api("GET", path)
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
