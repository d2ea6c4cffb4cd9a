from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fangpin.core.errors import FangpinError
from fangpin.regions.models import canonical_code
from fangpin.regions.services import PROVINCE_CODE, regions_load


class Command(BaseCommand):
    help = (
        "从内置的统计用区划代码加载行政区划(默认平顶山市 4104;--city all 或 --province 41"
        " 加载河南全省)"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--city", default="4104", help="市代码,如 4104;all 表示全省")
        parser.add_argument("--province", default=None, help="省代码 41(410000):加载全省")

    def handle(self, *args: Any, **options: Any) -> None:
        province = options["province"]
        if province is not None and canonical_code(province) != PROVINCE_CODE:
            raise CommandError(f"内置区划数据中没有代码为 {province} 的省", returncode=1)
        city = None if province or options["city"] == "all" else options["city"]
        try:
            count = regions_load(city=city)
        except FangpinError as exc:
            raise CommandError(exc.detail, returncode=1) from exc
        self.stdout.write(f"已加载 {count} 个行政区划")
