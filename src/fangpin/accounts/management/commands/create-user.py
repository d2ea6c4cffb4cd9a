from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fangpin.accounts.models import Role
from fangpin.accounts.services import user_create
from fangpin.core.errors import FangpinError


class Command(BaseCommand):
    help = "创建或更新用户:fangpin create-user NAME --role ROLE --region CODE [--password P]"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        # Checked by the service, not argparse: an unknown role is bad input (exit 1,
        # Chinese message), not a usage error.
        parser.add_argument("--role", required=True, help="角色:" + "、".join(Role.values))
        parser.add_argument("--region", required=True, help="区划代码")
        parser.add_argument("--password", default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user, password = user_create(
                username=options["name"],
                role=options["role"],
                region_code=options["region"],
                password=options["password"],
            )
        except FangpinError as exc:
            raise CommandError(exc.detail, returncode=1) from exc
        shown = password if options["password"] is None else "(已按参数设置)"
        self.stdout.write(
            f"用户 {user.username}:角色 {user.get_role_display()},区划 {user.region},密码 {shown}"
        )
