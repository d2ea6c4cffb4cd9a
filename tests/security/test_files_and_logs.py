"""Exports that cannot run formulas, files only the server account can read, and logs that
never hold an ID number or a phone (issue 8, part 3)."""

from __future__ import annotations

import datetime as dt
import http.client
import io
import logging
import os
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_q.conf import Conf
from openpyxl import load_workbook

from fangpin.core import idcard
from fangpin.core.logging import MaskPersonalDataFilter
from fangpin.registry import services
from fangpin.registry.exporting import household_export
from fangpin.registry.importing import household_import
from fangpin.registry.models import Person
from fangpin.screening.services import batch_upload
from fangpin.web import uploads
from tests.conftest import BAOFENG, BAOFENG_VILLAGE
from tests.registry.helpers import member

pytestmark = pytest.mark.django_db

FORMULAS = ['=HYPERLINK("http://x","点我")', "+1+1", "-2+3", "@SUM(A1:A9)"]
SRC = Path(__file__).resolve().parents[2] / "src"


# ------------------------------------------------------------------------------ formulas


def test_names_that_look_like_formulas_export_as_text_and_import_back_unchanged(
    make_user, client, tmp_path
):
    clerk = make_user("village", BAOFENG_VILLAGE)
    relations = ["户主", "配偶", "之子", "之女"]
    home = services.household_create(
        user=clerk,
        village_code=BAOFENG_VILLAGE,
        is_alleviated=False,
        members=[member(r, name=n) for r, n in zip(relations, FORMULAS, strict=True)],
    )
    client.force_login(clerk)
    response = client.get(reverse("registry:export"))
    assert response.status_code == 200
    path = tmp_path / "export.xlsx"
    path.write_bytes(response.content)
    sheet = load_workbook(path).worksheets[0]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    names = {c.value: c for c in cells if c.value in FORMULAS}
    assert set(names) == set(FORMULAS)
    assert all(c.data_type == "s" and c.quotePrefix for c in names.values())

    result = household_import(user=clerk, file=str(path), dry_run=False)
    assert not result.problems
    assert (result.created, result.unchanged) == (0, 1)
    stored = Person.objects.filter(memberships__household=home).values_list("name", flat=True)
    assert sorted(stored) == sorted(FORMULAS)


# ---------------------------------------------------------------------------- file modes


