"""Importing households from Excel in the browser: check first, then confirm."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from fangpin.accounts.models import User
from fangpin.registry.importing import HEADERS
from fangpin.registry.models import Household, Person
from tests.conftest import BAOFENG, BAOFENG_VILLAGE, YEXIAN_VILLAGE
from tests.registry.helpers import make_household, new_id

pytestmark = pytest.mark.django_db

IMPORT = reverse("registry:import")
CONFIRM = reverse("registry:import_confirm")


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def xlsx(rows: list[list[Any]], name: str = "农户.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(HEADERS))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def person_row(number: str, name: str, id_number: Any, relation: str) -> list[Any]:
    return [
        number,
        BAOFENG_VILLAGE,
        name,
        id_number,
        relation,
        "是",
        "健康",
        "",
        "",
        "",
        "",
        "",
        "",
    ]


@pytest.fixture
def browser(make_user: Callable[..., User]) -> Callable[..., Client]:
    def make(role: str, region: str, username: str | None = None) -> Client:
        user = make_user(role, region, username)
        client = Client()
        client.force_login(user)
        return client

    return make


def good_file() -> SimpleUploadedFile:
    return xlsx(
        [
            person_row("4104211012019001", "马春生", new_id(), "户主"),
            person_row("4104211012019001", "马小燕", new_id(male=False), "之女"),
            person_row("4104211012019002", "牛德旺", new_id(), "户主"),
        ]
    )


def test_dry_run_of_a_bad_file_shows_the_problem_table_and_writes_nothing(
    browser: Callable[..., Client], media: Path
) -> None:
    bad = xlsx(
        [
            person_row("4104211012019001", "马春生", new_id(), "户主"),
            person_row("4104211012019001", "马小燕", new_id(male=False), "户主"),
            person_row("4104211012019002", "牛德旺", 410421195001011234, "户主"),
            person_row("4104211012019003", "", new_id(), "户主"),
        ]
    )

    page = browser("village", BAOFENG_VILLAGE).post(IMPORT, {"file": bad})

    html = page.content.decode()
    assert page.status_code == 200
    assert "<th>行</th><th>列</th><th>说明</th>" in html
    assert "身份证号被存成了数字" in html
    assert "一户必须有且只有一名户主" in html
    assert "必填项为空" in html
    assert 'name="token"' not in html
    assert not Household.objects.exists() and not Person.objects.exists()
    assert not list((media / "imports").glob("*.xlsx"))  # a bad file is not kept


def test_a_good_file_is_checked_then_imported_on_confirmation(
    browser: Callable[..., Client], media: Path
) -> None:
    client = browser("village", BAOFENG_VILLAGE)

    checked = client.post(IMPORT, {"file": good_file()})
    html = checked.content.decode()
    token = html.split('name="token" value="', 1)[1].split('"', 1)[0]

    assert "检查通过" in html and "将新建 2 户" in html
    assert not Household.objects.exists()  # the dry run wrote nothing
    assert len(list((media / "imports").glob("*.xlsx"))) == 1

    done = client.post(CONFIRM, {"token": token}, follow=True)

    assert "导入完成" in done.content.decode() and "已新建 2 户" in done.content.decode()
    assert Household.objects.count() == 2
    assert Household.objects.get(number="4104211012019001").member_count == 2
    assert not list((media / "imports").glob("*.xlsx"))


def test_confirmation_is_checked_again_and_writes_nothing_if_the_registry_changed(
    browser: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    client = browser("village", BAOFENG_VILLAGE)
    shared_id = new_id()
    upload = xlsx([person_row("4104211012019001", "马春生", shared_id, "户主")])
    html = client.post(IMPORT, {"file": upload}).content.decode()
    token = html.split('name="token" value="', 1)[1].split('"', 1)[0]
    # Meanwhile the same person is registered in another household.
    clerk = make_user("county", BAOFENG, "clerk")
    from fangpin.registry import services
    from tests.registry.helpers import member

    services.household_create(
        user=clerk,
        village_code=BAOFENG_VILLAGE,
        is_alleviated=False,
        members=[member("户主", id_number=shared_id)],
    )

    page = client.post(CONFIRM, {"token": token})

    assert page.status_code == 400
    assert "已是另一农户" in page.content.decode()
    assert not Household.objects.filter(number="4104211012019001").exists()


def test_another_user_cannot_confirm_someone_elses_upload(
    browser: Callable[..., Client],
) -> None:
    html = browser("village", BAOFENG_VILLAGE).post(IMPORT, {"file": good_file()})
    token = html.content.decode().split('name="token" value="', 1)[1].split('"', 1)[0]

    other = browser("county", BAOFENG)
    page = other.post(CONFIRM, {"token": token}, follow=True)

    assert "上传的文件已失效" in page.content.decode()
    assert not Household.objects.exists()


def test_a_village_outside_the_users_region_is_reported_not_imported(
    browser: Callable[..., Client],
) -> None:
    row = person_row("4104221012019001", "外县人", new_id(), "户主")
    row[1] = YEXIAN_VILLAGE

    html = browser("village", BAOFENG_VILLAGE).post(IMPORT, {"file": xlsx([row])}).content.decode()

    assert "不在您的管辖范围内" in html and 'name="token"' not in html


def test_a_file_that_is_not_excel_is_refused_with_a_message(
    browser: Callable[..., Client],
) -> None:
    junk = SimpleUploadedFile("名单.xlsx", b"this is not a spreadsheet")

    page = browser("village", BAOFENG_VILLAGE).post(IMPORT, {"file": junk})

    assert 'name="token"' not in page.content.decode()
    assert "<td>" in page.content.decode() or page.status_code == 400
    assert not Household.objects.exists()


def test_read_only_roles_may_not_open_the_import_page(browser: Callable[..., Client]) -> None:
    assert browser("viewer", BAOFENG).get(IMPORT).status_code == 403


def test_blank_template_has_the_contract_headers(browser: Callable[..., Client]) -> None:
    response = browser("viewer", BAOFENG).get(reverse("registry:import_template"))

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == list(HEADERS)


def test_export_of_the_region_masks_id_numbers_for_viewers_and_round_trips_for_cadres(
    browser: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    clerk = make_user("county", BAOFENG, "clerk")
    household = make_household(clerk, BAOFENG_VILLAGE, members=2, head_name="鲁大成")
    head_id = household.current_memberships().get(relation="户主").person.id_number

    def exported(client: Client) -> list[list[Any]]:
        response = client.get(reverse("registry:export"))
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        return [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]

    viewer_rows = exported(browser("viewer", BAOFENG))
    village = browser("village", BAOFENG_VILLAGE)
    village_rows = exported(village)

    assert len(viewer_rows) == 2 and head_id not in str(viewer_rows)
    assert head_id in str(village_rows)
    again = SimpleUploadedFile("back.xlsx", village.get(reverse("registry:export")).content)
    html = village.post(IMPORT, {"file": again}).content.decode()
    assert "检查通过" in html and "无变化 1 户" in html
