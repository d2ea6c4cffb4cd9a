"""The demo's own secret key: generated once, kept 0600 in the data directory.

Read before Django's settings are (fangpin.cli), so it needs nothing from Django.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from fangpin import datadir

ENV = "FANGPIN_SECRET_KEY"
FILE_NAME = "secret_key"


def data_dir() -> Path:
    """The data directory exactly as the settings work it out."""
    return datadir.data_dir()


def demo_secret_key(directory: Path | None = None) -> str:
    """The key in `<data dir>/secret_key`, made (0600, in a 0700 directory) when missing."""
    directory = directory or data_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = directory / FILE_NAME
    if not path.exists():
        key = secrets.token_urlsafe(50)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(key)
    os.chmod(path, 0o600)
    return path.read_text().strip()


def demo_secret_key_into_environment() -> None:
    """`fangpin demo` without FANGPIN_SECRET_KEY: use (or make) the demo's key."""
    if not os.environ.get(ENV):
        os.environ[ENV] = demo_secret_key()
