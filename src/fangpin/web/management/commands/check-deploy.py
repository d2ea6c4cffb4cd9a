from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand

from fangpin.web.deploy_checks import deploy_problems


class Command(BaseCommand):
    help = "检查生产部署的安全设置;发现问题时列出并以状态 1 退出"
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        problems, notes = deploy_problems()
        for note in notes:
            self.stdout.write(f"提示:{note}")
        if problems:
            self.stderr.write(f"部署检查未通过,发现 {len(problems)} 个问题:")
            for number, problem in enumerate(problems, 1):
                self.stderr.write(f"  {number}. {problem}")
            sys.exit(1)
        self.stdout.write("部署检查通过")
