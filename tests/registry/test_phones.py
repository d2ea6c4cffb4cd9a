"""Phone numbers: a mainland mobile or a landline with its area code, or nothing at all."""

from __future__ import annotations

import pytest

from fangpin.core.errors import BadValue
from fangpin.core.phone import clean_phone
from fangpin.registry.importing import household_import
from fangpin.registry.models import Household
from tests.conftest import BAOFENG_VILLAGE
from tests.registry.test_households_api import household_body
from tests.registry.test_import import family
from tests.registry.xlsx import write_xlsx


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("13812345678", "13812345678"),
        ("+86 139 0000 1111", "13900001111"),
        ("138-1234-5678", "13812345678"),
        ("１３８ １２３４ ５６７８", "13812345678"),
        ("0375-6123456", "0375-6123456"),
        ("(0375)6123456", "0375-6123456"),
        ("03756123456", "0375-6123456"),
        ("010-62345678", "010-62345678"),
        ("0375-6123456转8", "0375-6123456-8"),
        ("", ""),
        ("  ", ""),
    ],
)
def test_mobiles_and_landlines_are_kept_in_one_written_form(typed: str, kept: str) -> None:
    assert clean_phone(typed) == kept


@pytest.mark.parametrize(
    "typed", ["1", "12345678901", "6123456", "0375-123", "13812345678x", "无", "1" * 30, "12317"]
)
def test_anything_else_is_refused_naming_the_field(typed: str) -> None:
    with pytest.raises(BadValue) as refused:
        clean_phone(typed, "帮扶责任人电话")
    assert refused.value.detail.startswith("帮扶责任人电话不是有效的电话号码")
    assert refused.value.code == "invalid_phone"


@pytest.mark.django_db
def test_the_api_refuses_a_household_with_a_bad_phone(api_as) -> None:
    client = api_as("village", BAOFENG_VILLAGE)
    response = client.api("POST", "/households", household_body(phone="1234567"))
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_phone"
    assert "联系电话" in response.json()["detail"]
    assert not Household.objects.exists()
    member = household_body()["members"][0] | {"phone": "0375"}
    bad_member = client.api("POST", "/households", household_body(members=[member]))
    assert bad_member.status_code == 400 and bad_member.json()["code"] == "invalid_phone"


@pytest.mark.django_db
def test_the_importer_names_the_row_and_column_of_a_bad_phone(tmp_path) -> None:
    rows = family("H001", 联系电话="138123") + family("H002", 联系电话="0375-6123456")
    result = household_import(user=None, file=write_xlsx(tmp_path / "a.xlsx", rows), dry_run=False)
    assert [(p.row, p.column) for p in result.problems] == [(2, "联系电话")]
    assert "联系电话不是有效的电话号码" in result.problems[0].message
    assert not Household.objects.exists()  # all or nothing
