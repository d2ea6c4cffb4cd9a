from __future__ import annotations

import os
import random
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.module_loading import import_string

from fangpin.accounts.models import Role, User
from fangpin.accounts.services import user_create
from fangpin.core.errors import FangpinError
from fangpin.regions.models import Region
from fangpin.regions.services import regions_load
from fangpin.registry.models import Household
from fangpin.registry.seeding import TASK_COUNTIES, registry_seed
from fangpin.web.secret_key import demo_secret_key_into_environment

from .serve import database_prepare, serve

DEMO_PASSWORD = "fangpin2026"  # noqa: S105 - printed on start; demo data only
DEMO_CITY = "410400"  # 平顶山市
DEMO_TOWNSHIP = "410421101"  # 宝丰县周庄镇
DEMO_VILLAGE = "410421101201"  # 周庄镇周庄村
DEMO_RANDOM_SEED = 2026


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    region: str


DEMO_ACCOUNTS = (
    DemoAccount("city", Role.CITY, DEMO_CITY),
    DemoAccount("baofeng", Role.COUNTY, "410421"),  # 宝丰县
    DemoAccount("yexian", Role.COUNTY, "410422"),  # 叶县
    DemoAccount("zhouzhuang", Role.TOWNSHIP, DEMO_TOWNSHIP),
    DemoAccount("zhouzhuangcun", Role.VILLAGE, DEMO_VILLAGE),
    DemoAccount("department", Role.DEPARTMENT, DEMO_CITY),
    DemoAccount("viewer", Role.VIEWER, DEMO_CITY),
)


def demo_accounts_create() -> list[User]:
    """The demo users, one per role; existing ones are left as they are."""
    users = []
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(username=account.username).first()
        if user is None:
            user, _ = user_create(
                username=account.username,
                role=account.role,
                region_code=account.region,
                password=DEMO_PASSWORD,
            )
        users.append(user)
    return users


def demo_registry_seed(*, households: int, out: Any) -> bool:
    """Seed the registry once; more households in the demo village and township, so that
    their users see a realistic list. Returns whether anything was seeded."""
    if Household.objects.exists():
        out.write("农户档案已有数据,保留现有数据,不再生成。")
        return False
    in_village = min(150, households // 4)
    in_township = min(1000, households // 4)
    rest = households - in_village - in_township
    out.write(f"正在生成 {households} 户合成农户档案…")
    for count, regions, seed in (
        (in_village, [DEMO_VILLAGE], DEMO_RANDOM_SEED),
        (in_township, [DEMO_TOWNSHIP], DEMO_RANDOM_SEED + 1),
        (rest, list(TASK_COUNTIES), DEMO_RANDOM_SEED + 2),
    ):
        if count > 0:
            registry_seed(households=count, random_seed=seed, regions=regions, progress=True)
    today = timezone.localdate()
    for path in settings.FANGPIN_DEMO_SEEDERS:
        out.write(f"正在生成演示业务数据:{path}")
        seeder = import_string(path)
        seeder(
            rng=random.Random(f"{DEMO_RANDOM_SEED}:{path}"),
            households=Household.objects.order_by("id"),
            today=today,
        )
    return True


def accounts_table(users: list[User]) -> str:
    regions = {r.code: r for r in Region.objects.filter(code__in={u.region_id for u in users})}
    rows = [("用户名", "密码", "角色", "区划")]
    for user in users:
        region = regions.get(user.region_id or "")
        where = f"{region.full_name}({region.code})" if region else "-"
        rows.append((user.username, DEMO_PASSWORD, user.get_role_display(), where))
    widths = [max(_width(row[i]) for row in rows) for i in range(3)]
    lines = []
    for row in rows:
        cells = [cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row[:3])]
        lines.append("  ".join([*cells, row[3]]))
    return "\n".join(lines)


def _width(text: str) -> int:
    """Columns a string takes in a terminal: CJK characters are two wide."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


class Command(BaseCommand):
    help = (
        "一条命令启动演示:迁移数据库、加载平顶山行政区划、创建演示账号、"
        "首次运行时生成约 2 万户合成档案,然后启动服务。再次运行保留已有数据。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000, help="端口(默认 8000)")
        parser.add_argument("--households", type=int, default=20000, help="首次生成的农户数")
        parser.add_argument("--no-serve", action="store_true", help="只准备数据,不启动服务")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["households"] < 0:
            raise CommandError("农户数不能为负数", returncode=1)
        try:
            database_prepare(out=self.stdout)
            if not Region.objects.filter(code=DEMO_VILLAGE).exists():
                regions_load(city="4104")
            users = demo_accounts_create()
            demo_registry_seed(households=options["households"], out=self.stdout)
        except FangpinError as exc:
            raise CommandError(exc.detail, returncode=1) from exc
        self.stdout.write("")
        self.stdout.write("演示账号(所有账号密码相同):")
        self.stdout.write(accounts_table(users))
        self.stdout.write("")
        if not options["no_serve"]:
            # The demo serves like production (gunicorn), with a key of its own kept 0600 in
            # the data directory (fangpin.cli put it in the environment before the settings).
            demo_secret_key_into_environment()
            settings.SECRET_KEY = os.environ["FANGPIN_SECRET_KEY"]
            serve(port=options["port"], out=self.stdout)
