from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fangpin.core.errors import Forbidden
from fangpin.registry import importing
from fangpin.registry.importing import household_import
from fangpin.registry.models import Household, Membership, Person
from tests.conftest import BAOFENG, BAOFENG_VILLAGE, CITY, YEXIAN_VILLAGE
from tests.registry.helpers import make_household, new_id
from tests.registry.xlsx import person_row, write_xlsx

V = BAOFENG_VILLAGE
pytestmark = pytest.mark.django_db


def history_rows() -> int:
    return sum(
        m.history.count()  # type: ignore[attr-defined]
        for m in (Household, Person, Membership)
    )


def family(number: str, *, village: str = V, size: int = 3, alleviated="否", **head_extra):
    relations = ["户主", "配偶", "之子", "之女", "之母"]
    rows = [
        person_row(
            number, village, f"{number[-3:]}号{i}", new_id(), relations[i], 是否脱贫户=alleviated
        )
        for i in range(size)
    ]
    rows[0].update(head_extra)
    return rows


def problems_of(result):
    return [(p.row, p.column) for p in result.problems]


def test_a_valid_file_creates_households_persons_and_memberships(tmp_path):
    rows = family("H001", alleviated="是", 联系电话="13812345678", 家庭住址="周庄村一组")
    rows += family("H002", size=2)
    rows[1].update(健康状况="长期慢性病", 劳动技能="普通劳动力", 残疾等级="")
    result = household_import(user=None, file=write_xlsx(tmp_path / "a.xlsx", rows), dry_run=False)
    assert result.problems == []
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    assert result.persons_created == 5
    first = Household.objects.get(number="H001")
    assert first.head_name == "001号0" and first.member_count == 3
    assert first.is_alleviated and first.phone == "13812345678" and first.address == "周庄村一组"
    assert Person.objects.get(name="001号1").health == "长期慢性病"
    record = first.history.get()
    assert record.history_type == "+" and record.history_change_reason == "Excel导入"


