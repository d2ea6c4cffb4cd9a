"""Faults leave nothing stuck: a screening run killed mid-way, a database connection killed
under the server, a database that refuses writes, a full disk."""

from __future__ import annotations

import errno
import json
import signal

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client

from fangpin.accounts.services import token_issue
from fangpin.screening.synthetic import medical_parquet
from tests.conftest import BAOFENG_VILLAGE, CITY, PASSWORD
from tests.registry.helpers import member, new_id

from .conftest import Browser, World, free_port, serving, stop, wait_for


def test_a_screening_run_killed_mid_way_reads_failed_with_a_reason_and_runs_again(world: World):
    batch_file = world.root / "medical.parquet"
    medical_parquet(batch_file, 3_000_000, persons=1000, period="2026-10")
    run = world.start("screen", str(batch_file), "--source", "medical", "--period", "2026-10")

    def running() -> list[tuple[int, int]]:
        return world.sql("SELECT id, progress FROM screening_batch WHERE status = 'running'")

    started = wait_for(running, timeout=120, every=0.02)
    assert started, "the run never started"
    run.send_signal(signal.SIGKILL)  # no cleanup, no except, no finally
    run.wait(timeout=30)
    batch_id = started[0][0]
    # What the kill left behind: a batch that says it is running.
    assert world.sql(f"SELECT status FROM screening_batch WHERE id = {batch_id}") == [("running",)]

    report = world.python(
        f"""
import json
from fangpin.accounts.models import User
from fangpin.screening.models import Batch
from fangpin.screening.services import batch_refresh, batch_rerun
batch = batch_refresh(Batch.objects.get(pk={batch_id}))
seen = {{"status": batch.status, "error": batch.error}}
batch_rerun(user=User.objects.get(username="department"), batch=batch)
batch.refresh_from_db()
print(json.dumps({{"seen": seen, "after": batch.status, "read": batch.rows_read}}))
""",
        FANGPIN_JOBS_SYNC="1",  # the rerun runs in this process, as the worker would
    )
    result = json.loads(report.strip().splitlines()[-1])
    assert result["seen"]["status"] == "failed"
    assert "筛查进程意外中止" in result["seen"]["error"]
    assert result["after"] == "done"
    assert result["read"] == 3_000_000


def _refuse_writes() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA query_only = ON")
        else:
            cursor.execute("SET TRANSACTION READ ONLY")


def _allow_writes() -> None:
    if connection.vendor == "sqlite":  # on the raw connection: the test's transaction failed
        connection.connection.execute("PRAGMA query_only = OFF")
    else:  # the read-only transaction is rolled back unchecked (no deferred-constraint check)
        transaction.set_rollback(True)


@pytest.fixture
def read_only_database():
    """Call it to make the database refuse writes (after the test's own set-up wrote)."""
    yield _refuse_writes
    _allow_writes()


def test_a_read_only_database_answers_503_storage_unavailable_in_json(api_as, read_only_database):
    client = api_as("village", BAOFENG_VILLAGE)
    body = {"village_code": BAOFENG_VILLAGE, "is_alleviated": True, "members": [member("户主")]}
    read_only_database()
    response = client.api("POST", "/households", body)
    assert response.status_code == 503
    assert response.json()["code"] == "storage_unavailable"
    assert "数据库只读或磁盘已满" in response.json()["detail"]


def test_a_read_only_database_answers_a_chinese_page_to_a_form(make_user, read_only_database):
    user = make_user("village", BAOFENG_VILLAGE)
    read_only_database()
    response = Client().post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 503
    assert "存储暂不可用" in response.content.decode()


def test_a_full_disk_answers_503_storage_unavailable(api_as, monkeypatch):
    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", disk_full)
    client = api_as("department", CITY)
    upload = SimpleUploadedFile(
        "medical.csv",
        (
            "id_number,name,settled_on,total_cost,reimbursed,out_of_pocket,inpatient\n"
            f"{new_id()},张三,2026-10-03,1000,600,400,是\n"
        ).encode(),
        content_type="text/csv",
    )
    response = client.api(
        "POST", "/screening/batches", {"source": "medical", "period": "2026-10", "file": upload}
    )
    assert response.status_code == 503
    assert response.json()["code"] == "storage_unavailable"


def _terminate_other_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        killed: int = cursor.fetchone()[0]
        return killed


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_read_whose_connection_was_killed_is_answered_on_a_fresh_one(
    reference_data_restored, reference_data, api_as
):
    import psycopg

    client = api_as("county", "410421")
    assert client.api("GET", "/households").status_code == 200
    own = connection.connection.info.backend_pid
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"],
        port=db["PORT"] or 5432,
        user=db["USER"],
        dbname=db["NAME"],
        autocommit=True,
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [own])
    response = client.api("GET", "/households")
    assert response.status_code == 200
    assert connection.connection.info.backend_pid != own


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_production_server_survives_its_database_connections_being_killed(
    reference_data_restored, reference_data, make_user, tmp_path
):
    token = token_issue(user=make_user("village", BAOFENG_VILLAGE))
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    world = World(tmp_path)
    port = free_port()
    server = world.start("serve", "--port", str(port), DATABASE_URL=url, FANGPIN_JOBS_SYNC="1")
    base = f"http://127.0.0.1:{port}"
    browser = Browser(base)
    auth = {"Authorization": f"Bearer {token}"}
    try:
        assert serving(base, server)
        for _ in range(3):
            assert browser.get("/api/v1/households", **auth)[0] == 200
        assert _terminate_other_connections() >= 1  # what a PostgreSQL restart looks like
        for _ in range(6):
            assert browser.get("/api/v1/households", **auth)[0] == 200
    finally:
        assert stop(server) == 0
        world.close()
