"""A file's type from its content (magic bytes, a zip's directory, text), never its name."""

from __future__ import annotations

import codecs
import struct
import zipfile
from typing import IO

HEAD_BYTES = 8192
_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22
_MAX_COMMENT = 65535
MAX_DIRECTORY_BYTES = 4 * 1024 * 1024  # a zip's central directory

# The types the gate knows, with the content type a download of each is served as.
CONTENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "ole": "application/octet-stream",  # .doc / .xls (OLE compound file)
    "parquet": "application/vnd.apache.parquet",
    "text": "text/plain",
}
EXTENSIONS: dict[str, str] = {
    "pdf": ".pdf",
    "png": ".png",
    "jpeg": ".jpg",
    "gif": ".gif",
    "webp": ".webp",
    "xlsx": ".xlsx",
    "docx": ".docx",
    "parquet": ".parquet",
    "text": ".txt",
}


class ZipTooLarge(Exception):
    """The zip declares more entries or a larger directory than is ever sensible."""

    def __init__(self, entries: int, directory: int) -> None:
        super().__init__(entries, directory)
        self.entries = entries
        self.directory = directory


def _size(fh: IO[bytes]) -> int:
    fh.seek(0, 2)
    size = fh.tell()
    fh.seek(0)
    return size


def sniff(fh: IO[bytes], *, max_entries: int = 5000) -> str | None:
    """The type of a seekable binary file: one of CONTENT_TYPES' keys, "html", "svg", "zip",
    or None when unknown. Raise ZipTooLarge for a zip whose directory exceeds `max_entries`."""
    size = _size(fh)
    head = fh.read(HEAD_BYTES)
    fh.seek(0)
    if not head:
        return None
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"PAR1") and size >= 12:
        fh.seek(size - 4)
        tail = fh.read(4)
        fh.seek(0)
        return "parquet" if tail == b"PAR1" else None
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(fh, size, max_entries)
    return _text_kind(head, complete=size <= len(head))


def _zip_kind(fh: IO[bytes], size: int, max_entries: int) -> str | None:
    entries, directory = _zip_directory(fh, size)
    if entries > max_entries or directory > MAX_DIRECTORY_BYTES:
        raise ZipTooLarge(entries, directory)
    try:
        with zipfile.ZipFile(fh) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    finally:
        fh.seek(0)
    if "[Content_Types].xml" not in names:
        return "zip"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "word/document.xml" in names:
        return "docx"
    return "zip"


def _zip_directory(fh: IO[bytes], size: int) -> tuple[int, int]:
    """Entries and directory size from the end-of-directory record, before zipfile reads the
    directory (a huge one would cost memory). (0, 0) when there is no such record."""
    start = max(size - _EOCD_SIZE - _MAX_COMMENT, 0)
    fh.seek(start)
    tail = fh.read()
    fh.seek(0)
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < _EOCD_SIZE:
        return 0, 0
    entries, directory = struct.unpack("<H4xI", tail[at + 10 : at + 20])
    locator = start + at - 20  # where a zip64 locator would sit
    if locator >= 0:
        fh.seek(locator)
        zip64 = fh.read(4) == b"PK\x06\x07"
        fh.seek(0)
    else:
        zip64 = False
    if zip64 or entries == 0xFFFF or directory == 0xFFFFFFFF:  # zip64: never needed by our uploads
        return 1 << 30, 1 << 40
    return entries, directory


def _text_kind(head: bytes, *, complete: bool) -> str | None:
    if b"\x00" in head:
        return None
    text = None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = codecs.getincrementaldecoder(encoding)(errors="strict").decode(
                head, final=complete
            )
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        return None
    start = text.lstrip()[:1024].lower()
    if start.startswith("<"):
        # Markup a browser would render: never accepted, never served as such.
        return "svg" if "<svg" in start else "html"
    return "text"
