from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fangpin.core.errors import FangpinError
from fangpin.registry.importing import household_import


class Command(BaseCommand):
    help = "从 Excel 导入农户(模板见 CONTRACT §5):fangpin import-households FILE.xlsx [--dry-run]"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="xlsx 文件")
        parser.add_argument("--dry-run", action="store_true", help="只检查,不写入")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件 {path}", returncode=1)
        try:
            result = household_import(user=None, file=path, dry_run=options["dry_run"])
        except FangpinError as exc:
            raise CommandError(exc.detail, returncode=1) from exc
        if result.problems:
            for problem in result.problems:
                self.stderr.write(str(problem))
            shown = ""
            if result.problem_count > len(result.problems):
                shown = f"(以上列出前 {len(result.problems)} 处)"
            raise CommandError(
                f"发现 {result.problem_count} 处问题{shown},未写入任何数据", returncode=1
            )
        prefix = "检查通过(未写入):" if options["dry_run"] else "导入完成:"
        self.stdout.write(prefix + result.summary())
