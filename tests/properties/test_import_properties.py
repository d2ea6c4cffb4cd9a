"""Properties of the household import: a generated valid sheet imports (and again changes
nothing); one corrupted cell is refused naming its row and column, and nothing is written."""

from __future__ import annotations

import datetime as dt
import itertools
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fangpin.core import idcard
from fangpin.registry.importing import household_import
from fangpin.registry.models import Household, Person
from tests.conftest import BAOFENG_VILLAGE
from tests.registry.xlsx import person_row, write_xlsx

pytestmark = pytest.mark.django_db
SLOW = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_serial = itertools.count(1)
NAMES = st.text(alphabet="王李张刘陈杨赵黄周吴建国秀英明华", min_size=2, max_size=4)
OTHERS = ["配偶", "之子", "之女", "之父", "之母"]
# (column, a value that column must refuse)
CORRUPTIONS = [
    ("姓名", ""),
    # openpyxl writes the text as it is; Excel's escape _x0001_ reads back as \x01.
    ("姓名", "张_x0001_三"),
    ("村代码", "41042110120"),
    ("是否脱贫户", "也许"),
    ("与户主关系", "邻居"),
    ("身份证号", "4.10421E+17"),
    ("残疾等级", "9"),
]


@st.composite
def sheets(draw: st.DrawFn) -> list[dict[str, Any]]:
    """One to three households of one to four persons, every person with a fresh ID."""
    rows = []
    for _ in range(draw(st.integers(1, 3))):
        number = f"P{next(_serial):07d}"
        alleviated = draw(st.sampled_from(["是", "否"]))
        size = draw(st.integers(1, 4))
        for i in range(size):
            birth = dt.date(1940, 1, 1) + dt.timedelta(days=draw(st.integers(0, 25_000)))
            number_id = idcard.make("410421", birth, next(_serial) % 1000)
            relation = "户主" if i == 0 else draw(st.sampled_from(OTHERS))
            rows.append(
                person_row(
                    number, BAOFENG_VILLAGE, draw(NAMES), number_id, relation, 是否脱贫户=alleviated
                )
            )
    ids = [r["身份证号"] for r in rows]
    if len(set(ids)) != len(ids):
        # Two draws gave the same birth and sequence: a real duplicate, not this property.
        from hypothesis import reject

        reject()
    return rows


@contextmanager
def rolled_back():
    """Each example starts from the same empty registry."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@SLOW
@given(rows=sheets())
def test_a_generated_valid_sheet_imports_and_a_second_import_changes_nothing(
    tmp_path: Path, rows: list[dict[str, Any]]
) -> None:
    path = write_xlsx(tmp_path / "valid.xlsx", rows)
    households = len({r["户编号"] for r in rows})
    with rolled_back():
        first = household_import(user=None, file=path, dry_run=False)
        assert first.problems == []
        assert (first.created, first.persons_created) == (households, len(rows))
        again = household_import(user=None, file=path, dry_run=False)
        assert again.problems == [] and again.unchanged == households
        assert Person.objects.count() == len(rows)


@SLOW
@given(rows=sheets(), data=st.data())
def test_one_corrupted_cell_is_refused_naming_its_row_and_column_and_nothing_is_written(
    tmp_path: Path, rows: list[dict[str, Any]], data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(rows) - 1))
    column, bad = data.draw(st.sampled_from(CORRUPTIONS))
    rows[index][column] = bad
    path = write_xlsx(tmp_path / "corrupt.xlsx", rows)
    with rolled_back():
        result = household_import(user=None, file=path, dry_run=False)
        assert (index + 2, column) in [(p.row, p.column) for p in result.problems]
        assert not Household.objects.exists() and not Person.objects.exists()
