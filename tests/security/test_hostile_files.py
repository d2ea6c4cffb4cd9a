"""Files are hostile until proven otherwise: every upload passes one gate (size, type by
content, declared structure) and spreadsheets are parsed in a child process with a memory
limit, so that a bad file kills only that child.

The xlsx bombs are real files made here by hand; the child processes are real. "The test
process is alive" is what each test shows by going on after the bomb and asserting.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook

from fangpin.core import files
from fangpin.core.files import bounded
from fangpin.registry.importing import HEADERS, MAX_PROBLEMS, household_import
from fangpin.registry.models import Household
from fangpin.screening.models import Batch
from fangpin.screening.sources import SOURCES
from tests.conftest import BAOFENG, BAOFENG_VILLAGE
from tests.registry.helpers import new_id

from .hostile import deflate_bomb, sparse_extent

pytestmark = pytest.mark.django_db

IMPORT = reverse("registry:import")
BATCHES_PAGE = reverse("screening:batch_list")


def upload(path: Path, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes())


def nothing_written(sandbox: Path) -> None:
    assert not Household.objects.exists()
    assert not Batch.objects.exists()
    incoming = sandbox / "screening" / "incoming"
    assert not incoming.exists() or not any(incoming.iterdir())
    imports = sandbox / "media" / "imports"
    assert not imports.exists() or not list(imports.glob("*.xlsx"))


def good_import_file(tmp_path: Path, rows: int = 1) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(HEADERS))
    for n in range(rows):
        number = f"{BAOFENG_VILLAGE}{n:04d}"
        sheet.append([number, BAOFENG_VILLAGE, f"村民{n}", new_id(), "户主", "是"] + [""] * 7)
    path = tmp_path / "good.xlsx"
    book.save(path)
    return path


# --- the sparse-extent bomb (one cell at XFD1048576) ---------------------------------------


def test_the_sparse_extent_bomb_is_refused_by_the_household_import_page(
    browser: Callable[..., Any], bombs: dict[str, Path], sandbox: Path, tmp_path: Path
) -> None:
    client = browser("village", BAOFENG_VILLAGE)

    page = client.post(IMPORT, {"file": upload(bombs["sparse"], "农户.xlsx")})

    assert page.status_code == 400
    assert "文件过于复杂" in page.content.decode()
    assert "XFD1048576" in page.content.decode()
    nothing_written(sandbox)
    # The server process is alive and the next file imports as before.
    after = client.post(IMPORT, {"file": upload(good_import_file(tmp_path))})
    assert after.status_code == 200 and 'name="token"' in after.content.decode()


def test_the_sparse_extent_bomb_is_refused_by_the_import_command(
    bombs: dict[str, Path], sandbox: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(CommandError) as caught:
        call_command("import-households", str(bombs["sparse"]))

    assert caught.value.returncode == 1
    assert "文件过于复杂" in str(caught.value)
    nothing_written(sandbox)


@pytest.mark.parametrize("bomb", ["sparse", "sparse_undeclared"])
def test_the_sparse_extent_bomb_is_refused_as_a_department_batch_over_the_api(
    api_as: Callable[..., Any], bombs: dict[str, Path], sandbox: Path, bomb: str
) -> None:
    client = api_as("department", BAOFENG)
    with bombs[bomb].open("rb") as fh:
        response = client.api(
            "POST",
            "/screening/batches",
            {
                "source": "medical",
                "period": "2026-03",
                "file": SimpleUploadedFile("医保.xlsx", fh.read()),
            },
        )

    assert response.status_code == 400
    assert response.json()["code"] == "file_too_complex"
    assert "文件过于复杂" in response.json()["detail"]
    nothing_written(sandbox)


def test_the_sparse_extent_bomb_is_refused_on_the_batch_upload_page(
    browser: Callable[..., Any], bombs: dict[str, Path], sandbox: Path
) -> None:
    page = browser("department", BAOFENG).post(
        BATCHES_PAGE,
        {"source": "medical", "period": "2026-03", "file": upload(bombs["sparse"], "医保.xlsx")},
    )

    assert page.status_code == 400
    assert "文件过于复杂" in page.content.decode()
    nothing_written(sandbox)


def test_the_sparse_extent_bomb_is_refused_by_the_screen_command(
    bombs: dict[str, Path], sandbox: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "医保.xlsx"
    path.write_bytes(bombs["sparse"].read_bytes())

    with pytest.raises(SystemExit) as caught:
        call_command("screen", str(path), "--source", "medical", "--period", "2026-03")

    assert caught.value.code == 1
    assert "文件过于复杂" in capsys.readouterr().err
    nothing_written(sandbox)


# --- the child process and its memory limit ------------------------------------------------


def test_a_reader_that_blows_its_memory_limit_dies_alone_in_its_child(tmp_path: Path) -> None:
    # No <dimension>: nothing declared to refuse it early. The reader sizes its grid from the
    # cells: A1 to J1000000 is 10 million cells, about 320 MB, against a 64 MB budget. Without
    # the limit the child would read it and answer one row.
    path = sparse_extent(tmp_path / "undeclared.xlsx", far="J1000000", declared=False)
    small = files.Limits(
        label="测试文件",
        types={"xlsx": 1 << 20},
        type_message="x",
        max_rows=10_000_000,
        max_columns=16_384,
        max_cells=1 << 40,
        memory=64 << 20,
    )
    parent = os.getpid()

    with pytest.raises(files.FileTooComplex) as caught:
        bounded.run("rows", limits=small, path=str(path), nrows=1)

    assert caught.value.reason == "memory"
    assert caught.value.code == "file_too_complex"
    assert os.getpid() == parent
    # The same child, given room, reads the same file: the limit was what stopped it.
    roomy = files.Limits(**{**small.__dict__, "memory": 2 << 30})
    assert bounded.run("rows", limits=roomy, path=str(path), nrows=1)[0][0] == "户编号"


def test_an_undeclared_sparse_extent_kills_only_the_child_and_the_import_answers_400(
    browser: Callable[..., Any], bombs: dict[str, Path], sandbox: Path, tmp_path: Path
) -> None:
    client = browser("village", BAOFENG_VILLAGE)

    page = client.post(IMPORT, {"file": upload(bombs["sparse_undeclared"], "农户.xlsx")})

    assert page.status_code == 400
    assert "超出内存上限" in page.content.decode()
    nothing_written(sandbox)
    after = client.post(IMPORT, {"file": upload(good_import_file(tmp_path))})
    assert after.status_code == 200 and 'name="token"' in after.content.decode()


# --- the deflate bomb -----------------------------------------------------------------------


def test_a_deflate_bomb_is_refused_from_its_directory_without_parsing(
    browser: Callable[..., Any],
    api_as: Callable[..., Any],
    bombs: dict[str, Path],
    sandbox: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parsed: list[str] = []
    real_run = bounded.run

    def watched(task: str, **kwargs: Any) -> Any:
        parsed.append(task)
        return real_run(task, **kwargs)

    monkeypatch.setattr(bounded, "run", watched)
    bomb = bombs["deflate"]
    assert bomb.stat().st_size < 1 << 20  # 300 MB of sheet XML in a few hundred KB

    page = browser("village", BAOFENG_VILLAGE).post(IMPORT, {"file": upload(bomb, "农户.xlsx")})
    with bomb.open("rb") as fh:
        api = api_as("department", BAOFENG).api(
            "POST",
            "/screening/batches",
            {
                "source": "medical",
                "period": "2026-03",
                "file": SimpleUploadedFile("医保.xlsx", fh.read()),
            },
        )

    assert page.status_code == 400 and "压缩比异常" in page.content.decode()
    assert api.status_code == 400 and api.json()["code"] == "file_too_complex"
    assert parsed == []
    nothing_written(sandbox)


def test_a_deflate_bomb_under_the_ratio_is_refused_by_its_declared_total(tmp_path: Path) -> None:
    bomb = deflate_bomb(tmp_path / "b.xlsx", megabytes=40)
    tight = files.Limits(**{**files.SPREADSHEET_IMPORT.__dict__, "max_ratio": 10**6})
    tight = files.Limits(**{**tight.__dict__, "max_uncompressed": 32 << 20})

    with pytest.raises(files.FileTooComplex) as caught:
        files.admit_path(bomb, limits=tight)

    assert caught.value.reason == "uncompressed"


# --- type by content, never by name ---------------------------------------------------------


def test_a_picture_named_xlsx_is_not_read_as_a_spreadsheet(tmp_path: Path) -> None:
    from .hostile import PNG

    path = tmp_path / "农户.xlsx"
    path.write_bytes(PNG)
    result = household_import(user=None, file=path, dry_run=True)
    assert [p.message for p in result.problems] == ["不是有效的 Excel 文件,请上传 .xlsx 格式的文件"]


def test_a_workbook_named_csv_is_refused_as_a_department_batch(
    api_as: Callable[..., Any], tmp_path: Path, sandbox: Path
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([c.name for c in SOURCES["medical"].columns])
    buffer = io.BytesIO()
    book.save(buffer)
    response = api_as("department", BAOFENG).api(
        "POST",
        "/screening/batches",
        {
            "source": "medical",
            "period": "2026-03",
            "file": SimpleUploadedFile("医保.csv", buffer.getvalue()),
        },
    )
    assert response.status_code == 400
    assert response.json()["code"] == "format_mismatch"
    nothing_written(sandbox)


# --- errors capped ----------------------------------------------------------------------------


def test_an_import_with_500_bad_rows_lists_200_problems_and_counts_500(
    tmp_path: Path, browser: Callable[..., Any], capsys: pytest.CaptureFixture[str]
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(HEADERS))
    for n in range(500):  # each row: the required 姓名 is empty
        sheet.append([f"{BAOFENG_VILLAGE}{n:04d}", BAOFENG_VILLAGE, "", new_id(), "户主", "是"])
    path = tmp_path / "bad.xlsx"
    book.save(path)

    result = household_import(user=None, file=path, dry_run=True)
    assert result.problem_count == 500
    assert len(result.problems) == MAX_PROBLEMS == 200
    assert [p.row for p in result.problems] == list(range(2, 202))

    page = browser("village", BAOFENG_VILLAGE).post(IMPORT, {"file": upload(path)})
    text = page.content.decode()
    assert "发现 500 处问题(下表列出前 200 处)" in text
    assert text.count("必填项为空") == 200

    with pytest.raises(CommandError) as caught:
        call_command("import-households", str(path), "--dry-run")
    assert "发现 500 处问题(以上列出前 200 处)" in str(caught.value)
    assert capsys.readouterr().err.count("必填项为空") == 200
    assert not Household.objects.exists()


def test_a_file_over_the_size_limit_is_refused_before_it_is_kept(
    browser: Callable[..., Any], sandbox: Path
) -> None:
    big = SimpleUploadedFile("农户.xlsx", b"PK\x03\x04" + b"\x00" * (31 << 20))

    page = browser("village", BAOFENG_VILLAGE).post(IMPORT, {"file": big})

    assert page.status_code == 413
    assert "文件过大:导入文件不能超过 30 MB" in page.content.decode()
    nothing_written(sandbox)
