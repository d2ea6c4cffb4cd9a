"""Jurisdiction: every user sees only their region's subtree.

Region codes are a hierarchy of digits (统计用区划代码): a county's 6 digits begin every
township and village code under it. A subtree is therefore a range of 12-digit village codes,
which an ordinary B-tree index answers on SQLite and PostgreSQL alike (no LIKE, no joins).

Every model that belongs to a place names the path to its village code in `region_field`
(e.g. "village_id", "household__village_id"); `scoped()` is the one place that applies it.
A model reached through a history of links names in `region_current` the lookups that keep
only the current link: a person belongs to the region of their current household, not to
every village they ever lived in.
Selectors call it; nothing else filters by region by hand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Q, QuerySet

from .errors import NotFound

if TYPE_CHECKING:
    from fangpin.accounts.models import User

M = TypeVar("M", bound=Model)

VILLAGE_CODE_LENGTH = 12


def code_range(prefix: str) -> tuple[str, str]:
    """First and last 12-digit village code under a region prefix."""
    return (
        prefix.ljust(VILLAGE_CODE_LENGTH, "0"),
        prefix.ljust(VILLAGE_CODE_LENGTH, "9"),
    )


def region_q(field: str, prefix: str) -> Q:
    low, high = code_range(prefix)
    return Q(**{f"{field}__gte": low, f"{field}__lte": high})


def scoped(qs: QuerySet[M], user: User, *, prefix: str | None = None) -> QuerySet[M]:
    """Limit a queryset to the user's region, and further to `prefix` if given.

    A prefix outside the user's region yields nothing (not an error): the caller cannot
    learn what lies outside.
    """
    field = getattr(qs.model, "region_field", None)
    if field is None:
        raise TypeError(f"{qs.model.__name__} has no region_field; it cannot be scoped")
    own = user.region_prefix
    if own is None:
        return qs.none()
    where = region_q(field, own)
    if prefix:
        if not (prefix.startswith(own) or own.startswith(prefix)):
            return qs.none()
        where &= region_q(field, prefix)
    # One filter() call, so that a path through a to-many relation (a person's memberships)
    # is tested on one and the same row, together with the model's `region_current`.
    return qs.filter(where, **getattr(qs.model, "region_current", {}))


def get_scoped(qs: QuerySet[M], user: User, **lookup: Any) -> M:
    """Fetch one object inside the user's region, or raise NotFound (missing == forbidden)."""
    try:
        return scoped(qs, user).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def covers(user: User, village_code: str) -> bool:
    own = user.region_prefix
    return own is not None and village_code.startswith(own)
