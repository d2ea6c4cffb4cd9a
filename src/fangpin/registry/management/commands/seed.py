from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fangpin.core.errors import FangpinError
from fangpin.registry.seeding import TASK_COUNTIES, registry_seed


class Command(BaseCommand):
    help = (
        "生成合成农户档案(演示和基准测试用):fangpin seed --households N "
        "[--random-seed S] [--region 410000 | --counties 410421,...] [--processes P]。"
        "每次运行追加 N 户。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--households", type=int, required=True, help="要生成的农户数")
        parser.add_argument("--random-seed", type=int, default=0, help="随机种子(相同种子结果相同)")
        parser.add_argument(
            "--counties",
            default=",".join(TASK_COUNTIES),
            help="区划代码,逗号分隔(县、乡镇或村);默认平顶山市 7 个有巩固任务的县(市、区)",
        )
        parser.add_argument(
            "--region",
            default=None,
            help="区划代码,逗号分隔,任意级别(如 410000 全省、410400 一个市);给出时代替 --counties",
        )
        parser.add_argument(
            "--processes",
            type=int,
            default=None,
            help="生成进程数(默认每个 CPU 核一个;结果只取决于随机种子,与进程数无关)",
        )
        parser.add_argument("--batch-size", type=int, default=None, help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        chosen = options["region"] if options["region"] is not None else options["counties"]
        regions = [c.strip() for c in chosen.split(",") if c.strip()]
        if options["households"] < 0:
            raise CommandError("农户数不能为负数", returncode=1)
        if not regions:
            raise CommandError("请至少给出一个区划代码", returncode=1)
        extra = {"batch_size": options["batch_size"]} if options["batch_size"] else {}
        try:
            result = registry_seed(
                households=options["households"],
                random_seed=options["random_seed"],
                regions=regions,
                progress=True,
                processes=options["processes"],
                **extra,
            )
        except FangpinError as exc:
            raise CommandError(exc.detail, returncode=1) from exc
        rate = result.households / result.seconds if result.seconds else 0.0
        self.stdout.write(
            f"已生成 {result.households} 户、{result.persons} 人,"
            f"用时 {result.seconds:.1f} 秒({rate:,.0f} 户/秒)"
        )