def modes(root: Path) -> dict[str, str]:
    """Every path under root (root included) whose mode is not 0700 (folder) / 0600 (file)."""
    wrong = {}
    for path in [root, *root.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        want = 0o700 if path.is_dir() else 0o600
        if mode != want:
            wrong[str(path.relative_to(root))] = oct(mode)
    return wrong


@pytest.fixture
def data_dir(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "data"
    root.mkdir()
    settings.MEDIA_ROOT = root / "media"
    settings.FANGPIN_SCREENING_DIR = root / "screening"
    monkeypatch.setattr(Conf, "SYNC", True)
    return root


def test_files_of_an_import_an_export_and_a_screening_batch_are_private(
    data_dir, make_user, client, tmp_path, django_capture_on_commit_callbacks
):
    county = make_user("county", BAOFENG)
    clerk = make_user("village", BAOFENG_VILLAGE)
    head = idcard.make("410421", dt.date(1966, 5, 4), 11)
    services.household_create(
        user=clerk,
        village_code=BAOFENG_VILLAGE,
        is_alleviated=True,
        members=[member(id_number=head)],
    )
    # An export written by the operator, then sent back through the import page (dry run:
    # the upload is kept on disk until it is confirmed).
    exported = data_dir / "exports" / "农户.xlsx"
    exported.parent.mkdir()
    household_export(user=None, region=BAOFENG, file=exported)
    client.force_login(clerk)
    with exported.open("rb") as fh:
        page = client.post(reverse("registry:import"), {"file": fh})
    assert page.status_code == 200 and list((data_dir / "media" / "imports").glob("*.xlsx"))
    # A department batch, screened to the end (registry export, matched rows kept).
    csv = tmp_path / "medical.csv"
    csv.write_text(
        "id_number,name,settled_on,total_cost,reimbursed,out_of_pocket,inpatient\n"
        f"{head},甲,2024-03-01,30000,5000,25000,是\n",
        encoding="utf-8",
    )
    with django_capture_on_commit_callbacks(execute=True):
        batch = batch_upload(user=county, source="medical", period="2024-03", file=csv)
    batch.refresh_from_db()
    assert batch.status == "done" and batch.rows_matched == 1
    assert list((data_dir / "screening").rglob("*.parquet"))
    assert modes(data_dir) == {}


def test_the_process_umask_keeps_new_files_private():
    current = os.umask(0o077)
    os.umask(current)
    assert current == 0o077  # set by the settings, in every process that loads them


def test_the_fangpin_command_sets_a_private_umask(capsys):
    from fangpin.cli import main

    before = os.umask(0o022)
    try:
        main(["version"])
        after = os.umask(0o022)
    finally:
        os.umask(before)
    assert after == 0o077
    assert capsys.readouterr().out.strip()


def test_a_kept_import_is_private_even_under_a_permissive_umask(data_dir):
    before = os.umask(0o022)
    try:
        kept = uploads.keep(SimpleUploadedFile("户.xlsx", b"PK\x03\x04"), user_id=1)
    finally:
        os.umask(before)
    assert stat.S_IMODE(kept.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(kept.path.with_suffix(".json").stat().st_mode) == 0o600
    assert stat.S_IMODE(kept.path.parent.stat().st_mode) == 0o700


# ---------------------------------------------------------------------------------- logs

ID = idcard.make("410421", dt.date(1958, 9, 23), 417)
PHONE = "13912345678"


@pytest.fixture
def every_log() -> Iterator[io.StringIO]:
    """All log output of the process at DEBUG, through a handler on the root logger and on
    the loggers that do not pass records up to it (Django's request line)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    loggers = [logging.getLogger(n) for n in ("", "django", "django.server", "django.request")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.DEBUG)
    yield stream
    for lg, level in zip(loggers, levels, strict=True):
        lg.removeHandler(handler)
        lg.setLevel(level)


def test_no_log_line_holds_an_id_number_or_a_phone(every_log, caplog, client, api_as, make_user):
    caplog.set_level(logging.DEBUG)
    client.force_login(make_user("village", BAOFENG_VILLAGE))
    client.get(f"/households/?q={ID}&phone={PHONE}")
    client.get(f"/households/99999999/?q={ID}")  # django.request: Not Found
    api_as("viewer", BAOFENG).api("GET", f"/households/99999999?q={ID}")
    # The request line exactly as Django's development server logs it, and an access log of
    # another server with its arguments in a dict.
    logging.getLogger("django.server").info(
        '"%s" %s %s', f"GET /households/?q={ID}&phone={PHONE} HTTP/1.1", "200", "5120"
    )
    logging.getLogger("gunicorn.access").warning(
        '%(h)s "%(r)s" %(s)s', {"h": "127.0.0.1", "r": f"GET /?q={ID} HTTP/1.1", "s": "200"}
    )
    try:
        raise ValueError(f"身份证号 {ID} 无法匹配")
    except ValueError:
        logging.getLogger("fangpin.anything").exception("failed for %s", PHONE)
    text = every_log.getvalue() + caplog.text
    masked = idcard.mask(ID)
    assert text.count(masked) >= 4  # the lines were logged ...
    assert ID not in text and PHONE not in text  # ... without the numbers
    assert ID[6:14] not in text


def test_every_configured_log_handler_masks_personal_numbers():
    loggers = [logging.getLogger()] + [
        lg for lg in logging.Logger.manager.loggerDict.values() if isinstance(lg, logging.Logger)
    ]
    unfiltered = [
        f"{lg.name}: {type(h).__name__}"
        for lg in loggers
        for h in lg.handlers
        if not type(h).__module__.startswith("_pytest")
        # Libraries' "no output" default; py4j (under PySpark) ships a NullHandler class of
        # its own, which exists once a Spark test has run in the same worker.
        and not isinstance(h, logging.NullHandler)
        and type(h).__name__ != "NullHandler"
        and not any(isinstance(f, MaskPersonalDataFilter) for f in h.filters)
    ]
    assert unfiltered == []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_running_server_logs_requests_without_id_numbers_and_keeps_its_data_private(tmp_path):
    """The real development server in a child process, with its own SQLite database."""
    port = _free_port()
    data = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        PYTHONPATH=str(SRC),
        FANGPIN_DATA_DIR=str(data),
        DJANGO_SETTINGS_MODULE="fangpin.settings",
        PYTHONUNBUFFERED="1",
    )
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(  # noqa: S603 - fixed arguments
            [sys.executable, "-m", "fangpin.cli", "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            statuses = []
            deadline = time.monotonic() + 90
            for path in (f"/households/?q={ID}&tel={PHONE}", f"/api/v1/households?q={ID}"):
                while True:
                    try:
                        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                        conn.request("GET", path)
                        statuses.append(conn.getresponse().status)
                        conn.close()
                        break
                    except OSError:
                        if time.monotonic() > deadline or server.poll() is not None:
                            raise
                        time.sleep(0.3)
            time.sleep(0.5)
        finally:
            server.terminate()
            server.wait(timeout=30)
    text = log.read_text(encoding="utf-8", errors="replace")
    assert statuses == [302, 401]
    assert f"q={idcard.mask(ID)}" in text  # the request lines were logged ...
    assert ID not in text and PHONE not in text  # ... without the numbers
    assert modes(data) == {}, "the data folder and its database are the server account's"
