"""The one gate every upload passes before any app reads it.

`admit` checks size, type by content (never by name) and, for a spreadsheet that will be
parsed, its declared structure. `read_sheet` and `sheet_to_parquet` then parse it in a child
process with a memory limit (`bounded`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from . import bounded
from .errors import FileTooComplex, FileTooLarge, FileTypeRefused
from .kinds import MB, Limits
from .sniff import CONTENT_TYPES, EXTENSIONS, ZipTooLarge, sniff
from .xlsx import check_xlsx


@dataclass(frozen=True)
class Admitted:
    """What the gate found a file to be."""

    type: str
    size: int
    content_type: str
    extension: str


def _too_large(limits: Limits, limit: int) -> FileTooLarge:
    return FileTooLarge(f"文件过大:{limits.label}不能超过 {limit // MB} MB")


def _measure(fh: IO[bytes]) -> int:
    fh.seek(0, 2)
    size = fh.tell()
    fh.seek(0)
    return size


def refuse_oversize(size: int | None, *, limits: Limits) -> None:
    """Refuse an upload by its size alone, before it is copied anywhere."""
    if size is not None and size > limits.max_bytes:
        raise _too_large(limits, limits.max_bytes)


def admit(fh: IO[bytes], *, limits: Limits) -> Admitted:
    """Let a seekable binary file through, or raise FileRefused saying why not."""
    size = _measure(fh)
    refuse_oversize(size, limits=limits)
    try:
        kind = sniff(fh, max_entries=limits.max_entries)
    except ZipTooLarge as big:
        raise FileTooComplex(f"压缩包内有 {big.entries} 个条目", reason="entries") from None
    finally:
        fh.seek(0)
    if kind is None or kind not in limits.types:
        raise FileTypeRefused(limits.type_message, code=limits.type_code)
    if size > limits.types[kind]:
        raise _too_large(limits, limits.types[kind])
    if kind == "xlsx" and limits.check_sheets:
        check_xlsx(fh, limits)
        fh.seek(0)
    return Admitted(
        type=kind,
        size=size,
        content_type=CONTENT_TYPES.get(kind, "application/octet-stream"),
        extension=EXTENSIONS.get(kind, ""),
    )


def admit_path(path: Path, *, limits: Limits) -> Admitted:
    with path.open("rb") as fh:
        return admit(fh, limits=limits)


@contextmanager
def on_disk(source: str | Path | IO[bytes] | bytes, *, limits: Limits) -> Iterator[Path]:
    """The source as a file on disk (the reader's child opens it by name); a stream is copied
    to a temporary file, never more than the kind's largest size."""
    if isinstance(source, str | Path):
        yield Path(source)
        return
    temporary = getattr(source, "temporary_file_path", None)
    if callable(temporary):
        yield Path(temporary())
        return
    with tempfile.TemporaryDirectory(prefix="fangpin-upload-") as folder:
        path = Path(folder) / "upload"
        with path.open("wb") as out:
            if isinstance(source, bytes):
                refuse_oversize(len(source), limits=limits)
                out.write(source)
            else:
                if hasattr(source, "seek"):
                    source.seek(0)
                _copy_capped(source, out, limits)
        yield path


def _copy_capped(source: IO[bytes], out: IO[bytes], limits: Limits) -> None:
    written = 0
    while chunk := source.read(1 << 20):
        written += len(chunk)
        if written > limits.max_bytes:
            raise _too_large(limits, limits.max_bytes)
        out.write(chunk)


def read_sheet(path: Path, *, limits: Limits, nrows: int | None = None) -> list[list[Any]]:
    """The first sheet's rows (row i is Excel row i+1, padded from A1), read in the child."""
    rows: list[list[Any]] = bounded.run("rows", limits=limits, path=str(path), nrows=nrows)
    return rows


def sheet_to_parquet(path: Path, dest: Path, *, columns: dict[str, int], limits: Limits) -> int:
    """Rows 2.. of the first sheet as Parquet of text cells (row_no, r_<name>), in the child."""
    count: int = bounded.run(
        "parquet", limits=limits, path=str(path), dest=str(dest), columns=columns
    )
    return count
