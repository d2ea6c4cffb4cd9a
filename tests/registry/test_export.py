from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fangpin.core import idcard
from fangpin.registry import services
from fangpin.registry.exporting import household_export
from fangpin.registry.importing import HEADERS, household_import
from fangpin.registry.models import Household, Membership, Person
from tests.conftest import BAOFENG, BAOFENG_TOWN, BAOFENG_VILLAGE, CITY, YEXIAN_VILLAGE
from tests.registry.helpers import make_household, member
from tests.registry.xlsx import read_xlsx

pytestmark = pytest.mark.django_db


def history_rows() -> int:
    return sum(m.history.count() for m in (Household, Person, Membership))


@pytest.fixture
def registry(make_user):
    clerk = make_user("village", BAOFENG_VILLAGE)
    households = [
        make_household(
            clerk,
            BAOFENG_VILLAGE,
            members=4,
            is_alleviated=True,
            phone="13812345678",
            address="周庄村 二组",
        ),
        make_household(clerk, BAOFENG_VILLAGE, members=1, head_name="李 四"),
    ]
    services.member_add(
        user=clerk,
        household_id=households[1].pk,
        member=member(
            "之子",
            health="残疾,长期慢性病",
            disability_grade=2,
            labour="无劳动力",
            education="学龄前儿童",
            school_status="学前教育",
            phone="13900001111",
        ),
    )
    services.member_end(
        user=clerk,
        household_id=households[0].pk,
        person_id=households[0].memberships.get(relation="之子").person_id,
        reason="婚出",
    )
    make_household(make_user("village", YEXIAN_VILLAGE), YEXIAN_VILLAGE)
    return households


def test_export_writes_the_import_template_for_the_region_only(tmp_path, registry):
    path = tmp_path / "out.xlsx"
    rows = household_export(user=None, region=BAOFENG, file=path)
    sheet = read_xlsx(path)
    assert tuple(sheet[0]) == HEADERS
    assert rows == len(sheet) - 1 == 5  # 3 current members + 2, the married-out son is gone
    assert {r[1] for r in sheet[1:]} == {BAOFENG_VILLAGE}
    first = [r for r in sheet[1:] if r[0] == registry[0].number]
    assert first[0][4] == "户主" and first[0][11] == "13812345678"
    assert all(isinstance(r[3], str) and len(r[3]) == 18 for r in sheet[1:])


def test_export_then_import_changes_nothing(tmp_path, registry):
    path = tmp_path / "out.xlsx"
    household_export(user=None, region=BAOFENG_TOWN, file=path)
    before = history_rows()
    result = household_import(user=None, file=path, dry_run=False)
    assert result.ok, result.problems
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert history_rows() == before


def test_a_county_export_round_trips_through_a_county_import(tmp_path, registry, make_user):
    county = make_user("county", BAOFENG)
    path = tmp_path / "out.xlsx"
    household_export(user=county, region=BAOFENG, file=path)
    result = household_import(user=county, file=path, dry_run=False)
    assert result.ok and result.unchanged == 2 and result.updated == 0


def test_roles_without_personal_data_get_masked_id_numbers_and_phones(
    tmp_path, registry, make_user
):
    path = tmp_path / "out.xlsx"
    household_export(user=make_user("viewer", BAOFENG), region=BAOFENG, file=path)
    sheet = read_xlsx(path)
    head = registry[0].memberships.get(relation="户主").person
    assert idcard.mask(head.id_number) in [r[3] for r in sheet[1:]]
    assert head.id_number not in [r[3] for r in sheet[1:]]
    assert "138****5678" in [r[11] for r in sheet[1:]]


def test_export_of_a_foreign_region_is_empty(tmp_path, registry, make_user):
    path = tmp_path / "out.xlsx"
    assert (
        household_export(user=make_user("county", BAOFENG), region=YEXIAN_VILLAGE, file=path) == 0
    )
    assert read_xlsx(path) == [list(HEADERS)]


def test_export_command_writes_the_file(tmp_path, registry, capsys):
    path = tmp_path / "out.xlsx"
    call_command("export-households", str(path), "--region", CITY)
    assert "已导出 8 名成员" in capsys.readouterr().out
    assert len(read_xlsx(path)) == 9


def test_export_command_refuses_an_unknown_region(tmp_path):
    with pytest.raises(CommandError) as caught:
        call_command("export-households", str(tmp_path / "x.xlsx"), "--region", "419999")
    assert caught.value.returncode == 1


def test_export_command_into_a_missing_folder_exits_1_with_a_chinese_message(tmp_path, registry):
    with pytest.raises(CommandError) as caught:
        call_command("export-households", str(tmp_path / "no" / "x.xlsx"), "--region", CITY)
    assert caught.value.returncode == 1
    assert "无法写入文件" in str(caught.value)
