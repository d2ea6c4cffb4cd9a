"""Files that are wrong as a whole get a clear Chinese message and leave nothing behind."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from fangpin.core.errors import BadValue
from fangpin.screening.models import Batch
from fangpin.screening.services import batch_upload

from .conftest import english_header, write_csv


def _nothing_left(sandbox: Path) -> None:
    assert Batch.objects.count() == 0
    media = sandbox / "media"
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))
    incoming = sandbox / "screening" / "incoming"
    assert not incoming.exists() or not any(incoming.iterdir())


def _upload(county, path: Path, source: str = "medical") -> BadValue:
    with pytest.raises(BadValue) as caught:
        batch_upload(user=county, source=source, period="2024-03", file=path)
    return caught.value


def test_missing_columns_are_named_in_the_message(county, tmp_path, screening_sandbox):
    path = write_csv(
        tmp_path / "m.csv",
        ["身份证号", "姓名", "结算日期", "总费用", "报销金额"],
        [["410421197001011230", "甲", "2024-03-01", "100", "50"]],
    )
    error = _upload(county, path)
    assert error.code == "missing_columns"
    assert "个人自付(out_of_pocket)" in error.detail
    assert "是否住院(inpatient)" in error.detail
    assert error.extra == ["out_of_pocket", "inpatient"]
    _nothing_left(screening_sandbox)


def test_a_column_of_the_wrong_type_is_refused(county, tmp_path, screening_sandbox):
    rows = [["410421197001011230", "甲", "昨天", "100", "50", "很多", "否"]] * 5
    error = _upload(county, write_csv(tmp_path / "m.csv", english_header("medical"), rows))
    assert error.code == "wrong_type"
    assert "结算日期应为日期" in error.detail
    assert "个人自付应为金额" in error.detail
    _nothing_left(screening_sandbox)


def test_id_numbers_stored_as_numbers_in_parquet_are_refused(county, tmp_path, screening_sandbox):
    path = tmp_path / "m.parquet"
    table = pa.table(
        {
            "id_number": [4.10421197001011e17],
            "name": ["甲"],
            "settled_on": ["2024-03-01"],
            "total_cost": [100.0],
            "reimbursed": [50.0],
            "out_of_pocket": [50.0],
            "inpatient": [False],
        }
    )
    pq.write_table(table, path)
    error = _upload(county, path)
    assert error.code == "wrong_type"
    assert "身份证号列被存成了数字" in error.detail
    _nothing_left(screening_sandbox)


def test_an_empty_file_is_refused(county, tmp_path, screening_sandbox):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    error = _upload(county, path)
    assert error.code == "empty_file"
    assert error.detail == "文件是空的,没有任何内容"
    _nothing_left(screening_sandbox)


def test_a_file_with_only_a_header_is_refused(county, tmp_path, screening_sandbox):
    error = _upload(county, write_csv(tmp_path / "h.csv", english_header("medical"), []))
    assert error.code == "empty_file"
    assert "没有数据行" in error.detail
    _nothing_left(screening_sandbox)


@pytest.mark.parametrize("name", ["batch.xlsx", "batch.parquet"])
def test_a_file_that_is_not_what_its_extension_says_is_refused(
    county, tmp_path, screening_sandbox, name
):
    path = write_csv(
        tmp_path / name,
        english_header("medical"),
        [["410421197001011230", "甲", "2024-03-01", "100", "50", "50", "否"]],
    )
    error = _upload(county, path)
    assert error.code == "format_mismatch"
    assert "与扩展名不符" in error.detail
    _nothing_left(screening_sandbox)


def test_a_gigabyte_of_garbage_is_refused_from_its_first_bytes(county, tmp_path, screening_sandbox):
    path = tmp_path / "garbage.csv"
    with path.open("wb") as fh:
        fh.write(os.urandom(4096))
        fh.truncate(1 << 30)  # sparse: 1 GiB on paper, nothing on disk
    assert path.stat().st_size == 1 << 30
    error = _upload(county, path)
    assert error.code == "format_mismatch"
    _nothing_left(screening_sandbox)


def test_an_unsupported_extension_is_refused(county, tmp_path, screening_sandbox):
    path = tmp_path / "data.txt"
    path.write_text("id_number\n1\n", encoding="utf-8")
    error = _upload(county, path)
    assert error.code == "unsupported_format"
    _nothing_left(screening_sandbox)


def test_a_bad_file_uploaded_over_the_api_answers_400_and_leaves_nothing(
    api_as, tmp_path, screening_sandbox
):
    from tests.conftest import BAOFENG

    client = api_as("department", BAOFENG)
    path = write_csv(tmp_path / "m.csv", ["身份证号", "姓名"], [["410421197001011230", "甲"]])
    with path.open("rb") as fh:
        response = client.api(
            "POST", "/screening/batches", {"source": "medical", "period": "2024-03", "file": fh}
        )
    assert response.status_code == 400
    assert response.json()["code"] == "missing_columns"
    assert "缺少列" in response.json()["detail"]
    _nothing_left(screening_sandbox)
