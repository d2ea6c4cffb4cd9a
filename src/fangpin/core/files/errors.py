"""Refusals of the upload gate: each a BadValue with a stable code and a Chinese message."""

from __future__ import annotations

from typing import Any

from fangpin.core.errors import BadValue


class FileRefused(BadValue):
    """An uploaded file the gate will not let any app read."""

    code = "file_refused"


class FileTooLarge(FileRefused):
    status = 413
    code = "file_too_large"


class FileTypeRefused(FileRefused):
    code = "file_type_not_allowed"


class FileTooComplex(FileRefused):
    """The file's structure (or the work of reading it) exceeds the limits of its kind."""

    code = "file_too_complex"

    def __init__(self, why: str, *, reason: str, **kwargs: Any) -> None:
        super().__init__(f"文件过于复杂,无法安全读取:{why}。请只保留需要的数据后重新上传", **kwargs)
        self.reason = reason


class FileUnreadable(FileRefused):
    """The reader gave up on the file (corrupt, or not what it looked like)."""

    code = "unreadable_file"
