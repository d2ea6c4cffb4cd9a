from __future__ import annotations

import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from fangpin.web.serving import MISSING_KEY_MESSAGE, secret_key_missing, serve


def database_prepare(*, out: Any, city: str = "4104") -> None:
    """Migrate when needed, load the division tree when there is none, store policy defaults."""
    from fangpin.policy.services import policy_seed
    from fangpin.regions.models import Region
    from fangpin.regions.services import regions_load

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        out.write("正在更新数据库结构(migrate)…")
        call_command("migrate", interactive=False, verbosity=0)
    if not Region.objects.exists():
        out.write("正在加载行政区划…")
        count = regions_load(city=city)
        out.write(f"已加载 {count} 个行政区划")
    policy_seed()


class Command(BaseCommand):
    help = (
        "启动防贫系统:需要时先迁移数据库、加载行政区划,然后用 gunicorn 在 HOST:PORT 提供服务"
        "(--dev 使用 Django 开发服务器);后台任务进程随服务一起启动和停止"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000, help="端口(默认 8000)")
        parser.add_argument("--host", default="127.0.0.1", help="监听地址(默认 127.0.0.1)")
        parser.add_argument("--dev", action="store_true", help="使用 Django 开发服务器(调试用)")

    def handle(self, *args: Any, **options: Any) -> None:
        if secret_key_missing(dev=options["dev"]):
            self.stderr.write(MISSING_KEY_MESSAGE)
            sys.exit(1)
        database_prepare(out=self.stdout)
        serve(port=options["port"], out=self.stdout, dev=options["dev"], host=options["host"])
