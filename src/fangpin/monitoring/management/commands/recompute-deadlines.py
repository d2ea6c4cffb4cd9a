"""`fangpin recompute-deadlines`: redo provisional deadlines once the holiday calendar knows
the new year (after upgrading `chinesecalendar`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from fangpin.core.deadlines import last_known_year
from fangpin.monitoring.services import deadlines_recompute


class Command(BaseCommand):
    help = "按最新节假日安排重新计算暂定的纳入监测时限"

    def handle(self, *args: Any, **options: Any) -> None:
        changed = deadlines_recompute()
        self.stdout.write(
            f"节假日数据已知至 {last_known_year()} 年;重新计算后变更了 {changed} 条时限。"
        )
