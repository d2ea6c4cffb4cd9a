"""What each kind of upload may be: accepted types, sizes, and how much reading it may cost."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

MB = 1024 * 1024
GB = 1024 * MB


@dataclass(frozen=True)
class Limits:
    """The gate's limits for one kind of upload."""

    label: str  # what the file is, in Chinese (messages)
    types: Mapping[str, int]  # sniffed type -> largest size in bytes
    type_message: str
    type_code: str = "file_type_not_allowed"
    # Spreadsheets, checked before parsing from what the zip and the sheets declare.
    check_sheets: bool = True  # an xlsx of this kind will be parsed
    max_rows: int = 1_048_576
    max_columns: int = 16_384
    max_cells: int = 20_000_000
    max_entries: int = 1000  # zip entries (xlsx, docx)
    max_uncompressed: int = 1 * GB  # declared total of the zip's entries
    max_ratio: int = 200  # declared uncompressed / compressed, for entries over 1 MB
    # The reader's child process: address space on top of what its imports take, CPU seconds.
    memory: int = 1 * GB
    seconds: int = 120

    @property
    def max_bytes(self) -> int:
        return max(self.types.values())


# Household import (and any other import of a template spreadsheet).
SPREADSHEET_IMPORT = Limits(
    label="导入文件",
    types={"xlsx": 30 * MB},
    type_message="不是有效的 Excel 文件,请上传 .xlsx 格式的文件",
    type_code="not_excel",
    max_rows=200_000,
    max_columns=64,
    max_cells=3_000_000,
    max_uncompressed=256 * MB,
    memory=1 * GB,
    seconds=120,
)

# Department data batches for screening.
DEPARTMENT_BATCH = Limits(
    label="部门数据文件",
    types={"text": 2 * GB, "parquet": 2 * GB, "xlsx": 100 * MB},  # text: csv
    type_message="不支持的文件类型:请上传 csv、xlsx 或 parquet 文件",
    type_code="unsupported_format",
    max_rows=1_048_576,
    max_columns=256,
    max_cells=20_000_000,
    max_uncompressed=1 * GB,
    memory=3 * GB,
    seconds=600,
)

# Procedure documents and photos filed in the household archive.
ATTACHMENT = Limits(
    label="办理材料",
    types={
        "pdf": 20 * MB,
        "png": 20 * MB,
        "jpeg": 20 * MB,
        "gif": 20 * MB,
        "webp": 20 * MB,
        "docx": 20 * MB,
        "xlsx": 20 * MB,
        "ole": 20 * MB,
        "text": 5 * MB,
    },
    type_message=(
        "只能上传 PDF、图片(JPG、PNG、GIF、WebP)、Word 或 Excel 文档、纯文本文件;"
        "网页(HTML)、SVG 等其他类型的文件不能上传"
    ),
    check_sheets=False,  # filed and downloaded, never parsed
    max_entries=5000,
)
