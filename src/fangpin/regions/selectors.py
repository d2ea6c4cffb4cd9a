from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet

from fangpin.accounts.models import User
from fangpin.core.scoping import get_scoped, scoped

from .models import Region, canonical_code

M = TypeVar("M", bound=Model)


def region_get(*, user: User, code: str) -> Region:
    return get_scoped(Region.objects.select_related("parent"), user, code=canonical_code(code))


def region_children(*, user: User, code: str) -> QuerySet[Region]:
    region = region_get(user=user, code=code)
    return scoped(Region.objects.filter(parent=region), user).order_by("code")


def regions_visible(*, user: User, level: str | None = None) -> QuerySet[Region]:
    qs = scoped(Region.objects.all(), user)
    return qs.filter(level=level) if level else qs


def region_prefix(code: str | None) -> str | None:
    """The digit prefix of a region code given in any accepted form; None when unknown."""
    if not code:
        return None
    return Region.objects.filter(code=canonical_code(code)).values_list("prefix", flat=True).first()


def scoped_in_region(qs: QuerySet[M], user: User, region: str | None) -> QuerySet[M]:
    """Scope to the user's region and, when `region` is given, to that sub-region.

    An unknown region, or one outside the user's own, yields an empty result (as a list
    filter should), never an error that would tell what exists elsewhere.
    """
    if not region:
        return scoped(qs, user)
    prefix = region_prefix(region)
    if prefix is None:
        return qs.none()
    return scoped(qs, user, prefix=prefix)


def region_columns(*, above: str, villages: list[str]) -> dict[str, list[str]]:
    """For each village code, the names of its county, township and village below the
    region whose prefix is `above` (a city user sees three, a county user two, a township
    user one): the region columns of a list. One query for a whole page."""
    from .models import PREFIX_LENGTH

    lengths = [n for n in sorted(set(PREFIX_LENGTH.values())) if n > len(above)]
    wanted = {code[:n] for code in villages for n in lengths}
    names = dict(Region.objects.filter(prefix__in=wanted).values_list("prefix", "name"))
    return {code: [names.get(code[:n], "") for n in lengths] for code in villages}
