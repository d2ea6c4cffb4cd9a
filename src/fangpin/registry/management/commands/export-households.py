from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fangpin.core.errors import FangpinError
from fangpin.registry.exporting import household_export


class Command(BaseCommand):
    help = "按导入模板导出一个区划的农户:fangpin export-households FILE.xlsx --region CODE"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="要写入的 xlsx 文件")
        parser.add_argument("--region", required=True, help="区划代码(市、县、乡镇或村)")

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["file"]).resolve().parent
        if not folder.is_dir():
            raise CommandError(f"无法写入文件 {options['file']}:目录 {folder} 不存在", returncode=1)
        try:
            rows = household_export(user=None, region=options["region"], file=options["file"])
        except FangpinError as exc:
            raise CommandError(exc.detail, returncode=1) from exc
        except OSError as exc:
            raise CommandError(
                f"无法写入文件 {options['file']}:{exc.strerror}", returncode=1
            ) from exc
        self.stdout.write(f"已导出 {rows} 名成员到 {options['file']}")
