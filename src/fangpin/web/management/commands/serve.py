from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


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


def serve(*, port: int, out: Any) -> None:
    """Django's server, threaded, without the auto-reloader (it would run everything twice)."""
    # WhiteNoise serves through the finders; an existing STATIC_ROOT just keeps it quiet.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    out.write(f"防贫系统已启动:http://127.0.0.1:{port}/  (按 Ctrl+C 停止)")
    worker = worker_start()
    # SIGTERM ends the server like Ctrl+C does, so the worker is stopped with it.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        call_command(
            "runserver",
            f"127.0.0.1:{port}",
            use_reloader=False,
            use_threading=True,
            skip_checks=True,
        )
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()


def worker_start() -> subprocess.Popen[bytes] | None:
    """The background worker (`fangpin qcluster`) beside the server: without it an uploaded
    batch (202) would stay queued forever. Not needed when jobs run in the request (sync)."""
    if settings.Q_CLUSTER.get("sync"):
        return None
    code = "from fangpin.cli import main; main(['qcluster'])"
    return subprocess.Popen([sys.executable, "-c", code])  # noqa: S603 (fixed arguments)


class Command(BaseCommand):
    help = "启动防贫系统:需要时先迁移数据库、加载行政区划,然后在 127.0.0.1:PORT 提供服务"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000, help="端口(默认 8000)")

    def handle(self, *args: Any, **options: Any) -> None:
        database_prepare(out=self.stdout)
        serve(port=options["port"], out=self.stdout)
