"""The data directory does not follow the working directory: a `fangpin` command run from
another folder finds the same database (and keys) as one run from the project root."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from fangpin import datadir

from .conftest import SECRET, SRC

PROJECT = SRC.parent


def _checkout(root: Path) -> Path:
    """A copy of the source checkout (pyproject.toml above src/fangpin), without its data."""
    root.mkdir()
    shutil.copy(PROJECT / "pyproject.toml", root / "pyproject.toml")
    shutil.copytree(
        SRC / "fangpin", root / "src" / "fangpin", ignore=shutil.ignore_patterns("__pycache__")
    )
    return root


def _fangpin(checkout: Path, cwd: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "FANGPIN_"))}
    env.update(
        PYTHONPATH=str(checkout / "src"),
        HOME=str(home),
        FANGPIN_SECRET_KEY=SECRET,
        DJANGO_SETTINGS_MODULE="fangpin.settings",
    )
    env.pop("XDG_DATA_HOME", None)
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "fangpin.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_a_command_run_from_another_folder_uses_the_checkouts_data(tmp_path: Path) -> None:
    checkout = _checkout(tmp_path / "checkout")
    home, elsewhere = tmp_path / "home", tmp_path / "elsewhere"
    home.mkdir()
    elsewhere.mkdir()
    migrated = _fangpin(checkout, checkout, home, "migrate", "--verbosity", "0")
    assert migrated.returncode == 0, migrated.stderr
    made = _fangpin(checkout, elsewhere, home, "seed", "--households", "3", "--counties", "410421")
    assert made.returncode == 0, made.stderr
    out = _fangpin(
        checkout, elsewhere, home, "export-households", "农户.xlsx", "--region", "410421"
    )
    assert out.returncode == 0, out.stderr
    sheet = load_workbook(elsewhere / "农户.xlsx").active
    assert sheet is not None and sheet.max_row > 3  # the households seeded from the root
    assert (checkout / "var" / "fangpin.sqlite3").is_file()
    assert not (elsewhere / "var").exists()  # nothing made in the working directory
    assert not (home / ".local").exists()


def test_the_data_directory_is_the_checkouts_var_then_a_per_user_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(datadir.ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert datadir.data_dir() == PROJECT / "var"  # this checkout, not the working directory
    installed = tmp_path / "site-packages" / "fangpin"
    installed.mkdir(parents=True)
    monkeypatch.setattr(datadir, "PACKAGE_DIR", installed)
    monkeypatch.setenv("HOME", str(tmp_path / "someone"))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    assert datadir.data_dir() == tmp_path / "someone" / ".local" / "share" / "fangpin"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert datadir.data_dir() == tmp_path / "xdg" / "fangpin"
    monkeypatch.setenv(datadir.ENV, "relative-data")
    assert datadir.data_dir() == tmp_path / "relative-data"  # made absolute once, at start
