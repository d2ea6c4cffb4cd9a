from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook

from fangpin.core import idcard
from fangpin.registry.importing import HEADERS, household_import
from fangpin.registry.models import Household, Membership, Person
from tests.conftest import BAOFENG_VILLAGE

pytestmark = pytest.mark.django_db

ROWS = 50_000
FAMILY = ("户主", "配偶", "之子", "之女")


def test_a_50000_row_file_imports_completely(tmp_path):
    book = Workbook(write_only=True)
    sheet = book.create_sheet("农户信息")
    sheet.append(list(HEADERS))
    base = dt.date(1950, 1, 1)
    for n in range(ROWS):
        number = f"{BAOFENG_VILLAGE}{n // len(FAMILY):05d}"
        id_number = idcard.make("410421", base + dt.timedelta(days=n % 20_000), n // 20_000 * 2 + 1)
        relation = FAMILY[n % len(FAMILY)]
        sheet.append(
            [
                number,
                BAOFENG_VILLAGE,
                f"村民{n}",
                id_number,
                relation,
                "否",
                "健康",
                "普通劳动力",
                "初中",
                "非在校生",
                None,
                None,
                "周庄村",
            ]
        )
    path = tmp_path / "big.xlsx"
    book.save(path)

    result = household_import(user=None, file=path, dry_run=False)

    assert result.problems == []
    assert result.rows == ROWS
    assert result.created == ROWS // len(FAMILY)
    assert Person.objects.count() == ROWS
    assert Membership.objects.filter(ended_on__isnull=True).count() == ROWS
    assert set(Household.objects.values_list("member_count", flat=True)) == {len(FAMILY)}
    assert Person.history.count() == ROWS
