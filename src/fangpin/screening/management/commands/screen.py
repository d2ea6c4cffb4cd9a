"""`fangpin screen FILE --source SOURCE --period YYYY-MM [--engine duckdb|spark]`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from fangpin.core.errors import FangpinError
from fangpin.screening.models import Batch, Source
from fangpin.screening.services import ENGINES, batch_run, batch_upload


class Command(BaseCommand):
    help = "筛查一个部门数据文件(csv、xlsx 或 parquet),生成预警"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        # Checked by batch_upload: an unknown source is bad input (exit 1, Chinese message).
        parser.add_argument("--source", required=True, help="数据来源:" + "、".join(Source.values))
        parser.add_argument("--period", required=True, help="数据期间 YYYY-MM")
        parser.add_argument(
            "--engine", default=None, choices=ENGINES, help="默认为 FANGPIN_SCREENING_ENGINE"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            self.stderr.write(f"文件不存在:{path}")
            sys.exit(1)
        try:
            batch = batch_upload(
                user=None,
                source=options["source"],
                period=options["period"],
                file=path,
                engine=options["engine"],
                enqueue=False,
            )
        except FangpinError as exc:
            self.stderr.write(exc.detail)
            sys.exit(1)
        with tqdm(total=100, desc="筛查", unit="%", file=sys.stderr) as bar:

            def progress(percent: int, stage: str) -> None:
                bar.set_postfix_str(stage)
                bar.update(max(percent - bar.n, 0))

            batch = batch_run(batch_id=batch.pk, on_progress=progress)
            bar.update(100 - bar.n)
        if batch.status != Batch.Status.DONE:
            self.stderr.write(batch.error)
            sys.exit(1)
        self.stdout.write(
            f"批次 {batch.pk}:读取 {batch.rows_read} 行,匹配 {batch.rows_matched},"
            f"未匹配 {batch.rows_unmatched},格式错误 {batch.rows_malformed},"
            f"生成预警 {batch.warnings_made} 条,引擎 {batch.engine},"
            f"耗时 {(batch.duration_ms or 0) / 1000:.1f} 秒"
        )
        for row in batch.malformed_sample[:10]:
            self.stdout.write(f"  第{row['row_no']}条记录:{row['problem']}")
