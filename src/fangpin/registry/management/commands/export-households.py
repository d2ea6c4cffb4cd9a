from __future__ import annotations

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
        try:
            rows = household_export(user=None, region=options["region"], file=options["file"])
        except FangpinError as exc:
            raise CommandError(exc.detail, returncode=1) from exc
        self.stdout.write(f"已导出 {rows} 名成员到 {options['file']}")
