"""Reads for screening: batches and warnings, always through the jurisdiction scoping."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from fangpin.accounts.models import Role, User
from fangpin.core.errors import BadValue
from fangpin.core.scoping import get_scoped, scoped
from fangpin.regions.selectors import scoped_in_region

from .models import Batch, Warning


def _own(qs: QuerySet[Batch], user: User) -> QuerySet[Batch]:
    """A department reads its own uploads only (CONTRACT §3); others, their region's."""
    return qs.filter(uploaded_by=user) if user.role == Role.DEPARTMENT else qs


def batch_list(*, user: User) -> QuerySet[Batch]:
    return _own(scoped(Batch.objects.select_related("region", "uploaded_by"), user), user)


def batch_get(*, user: User, batch_id: int) -> Batch:
    return get_scoped(_own(Batch.objects.select_related("region"), user), user, pk=batch_id)


# The warning list's order; indexes warning_deadline_id and warning_status_deadline_id
# follow it.
WARNING_ORDER = ("deadline", "id")


def warning_list(
    *,
    user: User,
    region: str | None = None,
    status: str | None = None,
    overdue: bool | None = None,
    today: dt.date | None = None,
    batch: int | None = None,
) -> QuerySet[Warning]:
    if status and status not in Warning.Status.values:
        raise BadValue(f"未知的预警状态:{status}", code="invalid_status")
    if region and not region.isdigit():
        raise BadValue("区划代码应为数字", code="invalid_region")
    if batch is not None and not 0 < batch < 2**63:
        raise BadValue("批次编号无效", code="invalid_batch")
    qs = scoped_in_region(
        Warning.objects.select_related("household__village", "person", "batch"), user, region
    )
    if status:
        qs = qs.filter(status=status)
    if batch is not None:
        qs = qs.filter(batch_id=batch)
    if overdue is not None:
        day = today or timezone.localdate()
        late = Q(status=Warning.Status.OPEN, deadline__lt=day)
        qs = qs.filter(late) if overdue else qs.exclude(late)
    return qs


def warning_get(*, user: User, warning_id: int) -> Warning:
    return get_scoped(
        Warning.objects.select_related("household__village", "person", "batch"),
        user,
        pk=warning_id,
    )


def is_overdue(warning: Warning, today: dt.date | None = None) -> bool:
    day = today or timezone.localdate()
    return warning.status == Warning.Status.OPEN and warning.deadline < day


def open_warning_count(*, user: User, region: str | None = None) -> int:
    return warning_list(user=user, region=region, status=Warning.Status.OPEN).count()
