"""The batch upload page with its progress, and the village's warning queue."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse

from fangpin.screening.models import Batch, Warning
from fangpin.screening.services.recovery import runner_tag
from tests.conftest import BAOFENG, BAOFENG_VILLAGE

from .conftest import english_header, id_for, write_csv


def _login(make_user, role, region) -> Client:
    client = Client()
    client.force_login(make_user(role, region))
    return client


def test_a_county_uploads_on_the_page_and_sees_the_result(
    make_user, household, tmp_path, django_capture_on_commit_callbacks
):
    a = id_for(dt.date(1970, 1, 1))
    household([("甲", a)])
    client = _login(make_user, "county", BAOFENG)
    path = write_csv(tmp_path / "h.csv", english_header("housing"), [[a, "甲", "D", "2024-03-01"]])
    with path.open("rb") as fh, django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("screening:batch_list"),
            {"source": "housing", "period": "2024-03", "file": fh, "engine": "duckdb"},
        )
    assert Batch.objects.get().status == "done"
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "已完成" in page
    assert "hx-trigger" not in page  # finished: no more polling


def test_a_queued_batch_page_polls_for_progress(make_user, household, tmp_path):
    a = id_for(dt.date(1970, 1, 1))
    household([("甲", a)])
    client = _login(make_user, "county", BAOFENG)
    path = write_csv(tmp_path / "h.csv", english_header("housing"), [[a, "甲", "D", "2024-03-01"]])
    with path.open("rb") as fh:  # the worker has not picked it up (no commit in a test)
        client.post(
            reverse("screening:batch_list"), {"source": "housing", "period": "2024-03", "file": fh}
        )
    batch = Batch.objects.get()
    url = reverse("screening:batch_detail", args=[batch.pk])
    page = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in page
    # Running in a live process (this one): a run whose process is gone reads failed.
    Batch.objects.filter(pk=batch.pk).update(status="running", progress=40, runner=runner_tag())
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'value="40"' in fragment
    assert "<html" not in fragment


def test_a_bad_file_on_the_page_shows_the_message(make_user, tmp_path):
    client = _login(make_user, "department", BAOFENG)
    path = write_csv(tmp_path / "h.csv", ["id_number", "name"], [["1", "甲"]])
    with path.open("rb") as fh:
        response = client.post(
            reverse("screening:batch_list"), {"source": "housing", "period": "2024-03", "file": fh}
        )
    assert response.status_code == 400
    assert "缺少列" in response.content.decode()
    assert Batch.objects.count() == 0


def test_the_village_queue_lists_open_warnings_and_dismisses_one(make_user, household, screen):
    a = id_for(dt.date(1970, 1, 1))
    household([("甲", a)])
    screen("housing", "2024-03", [[a, "甲", "D", "2024-03-01"]])
    warning = Warning.objects.get()
    client = _login(make_user, "village", BAOFENG_VILLAGE)
    page = client.get(reverse("screening:warning_list")).content.decode()
    assert "甲家住房经鉴定为D级危房" in page
    client.post(
        reverse("screening:warning_action", args=[warning.pk, "dismiss"]),
        {"reason": "已改造"},
    )
    warning.refresh_from_db()
    assert (warning.status, warning.dismiss_reason) == ("dismissed", "已改造")
    assert "甲家住房" not in client.get(reverse("screening:warning_list")).content.decode()
