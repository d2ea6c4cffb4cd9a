"""Uploaded files kept between a dry run and its confirmation.

The import page checks a file first (dry run) and imports it only when the person confirms.
The file is kept under MEDIA_ROOT/imports/<token>.xlsx with a small JSON note naming the
user who uploaded it; the confirmation must come from that user, within a day, and the file
is checked again before anything is written (the registry may have changed in between).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from fangpin.core.files import private_file, private_folder

KEEP_FOR = dt.timedelta(hours=24)
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class KeptUpload:
    token: str
    path: Path
    original_name: str
    user_id: int


def _folder() -> Path:
    return private_folder(Path(settings.MEDIA_ROOT) / "imports")


def _note(path: Path) -> Path:
    return path.with_suffix(".json")


def keep(upload: UploadedFile, *, user_id: int) -> KeptUpload:
    """Store an upload for a later confirmation; drop uploads older than a day."""
    forget_stale()
    token = uuid.uuid4().hex
    path = _folder() / f"{token}.xlsx"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    name = Path(upload.name or "upload.xlsx").name
    _note(path).write_text(
        json.dumps({"user": user_id, "name": name, "at": timezone.now().isoformat()}),
        encoding="utf-8",
    )
    private_file(path)
    private_file(_note(path))
    return KeptUpload(token=token, path=path, original_name=name, user_id=user_id)


def find(token: str, *, user_id: int) -> KeptUpload | None:
    """The kept upload for `token` if this user made it and it is not stale."""
    if not _TOKEN.match(token or ""):
        return None
    path = _folder() / f"{token}.xlsx"
    try:
        note = json.loads(_note(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if note.get("user") != user_id or not path.exists():
        return None
    at = dt.datetime.fromisoformat(note["at"])
    if timezone.now() - at > KEEP_FOR:
        forget(path)
        return None
    return KeptUpload(token=token, path=path, original_name=note["name"], user_id=user_id)


def forget(path: Path) -> None:
    path.unlink(missing_ok=True)
    _note(path).unlink(missing_ok=True)


def forget_stale() -> None:
    cutoff = (timezone.now() - KEEP_FOR).timestamp()
    for path in _folder().glob("*.xlsx"):
        try:
            if path.stat().st_mtime < cutoff:
                forget(path)
        except OSError:
            continue
