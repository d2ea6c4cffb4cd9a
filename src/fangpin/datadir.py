"""Where the data directory is, the same from whichever folder a command runs.

FANGPIN_DATA_DIR when set; otherwise `var/` of the source checkout the package runs from (the
folder holding Fangpin's pyproject.toml above the package), and for an installed package a
per-user folder: $XDG_DATA_HOME/fangpin (default ~/.local/share/fangpin). Never the working
directory: a command run from another folder must find the same database and keys.
Needs nothing from Django (the CLI reads it before the settings).
"""

from __future__ import annotations

import os
from pathlib import Path

ENV = "FANGPIN_DATA_DIR"
PACKAGE_DIR = Path(__file__).resolve().parent


def checkout_root(package_dir: Path | None = None) -> Path | None:
    """The source checkout holding this package (its pyproject.toml names fangpin), if any."""
    for folder in (package_dir or PACKAGE_DIR).parents:
        project = folder / "pyproject.toml"
        if project.is_file():
            try:
                text = project.read_text(encoding="utf-8")
            except OSError:
                return None
            return folder if 'name = "fangpin"' in text else None
    return None


def user_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "fangpin"


def data_dir() -> Path:
    """The data directory (absolute), as the settings and the CLI both work it out."""
    chosen = os.environ.get(ENV)
    if chosen:
        return Path(chosen).resolve()
    root = checkout_root()
    return (root / "var" if root else user_data_dir()).resolve()
