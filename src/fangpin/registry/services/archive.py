"""Attaching documents to a household's archive (户档)."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any

from django.core.files.base import File
from django.db import transaction

from fangpin.core.errors import BadValue

from ..models import ArchiveDocument
from .common import _save, _writable_household

if TYPE_CHECKING:
    from fangpin.accounts.models import User


ARCHIVE_MAX_BYTES = 20 * 1024 * 1024


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
    size = getattr(wrapped, "size", None)
    if size is not None and size > ARCHIVE_MAX_BYTES:
        raise BadValue("文件过大(上限 20 MB)", code="file_too_large")
    name = filename or getattr(wrapped, "name", None) or "document"
    document = ArchiveDocument(household=household, kind=kind, title=title, uploaded_by=user)
    document.file.save(name.rsplit("/", 1)[-1], wrapped, save=False)
    _save(document, user)
    return document
