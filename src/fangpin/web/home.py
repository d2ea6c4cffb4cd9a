"""What the home page shows for the user's region."""

from __future__ import annotations

from typing import Any

from fangpin.accounts.models import User
from fangpin.core.scoping import scoped
from fangpin.registry.models import Household


def home_context(user: User) -> dict[str, Any]:
    households = scoped(Household.objects.all(), user)
    return {
        "region": user.region,
        "household_count": households.count(),
        "alleviated_count": households.filter(is_alleviated=True).count(),
    }
