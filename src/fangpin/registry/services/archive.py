"""Attaching documents to a household's archive (户档)."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import IO, TYPE_CHECKING, Any

from django.core.files.base import File
from django.db import transaction

from fangpin.core import files
from fangpin.core.errors import BadValue

from ..models import ArchiveDocument
from .common import _save, _writable_household

if TYPE_CHECKING:
    from fangpin.accounts.models import User


ARCHIVE_MAX_BYTES = files.ATTACHMENT.max_bytes
_OLE_SUFFIXES = {".doc", ".xls", ".ppt"}


def stored_name(name: str, admitted: files.Admitted) -> str:
    """The name the file is stored under: the uploaded stem, the extension of its real type."""
    path = PurePosixPath(name.replace("\\", "/").rsplit("/", 1)[-1] or "document")
    suffix = admitted.extension
    if admitted.type == "ole":
        suffix = path.suffix.lower() if path.suffix.lower() in _OLE_SUFFIXES else ".bin"
    return f"{path.stem[:80] or 'document'}{suffix}"


@transaction.atomic
def archive_document_add(
    *,
    user: User,
    household_id: int | str,
    kind: str,
    title: str,
    file: IO[bytes] | File[Any],
    filename: str | None = None,
) -> ArchiveDocument:
    """Attach a document (form, consent, photo, certificate) to the household archive."""
    household = _writable_household(user, household_id)
    title = " ".join((title or "").split())
    kind = " ".join((kind or "").split()) or "其他"
    if not title:
        raise BadValue("请填写资料标题", code="empty_title")
    wrapped = file if isinstance(file, File) else File(file, name=filename or "document")
    files.refuse_oversize(getattr(wrapped, "size", None), limits=files.ATTACHMENT)
    admitted = files.admit(wrapped, limits=files.ATTACHMENT)  # type: ignore[arg-type]
    name = filename or getattr(wrapped, "name", None) or "document"
    document = ArchiveDocument(household=household, kind=kind, title=title, uploaded_by=user)
    document.file.save(stored_name(name, admitted), wrapped, save=False)
    _save(document, user)
    return document
