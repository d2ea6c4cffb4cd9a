from __future__ import annotations

from django.db.models import QuerySet

from fangpin.accounts.models import User
from fangpin.core.scoping import get_scoped, scoped

from .models import Region, canonical_code


def region_get(*, user: User, code: str) -> Region:
    return get_scoped(Region.objects.select_related("parent"), user, code=canonical_code(code))


def region_children(*, user: User, code: str) -> QuerySet[Region]:
    region = region_get(user=user, code=code)
    return scoped(Region.objects.filter(parent=region), user).order_by("code")


def regions_visible(*, user: User, level: str | None = None) -> QuerySet[Region]:
    qs = scoped(Region.objects.all(), user)
    return qs.filter(level=level) if level else qs