def test_dry_run_reports_counts_but_writes_nothing(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", family("H001") + family("H002"))
    result = household_import(user=None, file=path, dry_run=True)
    assert result.ok and result.created == 2
    assert not Household.objects.exists() and not Person.objects.exists()
    assert history_rows() == 0


def test_an_id_number_stored_as_a_number_is_rejected(tmp_path):
    rows = family("H001")
    rows[1]["身份证号"] = int(rows[1]["身份证号"][:17] + "0")  # Excel keeps it as a number
    rows[2]["身份证号"] = "4.10421E+17"  # what a user sees after Excel converted it
    result = household_import(user=None, file=write_xlsx(tmp_path / "a.xlsx", rows), dry_run=True)
    assert problems_of(result) == [(3, "身份证号"), (4, "身份证号")]
    assert all(p.message == importing.MSG_ID_AS_NUMBER for p in result.problems)
    assert "文本" in result.problems[0].message


def test_a_bad_check_digit_is_rejected(tmp_path):
    rows = family("H001")
    good = rows[2]["身份证号"]
    rows[2]["身份证号"] = good[:17] + ("1" if good[17] != "1" else "2")
    result = household_import(user=None, file=write_xlsx(tmp_path / "a.xlsx", rows), dry_run=True)
    assert problems_of(result) == [(4, "身份证号")]
    assert "校验位" in result.problems[0].message


def test_an_unknown_village_code_is_rejected(tmp_path):
    rows = family("H001", village="410421999999")
    result = household_import(user=None, file=write_xlsx(tmp_path / "a.xlsx", rows), dry_run=True)
    assert problems_of(result) == [(2, "村代码"), (3, "村代码"), (4, "村代码")]
    assert result.problems[0].message == "村代码 410421999999 不存在"


def test_a_household_with_two_heads_or_none_is_rejected(tmp_path):
    two = family("H001")
    two[2]["与户主关系"] = "户主"
    none = family("H002")
    none[0]["与户主关系"] = "配偶"
    result = household_import(
        user=None, file=write_xlsx(tmp_path / "a.xlsx", two + none), dry_run=True
    )
    assert problems_of(result) == [(4, "与户主关系"), (5, "与户主关系")]
    assert "H001 现有 2 名" in result.problems[0].message
    assert "H002 现有 0 名" in result.problems[1].message


def test_the_same_person_twice_is_rejected_naming_the_first_row(tmp_path):
    rows = family("H001") + family("H002")
    rows[4]["身份证号"] = rows[1]["身份证号"]
    result = household_import(user=None, file=write_xlsx(tmp_path / "a.xlsx", rows), dry_run=True)
    assert problems_of(result) == [(6, "身份证号")]
    assert result.problems[0].message == "与第3行是同一人(身份证号重复)"


def test_a_person_already_in_another_household_is_rejected(tmp_path, make_user):
    existing = make_household(make_user("village", V), V)
    member = existing.memberships.get(relation="配偶").person
    rows = family("H001")
    rows[2]["身份证号"] = member.id_number
    result = household_import(user=None, file=write_xlsx(tmp_path / "a.xlsx", rows), dry_run=False)
    assert problems_of(result) == [(4, "身份证号")]
    assert existing.number in result.problems[0].message
    assert not Household.objects.filter(number="H001").exists()


def test_empty_required_cells_are_rejected(tmp_path):
    rows = family("H001")
    rows[1]["姓名"] = "  "
    rows[2]["是否脱贫户"] = None
    result = household_import(user=None, file=write_xlsx(tmp_path / "a.xlsx", rows), dry_run=True)
    assert problems_of(result) == [(3, "姓名"), (4, "是否脱贫户")]
    assert {p.message for p in result.problems} == {"必填项为空"}


def test_values_outside_the_code_lists_are_rejected(tmp_path):
    rows = family("H001")
    rows[0]["劳动技能"] = "很能干"
    rows[1]["与户主关系"] = "邻居"
    rows[2]["残疾等级"] = "7"
    rows[2]["是否脱贫户"] = "也许"
    result = household_import(user=None, file=write_xlsx(tmp_path / "a.xlsx", rows), dry_run=True)
    assert problems_of(result) == [
        (2, "劳动技能"),
        (3, "与户主关系"),
        (4, "是否脱贫户"),
        (4, "残疾等级"),
    ]


def test_an_empty_file_is_rejected(tmp_path):
    from openpyxl import Workbook

    blank = tmp_path / "blank.xlsx"
    Workbook().save(blank)
    headers_only = write_xlsx(tmp_path / "h.xlsx", [])
    for path, message in ((blank, "文件为空"), (headers_only, "没有数据行")):
        result = household_import(user=None, file=path, dry_run=True)
        assert len(result.problems) == 1 and result.problems[0].row == 0
        assert message in result.problems[0].message


def test_a_file_that_is_not_excel_is_rejected(tmp_path):
    path = tmp_path / "households.xlsx"
    path.write_text("户编号,村代码,姓名\nH001,410421101201,张三\n", encoding="utf-8")
    result = household_import(user=None, file=path, dry_run=True)
    assert [str(p) for p in result.problems] == ["不是有效的 Excel 文件,请上传 .xlsx 格式的文件"]


def test_missing_headers_are_named(tmp_path):
    headers = tuple(h for h in importing.HEADERS if h not in {"身份证号", "家庭住址"})
    path = write_xlsx(tmp_path / "a.xlsx", family("H001"), headers=headers)
    result = household_import(user=None, file=path, dry_run=True)
    assert problems_of(result) == [(1, "身份证号"), (1, "家庭住址")]


def test_full_width_digits_and_stray_spaces_are_normalised(tmp_path):
    rows = family("H001")
    wide = "".join(chr(ord(c) + 0xFEE0) for c in rows[0]["身份证号"])
    rows[0]["身份证号"] = f"  {wide[:6]} {wide[6:]} "
    rows[1]["身份证号"] = (
        rows[1]["身份证号"][:17] + "x" if rows[1]["身份证号"][17] == "X" else rows[1]["身份证号"]
    )
    rows[0]["村代码"] = " " + "".join(chr(ord(c) + 0xFEE0) for c in V) + " "
    rows[0]["户编号"] = " H001 "
    rows[1]["户编号"] = "Ｈ００１"
    rows[2]["姓名"] = "  王  小明 "
    rows[0]["联系电话"] = "１３８ １２３４ ５６７８"
    path = write_xlsx(tmp_path / "a.xlsx", rows)
    result = household_import(user=None, file=path, dry_run=False)
    assert result.ok, result.problems
    household = Household.objects.get(number="H001")
    assert household.member_count == 3 and household.village_id == V
    assert household.phone == "13812345678"
    assert Person.objects.filter(name="王 小明").exists()
    assert Person.objects.with_id_number(family_id(rows, 0)).exists()


def family_id(rows, index):
    import unicodedata

    return unicodedata.normalize("NFKC", rows[index]["身份证号"]).replace(" ", "").upper()


def test_a_problem_on_the_last_row_leaves_the_database_unchanged(tmp_path, make_user):
    existing = make_household(make_user("village", V), V, members=2)
    before = history_rows()
    rows = []
    # Change the existing household and add many new ones before the bad row.
    for m in existing.memberships.select_related("person"):
        rows.append(
            person_row(existing.number, V, m.person.name + "改", m.person.id_number, m.relation)
        )
    for i in range(40):
        rows += family(f"N{i:03d}")
    rows[-1]["身份证号"] = rows[-1]["身份证号"][:17] + (
        "0" if rows[-1]["身份证号"][17] != "0" else "1"
    )
    path = write_xlsx(tmp_path / "a.xlsx", rows)
    result = household_import(user=None, file=path, dry_run=False)
    assert problems_of(result) == [(len(rows) + 1, "身份证号")]
    assert result.created == result.updated == 0
    assert Household.objects.count() == 1 and Person.objects.count() == 2
    assert not Person.objects.filter(name__endswith="改").exists()
    assert history_rows() == before


def test_importing_the_same_file_twice_changes_nothing_the_second_time(tmp_path):
    rows = family("H001", alleviated="是") + family("H002", 联系电话="13900001111")
    rows[1].update(健康状况="残疾,长期慢性病", 残疾等级=2, 文化程度="初中")
    path = write_xlsx(tmp_path / "a.xlsx", rows)
    first = household_import(user=None, file=path, dry_run=False)
    assert first.ok and first.created == 2
    before = history_rows()
    second = household_import(user=None, file=path, dry_run=False)
    assert second.ok
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    assert second.persons_created == second.members_ended == 0
    assert history_rows() == before


def test_a_changed_file_updates_moves_and_ends_members_with_history(tmp_path):
    rows = family("H001", size=3) + family("H002", size=2)
    household_import(user=None, file=write_xlsx(tmp_path / "a.xlsx", rows), dry_run=False)
    # 之子 of H001 moves to H002 (分户 recorded by the county), 配偶 of H002 leaves.
    moved = dict(rows[2], 户编号="H002", 与户主关系="之女婿")
    changed = [rows[0], rows[1], rows[3], moved]
    changed[0] = dict(rows[0], 家庭住址="新地址")
    result = household_import(
        user=None, file=write_xlsx(tmp_path / "b.xlsx", changed), dry_run=False
    )
    assert result.ok, result.problems
    assert (result.created, result.updated, result.unchanged) == (0, 2, 0)
    assert result.members_ended == 1
    h1, h2 = Household.objects.get(number="H001"), Household.objects.get(number="H002")
    assert (h1.member_count, h2.member_count) == (2, 2)
    assert h1.address == "新地址"
    son = Person.objects.with_id_number(rows[2]["身份证号"]).get()
    assert son.memberships.get(ended_on__isnull=True).household == h2
    assert son.memberships.filter(ended_on__isnull=False).get().household == h1
    left = Person.objects.with_id_number(rows[4]["身份证号"]).get()
    assert not left.memberships.filter(ended_on__isnull=True).exists()


def test_a_village_user_imports_only_into_their_own_village(tmp_path, make_user):
    user = make_user("village", V)
    rows = family("H001") + family("Y001", village=YEXIAN_VILLAGE)
    result = household_import(user=user, file=write_xlsx(tmp_path / "a.xlsx", rows), dry_run=True)
    assert problems_of(result) == [(5, "村代码"), (6, "村代码"), (7, "村代码")]
    assert "不在您的管辖范围内" in result.problems[0].message


def test_read_only_roles_may_not_import(tmp_path, make_user):
    path = write_xlsx(tmp_path / "a.xlsx", family("H001"))
    for role, region in (("city", CITY), ("viewer", BAOFENG)):
        with pytest.raises(Forbidden):
            household_import(user=make_user(role, region), file=path, dry_run=True)


def test_imports_by_a_user_are_recorded_with_that_user(tmp_path, make_user):
    user = make_user("county", BAOFENG)
    path = write_xlsx(tmp_path / "a.xlsx", family("H001"))
    assert household_import(user=user, file=path, dry_run=False).ok
    assert {h.history_user_id for h in Membership.history.all()} == {user.pk}


def test_the_command_prints_problems_and_exits_1_writing_nothing(tmp_path, capsys):
    rows = family("H001")
    rows[1]["姓名"] = ""
    path = write_xlsx(tmp_path / "a.xlsx", rows)
    with pytest.raises(CommandError) as caught:
        call_command("import-households", str(path))
    assert caught.value.returncode == 1
    assert "第3行 姓名:必填项为空" in capsys.readouterr().err
    assert not Household.objects.exists()


def test_the_command_dry_run_and_real_run_print_counts(tmp_path, capsys):
    path = write_xlsx(tmp_path / "a.xlsx", family("H001") + family("H002"))
    call_command("import-households", str(path), "--dry-run")
    assert "将新建 2 户" in capsys.readouterr().out
    assert not Household.objects.exists()
    call_command("import-households", str(path))
    assert "已新建 2 户" in capsys.readouterr().out
    assert Household.objects.count() == 2


def test_the_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError) as caught:
        call_command("import-households", str(tmp_path / "nope.xlsx"))
    assert caught.value.returncode == 1


def test_an_uploaded_file_from_the_web_form_is_accepted(tmp_path, make_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    path = write_xlsx(tmp_path / "a.xlsx", family("H001"))
    upload = SimpleUploadedFile("农户.xlsx", path.read_bytes())
    result = household_import(user=make_user("village", V), file=upload, dry_run=False)
    assert result.ok and result.created == 1


def test_a_rejected_head_row_is_not_also_reported_as_a_missing_head(tmp_path):
    rows = family("H001")
    rows[0]["身份证号"] = rows[0]["身份证号"][:17] + (
        "1" if rows[0]["身份证号"][17] != "1" else "2"
    )
    result = household_import(user=None, file=write_xlsx(tmp_path / "a.xlsx", rows), dry_run=True)
    assert problems_of(result) == [(2, "身份证号")]
