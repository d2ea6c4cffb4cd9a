from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fangpin.core.errors import FangpinError
from fangpin.web.backup import database_backup


class Command(BaseCommand):
    help = "备份整个数据库到文件(SQLite 在线备份;PostgreSQL 用 pg_dump 自定义格式),文件权限 0600"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="备份文件")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            database_backup(options["file"])
        except FangpinError as exc:
            self.stderr.write(exc.detail)
            sys.exit(1)
        self.stdout.write(f"已备份到 {options['file']}")
