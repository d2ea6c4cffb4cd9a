from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fangpin.core.errors import FangpinError
from fangpin.web.backup import database_restore


class Command(BaseCommand):
    help = "用备份文件替换整个数据库(请先停止服务);需要 --yes 确认"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="由 fangpin backup 生成的备份文件")
        parser.add_argument("--yes", action="store_true", help="确认覆盖当前数据库")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            self.stderr.write(
                "恢复会覆盖当前数据库的全部数据。请先停止服务,确认后加 --yes 重新运行。"
            )
            sys.exit(1)
        try:
            database_restore(options["file"])
        except FangpinError as exc:
            self.stderr.write(exc.detail)
            sys.exit(1)
        self.stdout.write(f"已从 {options['file']} 恢复数据库")
