"""`fangpin backup` / `fangpin restore`: back up, change the data, restore, and the counts are
those of the backup again (SQLite online backup; pg_dump/pg_restore on PostgreSQL)."""

from __future__ import annotations

import stat

import pytest
from django.core.management import call_command

from fangpin.accounts.models import User
from fangpin.regions.models import Region
from fangpin.registry.models import Household, Person
from fangpin.registry.seeding import registry_seed
from tests.conftest import BAOFENG_VILLAGE


def _counts() -> dict[str, int]:
    return {
        "regions": Region.objects.count(),
        "users": User.objects.count(),
        "households": Household.objects.count(),
        "persons": Person.objects.count(),
    }


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_brings_back_exactly_the_data_it_held(
    reference_data_restored, reference_data, make_user, tmp_path
):
    make_user("village", BAOFENG_VILLAGE)
    registry_seed(households=30, random_seed=7, regions=[BAOFENG_VILLAGE], progress=False)
    before = _counts()
    backup = tmp_path / "fangpin.backup"
    call_command("backup", str(backup))
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600

    registry_seed(households=12, random_seed=8, regions=[BAOFENG_VILLAGE], progress=False)
    make_user("county", "410421")
    changed = _counts()
    assert changed != before

    call_command("restore", str(backup), "--yes")
    assert _counts() == before


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(
    reference_data_restored, reference_data, tmp_path, capsys
):
    before = _counts()
    bogus = tmp_path / "not-a-backup"
    bogus.write_bytes(b"hello, this is not a database")
    with pytest.raises(SystemExit) as exited:
        call_command("restore", str(bogus), "--yes")
    assert exited.value.code == 1
    assert "不是" in capsys.readouterr().err
    assert _counts() == before


def test_restore_needs_an_explicit_yes(tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        call_command("restore", str(tmp_path / "x"))
    assert exited.value.code == 1
    assert "--yes" in capsys.readouterr().err
