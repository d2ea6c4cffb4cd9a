"""ID numbers at rest: nowhere in clear in the database or the Parquet registry export, yet
found exactly by search, by the importer's checks and by screening; useless without the key."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from django.db import connection
from django_q.conf import Conf

from fangpin.core import idcard
from fangpin.core.idcrypt import IdKeyMismatch
from fangpin.registry.importing import household_import
from fangpin.registry.importing.constants import MSG_DUPLICATE, MSG_IN_OTHER
from fangpin.registry.models import Household, Person
from fangpin.registry.selectors import household_list, person_current_membership
from fangpin.screening.export import registry_dir, registry_export
from fangpin.screening.services import batch_upload
from tests.conftest import BAOFENG, BAOFENG_VILLAGE
from tests.registry.xlsx import person_row, write_xlsx
from tests.screening.conftest import english_header, write_csv

pytestmark = pytest.mark.django_db
OTHER_KEY = "ab" * 32


def _number(day: int, sequence: int) -> str:
    return idcard.make("410421", dt.date(1961, 5, day), sequence)


def _forms(number: str) -> set[str]:
    """The spellings of a number that must not be stored: 18 digits, and the old 15."""
    return {number, number[:6] + number[8:17], number.lower()}


def _database_text() -> Iterator[tuple[str, str]]:
    """(table, value) for every non-empty value of every table, as text."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        yield table, bytes(value).decode("latin-1")
                    elif value is not None:
                        yield table, str(value)


def _registry_export_text() -> tuple[bytes, list[str]]:
    """The export's files as raw bytes, and every value they hold decoded."""
    raw = b""
    values: list[str] = []
    for path in sorted(registry_dir().iterdir()):
        raw += path.read_bytes()
        if path.suffix == ".parquet":
            for column in pq.read_table(path).columns:
                values += [str(v) for v in column.to_pylist()]
    return raw, values


