"""Building village-board data for tests through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fangpin.accounts.models import User
from fangpin.regions.models import Level, Region
from fangpin.villages.board import services
from fangpin.villages.models import Problem


def villages_of(township: str) -> list[str]:
    return list(
        Region.objects.filter(parent_id=township, level=Level.VILLAGE)
        .order_by("code")
        .values_list("code", flat=True)
    )


def make_problem(user: User, village: str, **extra: Any) -> Problem:
    values: dict[str, Any] = {
        "type": "housing",
        "description": "房屋墙体开裂",
        "responsible_unit": "县住建局",
        "deadline": dt.date.today() + dt.timedelta(days=30),
    }
    values.update(extra)
    return services.problem_create(user=user, village_code=village, **values)
