"""Building registry data for tests through the services, as a user would."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from fangpin.accounts.models import User
from fangpin.core import idcard
from fangpin.registry import services
from fangpin.registry.models import Household

_counter = itertools.count(1)


def new_id(*, birth: dt.date | None = None, male: bool = True, area: str = "410421") -> str:
    """A valid, never-repeated ID number."""
    n = next(_counter)
    birth = birth or dt.date(1950, 1, 1) + dt.timedelta(days=n)
    sequence = (n % 499) * 2 + (1 if male else 0)
    return idcard.make(area, birth, sequence)


def member(relation: str = "户主", **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": extra.pop("name", f"成员{next(_counter)}"),
        "id_number": extra.pop("id_number", None) or new_id(),
        "relation": relation,
    }
    data.update(extra)
    return data


def make_household(
    user: User, village: str, *, members: int = 3, is_alleviated: bool = False, **extra: Any
) -> Household:
    people = [member("户主", name=extra.pop("head_name", "张建国"))]
    relations = ["配偶", "之子", "之女", "之孙子", "之孙女", "之父", "之母"]
    people += [member(relations[i % len(relations)]) for i in range(members - 1)]
    return services.household_create(
        user=user,
        village_code=village,
        is_alleviated=is_alleviated,
        members=people,
        **extra,
    )
