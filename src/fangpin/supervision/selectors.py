"""Reads of supervision, scoped by the user's region (missing == forbidden: 404)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from fangpin.core.errors import BadValue, NotFound
from fangpin.core.scoping import get_scoped, region_q, scoped
from fangpin.monitoring import clock
from fangpin.regions.models import PREFIX_LENGTH, Region, canonical_code

from .error_codes import SupervisionCode
from .models import (
    AssessmentSample,
    FollowUp,
    FollowUpStatus,
    Indicator,
    IndicatorReport,
    Meeting,
    TaskNode,
)

if TYPE_CHECKING:
    from fangpin.accounts.models import User

PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def check_period(period: str) -> str:
    if not PERIOD.match(period or ""):
        raise BadValue("期间格式应为 YYYY-MM,如 2026-06", code=SupervisionCode.BAD_PERIOD)
    return period


def ancestors_and_self(prefix: str) -> list[str]:
    return [prefix[:n] for n in sorted(set(PREFIX_LENGTH.values())) if n <= len(prefix)]


def _visible(prefix: str) -> Q:
    """Task lists of the region, of the regions above it, and of regions inside it."""
    return Q(region__prefix__in=ancestors_and_self(prefix)) | region_q(
        "region__prefix_code", prefix
    )


def region_in_scope(user: User, code: str | None) -> Region:
    """The region `code` (the user's own when None) if it lies in the user's region."""
    own = user.region_prefix
    if own is None:
        raise NotFound()
    if not code:
        region = user.region
        assert region is not None
        return region
    region = Region.objects.filter(code=canonical_code(code)).first()
    if region is None or not region.prefix.startswith(own):
        raise NotFound()
    return region


def indicators(user: User, *, year: int | None = None) -> QuerySet[Indicator]:
    own = user.region_prefix
    if own is None:
        return Indicator.objects.none()
    qs = Indicator.objects.filter(_visible(own)).select_related("sub_item__parent", "aspect")
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("year", "region_id", "position")


def indicator_get(user: User, indicator_id: int) -> Indicator:
    found = indicators(user).filter(pk=indicator_id).first()
    if found is None:
        raise NotFound()
    return found


def nodes(user: User, *, year: int) -> QuerySet[TaskNode]:
    own = user.region_prefix
    if own is None:
        return TaskNode.objects.none()
    return TaskNode.objects.filter(_visible(own), year=year).order_by("position")


def plan_indicators(region: Region, year: int) -> QuerySet[Indicator]:
    """The indicators a region is assessed on: the task lists of its own and higher regions."""
    return (
        Indicator.objects.filter(year=year, region__prefix__in=ancestors_and_self(region.prefix))
        .select_related("aspect", "sub_item__parent")
        .order_by("position")
    )


def report_get(user: User, report_id: int) -> IndicatorReport:
    return get_scoped(
        IndicatorReport.objects.select_related("indicator", "region"), user, pk=report_id
    )


def reports(
    user: User, *, region: str | None = None, status: str | None = None
) -> QuerySet[IndicatorReport]:
    qs = scoped(
        IndicatorReport.objects.select_related("indicator", "region", "submitted_by"),
        user,
        prefix=Region.objects.filter(code=region).values_list("prefix", flat=True).first()
        if region
        else None,
    )
    if region and not Region.objects.filter(code=region).exists():
        return qs.none()
    if status:
        qs = qs.filter(status=status)
    return qs


def samples(user: User) -> QuerySet[AssessmentSample]:
    return scoped(AssessmentSample.objects.select_related("region"), user)


def sample_get(user: User, sample_id: int) -> AssessmentSample:
    return get_scoped(AssessmentSample.objects.select_related("region"), user, pk=sample_id)


def meetings(user: User, *, region: str | None = None) -> QuerySet[Meeting]:
    return scoped(Meeting.objects.select_related("region"), user, prefix=_prefix_of(region))


def follow_ups(
    user: User, *, region: str | None = None, status: str | None = None, overdue: bool = False
) -> QuerySet[FollowUp]:
    qs = scoped(
        FollowUp.objects.select_related("meeting", "region"), user, prefix=_prefix_of(region)
    )
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(status=FollowUpStatus.OPEN, deadline__lt=clock.today())
    return qs


def follow_up_get(user: User, follow_up_id: int) -> FollowUp:
    return get_scoped(FollowUp.objects.select_related("meeting", "region"), user, pk=follow_up_id)


def _prefix_of(region: str | None) -> str | None:
    """A region's prefix for `scoped`; an unknown code matches nothing."""
    if not region:
        return None
    found = Region.objects.filter(code=canonical_code(region)).values_list("prefix", flat=True)
    return found.first() or "x"
