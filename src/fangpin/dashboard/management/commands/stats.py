"""`fangpin stats --region CODE [--json]`: the summary of CONTRACT §4."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fangpin.monitoring import clock
from fangpin.regions.models import Region, canonical_code

from ...summary import Summary, SummaryQuery


def render_table(summary: Summary) -> str:
    """The summary as a Chinese plain-text table."""
    pct_h = f"{summary.elimination_rate_households * 100:.2f}%"
    pct_p = f"{summary.elimination_rate_persons * 100:.2f}%"
    lines = [
        f"{summary.region_name}({summary.region})监测帮扶汇总  截至 {summary.as_of:%Y-%m-%d}",
        "",
        f"{'项目':<12}{'户数':>10}{'人数':>10}",
        f"{'纳入监测':<10}{summary.identified_households:>12,}{summary.identified_persons:>12,}",
        f"{'风险消除':<10}{summary.eliminated_households:>12,}{summary.eliminated_persons:>12,}",
        f"{'消除率':<11}{pct_h:>12}{pct_p:>12}",
        "",
        f"逾期未办结:{summary.overdue_cases} 户    待核实预警:{summary.open_warnings} 条",
        "",
        "按监测对象类别(纳入户数 / 人数)",
    ]
    lines += [f"  {b.label}:{b.households:,} 户 / {b.persons:,} 人" for b in summary.by_category]
    lines.append("按风险类型(纳入户数 / 人数)")
    lines += [
        f"  {b.key} {b.label}:{b.households:,} 户 / {b.persons:,} 人" for b in summary.by_risk_type
    ] or ["  (无)"]
    return "\n".join(lines)


class Command(BaseCommand):
    help = "输出某区划的监测帮扶汇总:fangpin stats --region CODE [--json]"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", required=True, help="区划代码,如 410400、410421")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args: Any, **options: Any) -> None:
        code = canonical_code(options["region"])
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise CommandError(f"未知的区划代码:{options['region']}", returncode=1)
        summary = SummaryQuery(region=region, today=clock.today()).calculate()
        if options["json"]:
            self.stdout.write(json.dumps(summary.as_json(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(render_table(summary))
