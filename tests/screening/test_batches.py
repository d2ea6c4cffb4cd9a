"""Batches end to end: counts, normalisation, formats, idempotence, crashes, the CLI."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command

from fangpin.core import idcard
from fangpin.registry.models import Person
from fangpin.screening import services
from fangpin.screening.export import registry_export
from fangpin.screening.models import Batch, Warning
from tests.conftest import YEXIAN_VILLAGE

from .conftest import english_header, id_for

MEDICAL_CN = ["身份证号", "姓名", "结算日期", "总费用", "报销金额", "个人自付", "是否住院"]


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


def test_a_batch_records_rows_read_matched_unmatched_malformed_and_warnings(household, screen):
    a = id_for(dt.date(1970, 1, 1))
    household([("甲", a)])
    stranger = id_for(dt.date(1980, 1, 1), address="410402")
    batch = screen(
        "medical",
        "2024-03",
        [
            [a, "甲", "2024-03-01", "30000", "5000", "25000", "是"],
            [stranger, "外人", "2024-03-01", "100", "50", "50", "否"],
            ["41042119700101123", "错号", "2024-03-01", "100", "50", "50", "否"],
            [a, "甲", "三月一日", "100", "50", "50", "否"],
        ],
    )
    assert batch.status == "done"
    assert (batch.rows_read, batch.rows_matched, batch.rows_unmatched, batch.rows_malformed) == (
        4,
        1,
        1,
        2,
    )
    assert batch.warnings_made == 1  # one stay: absolute, share of income, single stay
    assert batch.engine == "duckdb"
    assert batch.duration_ms is not None
    assert [(r["row_no"], r["problem"]) for r in batch.malformed_sample] == [
        (3, "身份证号无效(位数、出生日期或校验位错误)"),
        (4, "结算日期为空或无法识别"),
    ]
    assert batch.malformed_sample[0]["id_number"] == "410421*******1123"


def test_id_numbers_are_normalised_before_matching(household, screen):
    a = id_for(dt.date(1970, 1, 1))
    x_person = next(
        number
        for number in (id_for(dt.date(1971, 2, 2)) for _ in range(40))
        if number.endswith("X")
    )
    old = id_for(dt.date(1972, 3, 3))
    padded = id_for(dt.date(1973, 4, 4))
    household([("全角", a), ("小写", x_person), ("旧号", old), ("空格", padded)])
    old15 = old[:6] + old[8:17]
    padded15 = f" {padded[:6] + padded[8:17]}  "  # 18 characters, as long as a valid number
    rows = [
        [f" {_fullwidth(a[:9])} {a[9:]} ", "全角", "2024-03-01", "100", "50", "50", "否"],
        [x_person.lower(), "小写", "2024-03-01", "100", "50", "50", "否"],
        [old15, "旧号", "2024-03-01", "100", "50", "50", "否"],
        [padded15, "空格", "2024-03-01", "100", "50", "50", "否"],
    ]
    batch = screen("medical", "2024-03", rows, header=MEDICAL_CN)
    assert (batch.rows_matched, batch.rows_malformed, batch.rows_unmatched) == (4, 0, 0)


def test_a_number_in_shape_with_a_wrong_check_character_is_malformed(household, screen):
    a = id_for(dt.date(1970, 1, 1))
    household([("甲", a)])
    stranger = id_for(dt.date(1980, 1, 1), address="410402")
    wrong = stranger[:17] + ("0" if stranger[17] != "0" else "1")
    bad_day = stranger[:12] + "32" + stranger[14:17]
    bad_day += idcard.check_char(bad_day)
    rows = [
        [wrong, "错校验位", "2024-03-01", "100", "50", "50", "否"],
        [bad_day, "错日期", "2024-03-01", "100", "50", "50", "否"],
        [stranger, "外人", "2024-03-01", "100", "50", "50", "否"],
    ]
    batch = screen("medical", "2024-03", rows)
    assert (batch.rows_matched, batch.rows_malformed, batch.rows_unmatched) == (0, 2, 1)
    assert [r["row_no"] for r in batch.malformed_sample] == [1, 2]


def test_xlsx_with_chinese_headers_is_screened(
    household, county, tmp_path, django_capture_on_commit_callbacks
):
    a = id_for(dt.date(1970, 1, 1))
    household([("甲", a)])
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(MEDICAL_CN)
    sheet.append([a, "甲", dt.date(2024, 3, 1), 30000, 5000.5, 24999.5, "是"])
    path = tmp_path / "医保.xlsx"
    book.save(path)
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.batch_upload(user=county, source="medical", period="2024-03", file=path)
    batch.refresh_from_db()
    assert (batch.status, batch.rows_read, batch.rows_matched) == ("done", 1, 1)
    hit = Warning.objects.get(rule="medical_inpatient_single")
    assert "24,999.50元" in hit.message


def test_parquet_with_typed_columns_is_screened(
    household, county, tmp_path, django_capture_on_commit_callbacks
):
    a = id_for(dt.date(1970, 1, 1))
    household([("甲", a)])
    path = tmp_path / "医保.parquet"
    pq.write_table(
        pa.table(
            {
                "身份证号": [a, "bad"],
                "姓名": ["甲", "乙"],
                "结算日期": [dt.date(2024, 3, 1), dt.date(2024, 3, 2)],
                "总费用": [30000.0, 10.0],
                "报销金额": [5000.0, 5.0],
                "个人自付": [25000.0, 5.0],
                "是否住院": [True, False],
            }
        ),
        path,
    )
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.batch_upload(user=county, source="medical", period="2024-03", file=path)
    batch.refresh_from_db()
    assert (batch.rows_read, batch.rows_matched, batch.rows_malformed) == (2, 1, 1)
    assert batch.warnings_made == 1


def test_screening_the_same_batch_twice_makes_no_new_warnings(
    household, screen, county, django_capture_on_commit_callbacks
):
    a = id_for(dt.date(1970, 1, 1))
    household([("甲", a)])
    rows = [[a, "甲", "2024-03-01", "30000", "5000", "25000", "是"]]
    first = screen("medical", "2024-03", rows)
    assert first.warnings_made == 1
    # The same file again (a department resends it) ...
    again = screen("medical", "2024-03", rows)
    assert (again.status, again.warnings_made) == ("done", 0)
    # ... and the same batch run again after its warnings were handled.
    Warning.objects.update(status=Warning.Status.DISMISSED, dismiss_reason="已核实")
    with django_capture_on_commit_callbacks(execute=True):
        services.batch_rerun(user=county, batch=first)
    first.refresh_from_db()
    assert first.warnings_made == 0
    assert Warning.objects.count() == 1


def test_two_members_stays_make_one_warning_each_naming_their_rules(household, screen):
    a, b = id_for(dt.date(1970, 1, 1)), id_for(dt.date(1972, 1, 1))
    home = household([("甲", a), ("乙", b)])
    screen(
        "medical",
        "2024-03",
        [
            [a, "甲", "2024-03-01", "30000", "5000", "25000", "否"],
            [b, "乙", "2024-03-01", "30000", "5000", "21000", "否"],
        ],
    )
    by_name = {w.person.name: w for w in Warning.objects.select_related("person")}
    assert set(by_name) == {"甲", "乙"}
    assert {w.household_id for w in by_name.values()} == {home.pk}
    assert by_name["甲"].rules == ["medical_out_of_pocket_absolute", "medical_out_of_pocket_share"]
    assert by_name["乙"].rules == ["medical_out_of_pocket_absolute", "medical_out_of_pocket_share"]
    assert "甲" in by_name["甲"].message and "乙" not in by_name["甲"].message
    assert len(by_name["甲"].evidence) == 1


def test_households_outside_the_uploaders_region_get_no_warning(
    household, county, make_user, tmp_path, django_capture_on_commit_callbacks
):
    from fangpin.registry.services import household_create

    a = id_for(dt.date(1970, 1, 1), address="410422")
    household_create(
        user=make_user("county", "410422"),
        village_code=YEXIAN_VILLAGE,
        is_alleviated=False,
        members=[{"name": "叶县人", "id_number": a, "relation": "户主"}],
    )
    path = tmp_path / "m.csv"
    from .conftest import write_csv

    write_csv(
        path,
        english_header("medical"),
        [[a, "叶县人", "2024-03-01", "30000", "5000", "25000", "是"]],
    )
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.batch_upload(user=county, source="medical", period="2024-03", file=path)
    batch.refresh_from_db()
    assert (batch.rows_matched, batch.warnings_made) == (1, 0)


def test_a_crash_while_writing_warnings_leaves_none_and_the_batch_runs_again(
    household, screen, county, monkeypatch, django_capture_on_commit_callbacks
):
    a, b = id_for(dt.date(1970, 1, 1)), id_for(dt.date(1971, 1, 1))
    household([("甲", a)])
    household([("乙", b)])
    rows = [
        [a, "甲", "2024-03-01", "30000", "5000", "25000", "是"],
        [b, "乙", "2024-03-01", "30000", "5000", "25000", "是"],
    ]
    real = services.hits.bulk_create_with_history
    calls = {"n": 0}

    def crash_on_second(objs, model, **kwargs):
        calls["n"] += 1
        real(objs[:1], model, **kwargs)  # one warning is written ...
        raise OSError("disk full")  # ... then the worker dies

    monkeypatch.setattr(services.hits, "bulk_create_with_history", crash_on_second)
    batch = screen("medical", "2024-03", rows)
    assert calls["n"] == 1
    assert batch.status == "failed"
    assert batch.error == "筛查失败:系统内部错误,请重新筛查"
    assert Warning.objects.count() == 0
    monkeypatch.setattr(services.hits, "bulk_create_with_history", real)
    with django_capture_on_commit_callbacks(execute=True):
        services.batch_rerun(user=county, batch=batch)
    batch.refresh_from_db()
    assert (batch.status, batch.warnings_made) == ("done", 2)
    assert Warning.objects.count() == 2


def test_the_registry_export_writes_only_what_changed(household, screening_sandbox):
    people = [id_for(dt.date(1970 + i, 1, 1)) for i in range(3)]
    household([(f"人{i}", n) for i, n in enumerate(people)])
    registry, written = registry_export()
    assert written == Person.objects.count()
    again, written = registry_export()
    assert written == 0
    assert again.person_parts == registry.person_parts
    person = Person.objects.with_id_number(people[1]).get()
    person.disability_grade = 2
    person.save()
    delta, written = registry_export()
    assert written == 1
    assert len(delta.person_parts) == 2
    newest = pq.read_table(delta.person_parts[-1]).to_pylist()
    assert [(r["id_hash"], r["disability_grade"]) for r in newest] == [(person.id_hash, 2)]


def test_the_screen_command_runs_a_file_and_reports_counts(household, tmp_path, capsys):
    a = id_for(dt.date(1970, 1, 1))
    household([("甲", a)])
    path = tmp_path / "m.csv"
    from .conftest import write_csv

    write_csv(path, MEDICAL_CN, [[a, "甲", "2024-03-01", "30000", "5000", "25000", "是"]])
    call_command("screen", str(path), "--source", "medical", "--period", "2024-03")
    out = capsys.readouterr().out
    assert "读取 1 行,匹配 1,未匹配 0,格式错误 0,生成预警 1 条" in out
    assert Batch.objects.get().uploaded_by is None


def test_the_screen_command_exits_1_with_a_chinese_message_for_a_bad_file(tmp_path, capsys, db):
    path = tmp_path / "m.csv"
    path.write_text("身份证号,姓名\n410421197001011230,甲\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        call_command("screen", str(path), "--source", "medical", "--period", "2024-03")
    assert exited.value.code == 1
    assert "缺少列" in capsys.readouterr().err
    assert Batch.objects.count() == 0


def test_a_gb18030_csv_is_read(household, county, tmp_path, django_capture_on_commit_callbacks):
    a = id_for(dt.date(1970, 1, 1))
    household([("甲", a)])
    path: Path = tmp_path / "gbk.csv"
    lines = [",".join(MEDICAL_CN), f"{a},甲,2024-03-01,30000,5000,25000,是"]
    path.write_bytes("\n".join(lines).encode("gb18030"))
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.batch_upload(user=county, source="medical", period="2024-03", file=path)
    batch.refresh_from_db()
    assert (batch.status, batch.rows_matched) == ("done", 1)


def test_the_screen_command_exits_1_with_a_chinese_message_for_an_unknown_source(
    tmp_path, capsys, db
):
    path = tmp_path / "m.csv"
    path.write_text("身份证号,姓名\n410421197001011230,甲\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        call_command("screen", str(path), "--source", "bogus", "--period", "2024-03")
    assert exited.value.code == 1
    assert "未知的数据来源" in capsys.readouterr().err
    assert Batch.objects.count() == 0
