"""Stored files served as downloads, never as pages of the site.

An uploaded file is opened by other users (a county user reads what a village attached). It
comes back with `Content-Disposition: attachment`, the content type of what it really is
(only the document and image types the gate accepts; anything else, such as an HTML file
stored before the gate existed, as `application/octet-stream`), `nosniff`, and a
`Content-Security-Policy: sandbox` so that even a browser that renders it gives it no
origin, no script and no forms.
"""

from __future__ import annotations

import re
import unicodedata
from typing import IO
from urllib.parse import quote

from django.http import FileResponse, HttpResponse

from .kinds import ATTACHMENT
from .sniff import CONTENT_TYPES, ZipTooLarge, sniff

FALLBACK_NAME = "download"
XLSX = CONTENT_TYPES["xlsx"]
_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9._()\-+ ]")


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the RFC 5987 UTF-8 name."""
    name = "".join(c for c in filename if unicodedata.category(c)[0] != "C")
    name = name.replace("/", "_").replace("\\", "_").strip(" .") or FALLBACK_NAME
    ascii_name = _UNSAFE_ASCII.sub("_", unicodedata.normalize("NFKD", name)).strip(" .")
    if not any(c.isalnum() for c in ascii_name.rsplit(".", 1)[0]):
        ascii_name = FALLBACK_NAME + "".join(c for c in name[name.rfind(".") :] if c.isascii())
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def served_type(fh: IO[bytes]) -> str:
    """The content type a stored file is served as: its sniffed type if the gate accepts it
    for attachments, else application/octet-stream (never text/html or image/svg+xml)."""
    try:
        kind = sniff(fh)
    except ZipTooLarge:
        kind = None
    finally:
        fh.seek(0)
    if kind is None or kind not in ATTACHMENT.types:
        return "application/octet-stream"
    return CONTENT_TYPES.get(kind, "application/octet-stream")


def file_download(fh: IO[bytes], *, filename: str) -> FileResponse:
    """A stored file as a download with the safe headers."""
    response = FileResponse(fh, content_type=served_type(fh))
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


def bytes_download(content: bytes, filename: str, content_type: str = XLSX) -> HttpResponse:
    """A file the system made itself (an Excel export, a PDF bulletin) as a download."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    return response