@pytest.fixture
def sandbox(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    settings.FANGPIN_SCREENING_DIR = tmp_path / "screening"
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(Conf, "SYNC", True)
    return tmp_path


@pytest.fixture
def registered(api_as: Any, sandbox: Path) -> dict[str, str]:
    """Households made through the API (one number typed in its 15-digit form) and the
    importer; a member's record then edited, so the history tables hold rows too."""
    numbers = {
        "api_head": _number(1, 11),
        "api_spouse": _number(2, 22),
        "import_head": _number(3, 33),
        "import_son": _number(4, 44),
    }
    client = api_as("village", BAOFENG_VILLAGE)
    spouse = numbers["api_spouse"]
    response = client.api(
        "POST",
        "/households",
        {
            "village_code": BAOFENG_VILLAGE,
            "is_alleviated": True,
            "members": [
                {"name": "王大山", "id_number": numbers["api_head"], "relation": "户主"},
                {"name": "李秀英", "id_number": spouse[:6] + spouse[8:17], "relation": "配偶"},
            ],
        },
    )
    assert response.status_code == 201
    rows = [
        person_row("H001", BAOFENG_VILLAGE, "赵守业", numbers["import_head"], "户主"),
        person_row("H001", BAOFENG_VILLAGE, "赵小宝", numbers["import_son"], "之子"),
    ]
    result = household_import(user=None, file=write_xlsx(sandbox / "a.xlsx", rows), dry_run=False)
    assert result.ok and result.persons_created == 2
    rows[1]["健康状况"] = "长期慢性病"
    again = household_import(user=None, file=write_xlsx(sandbox / "b.xlsx", rows), dry_run=False)
    assert again.ok and again.updated == 1
    return numbers


def test_no_plain_id_number_is_stored_in_the_database_or_the_registry_export(registered):
    registry_export()
    forbidden = set().union(*(_forms(n) for n in registered.values()))
    found = [(t, v) for t, v in _database_text() if any(f in v for f in forbidden)]
    assert found == []
    raw, values = _registry_export_text()
    assert values  # the export holds the four persons
    assert not [f for f in forbidden if f.encode() in raw]
    assert not [v for v in values if any(f in v for f in forbidden)]
    # The history tables hold the edits, encrypted like the rows themselves.
    son = Person.objects.with_id_number(registered["import_son"]).get()
    assert son.history.count() == 2  # type: ignore[attr-defined]
    assert {h.id_number for h in son.history.all()} == {registered["import_son"]}  # type: ignore[attr-defined]


def test_the_app_still_reads_and_finds_persons_by_their_exact_id_number(registered, make_user):
    county = make_user("county", BAOFENG)
    spouse = registered["api_spouse"]
    person = Person.objects.with_id_number(spouse[:6] + spouse[8:17]).get()
    assert person.id_number == spouse and person.name == "李秀英"
    assert person.birth_date == dt.date(1961, 5, 2)
    found = household_list(user=county, q=f" {registered['import_son'].lower()} ")
    assert [h.number for h in found] == ["H001"]
    assert [h.head_name for h in household_list(user=county, q=spouse)] == ["王大山"]
    # Only the whole number is found (a hash cannot match part of one).
    assert not household_list(user=county, q=spouse[:14]).exists()
    membership = person_current_membership(user=county, id_number=registered["import_head"])
    assert membership is not None and membership.household.number == "H001"


def test_the_same_person_is_still_caught_twice_and_in_another_household(registered, sandbox):
    rows = [
        person_row("H002", BAOFENG_VILLAGE, "钱有福", _number(5, 55), "户主"),
        person_row("H002", BAOFENG_VILLAGE, "钱多多", _number(6, 66), "之女"),
        person_row("H002", BAOFENG_VILLAGE, "钱多多", _number(6, 66), "之女"),
    ]
    twice = household_import(user=None, file=write_xlsx(sandbox / "c.xlsx", rows), dry_run=True)
    assert [(p.row, p.column, p.message) for p in twice.problems] == [
        (4, "身份证号", MSG_DUPLICATE.format(row=3))
    ]
    moved = [
        *rows[:1],
        person_row("H002", BAOFENG_VILLAGE, "李秀英", registered["api_spouse"], "配偶"),
    ]
    other = household_import(user=None, file=write_xlsx(sandbox / "m.xlsx", moved), dry_run=True)
    assert [(p.row, p.column) for p in other.problems] == [(3, "身份证号")]
    assert other.problems[0].message.startswith(MSG_IN_OTHER.split("{")[0])
    again = household_import(
        user=None, file=write_xlsx(sandbox / "d.xlsx", rows[:1]), dry_run=False
    )
    assert again.ok
    count = Person.objects.count()
    same = [person_row("H003", BAOFENG_VILLAGE, "赵守业", registered["import_head"], "户主")]
    refused = household_import(user=None, file=write_xlsx(sandbox / "e.xlsx", same), dry_run=False)
    assert [(p.row, p.column) for p in refused.problems] == [(2, "身份证号")]
    assert Person.objects.count() == count and not Household.objects.filter(number="H003").exists()


def test_the_api_refuses_a_person_already_in_another_household(registered, api_as):
    client = api_as("village", BAOFENG_VILLAGE)
    head = registered["import_head"]
    response = client.api(
        "POST",
        "/households",
        {
            "village_code": BAOFENG_VILLAGE,
            "is_alleviated": False,
            "members": [{"name": "赵守业", "id_number": head[:6] + head[8:17], "relation": "户主"}],
        },
    )
    assert response.status_code == 409
    assert response.json()["code"] == "person_in_other_household"


def test_screening_matches_department_rows_to_persons_by_the_hashed_number(
    registered, make_user, sandbox, django_capture_on_commit_callbacks
):
    county = make_user("county", BAOFENG)
    head = registered["api_head"]
    son = registered["import_son"]
    rows = [
        [head, "王大山", "2024-03-01", "30000", "5000", "25000", "是"],
        [f" {son[:6] + son[8:17]} ", "赵小宝", "2024-03-02", "100", "50", "50", "否"],
        [_number(7, 77), "外人", "2024-03-03", "100", "50", "50", "否"],
    ]
    path = write_csv(sandbox / "medical.csv", english_header("medical"), rows)
    with django_capture_on_commit_callbacks(execute=True):
        batch = batch_upload(user=county, source="medical", period="2024-03", file=path)
    batch.refresh_from_db()
    assert batch.status == "done"
    assert (batch.rows_matched, batch.rows_unmatched) == (2, 1)
    assert batch.warnings_made >= 1
    # What screening keeps of the batch names persons by id, not by number.
    kept = b"".join(p.read_bytes() for p in sandbox.rglob("matched/*.parquet"))
    assert kept and head.encode() not in kept and son.encode() not in kept


def test_a_wrong_key_cannot_read_the_numbers_and_says_so(registered, settings):
    pk = Person.objects.with_id_number(registered["api_head"]).get().pk
    settings.FANGPIN_ID_KEY = OTHER_KEY
    with pytest.raises(IdKeyMismatch, match="FANGPIN_ID_KEY"):
        Person.objects.get(pk=pk)
    assert not Person.objects.with_id_number(registered["api_head"]).exists()
    assert Person.objects.filter(pk=pk).values_list("name", flat=True).get() == "王大山"


def test_filtering_on_the_encrypted_column_is_refused_rather_than_silently_empty(registered):
    from django.core.exceptions import FieldError

    with pytest.raises(FieldError, match="with_id_number"):
        Person.objects.filter(id_number=registered["api_head"]).exists()
