"""Reads of the village board, always inside the user's region (core.scoping)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from fangpin.accounts.models import Role, User
from fangpin.core.errors import BadValue, Forbidden, NotFound
from fangpin.core.indicators import rate
from fangpin.core.scoping import covers, get_scoped, scoped
from fangpin.regions.models import PREFIX_LENGTH, Level, Region, canonical_code
from fangpin.regions.selectors import region_get, scoped_in_region

from ..models import (
    Announcement,
    CensusRound,
    Problem,
    ProblemStatus,
    ProblemType,
    RuleDocument,
)
from . import rating
from .error_codes import BoardErrorCode


def today() -> dt.date:
    return timezone.localdate()


def require_reader(user: User) -> None:
    # CONTRACT §3: a department reads its own batches and nothing else.
    if user.role == Role.DEPARTMENT:
        raise Forbidden("行业部门账号只能上传数据,无权查看村级工作")


def _ancestors(prefix: str) -> list[str]:
    """The region prefixes above (and equal to) `prefix`: 4104, 410421, 410421101, ..."""
    return [prefix[:n] for n in sorted(set(PREFIX_LENGTH.values())) if n <= len(prefix)]


def round_list(*, user: User, region: str | None = None) -> QuerySet[CensusRound]:
    """Rounds inside the user's region, and those of the regions above that cover it (a
    village sees its township's rounds)."""
    require_reader(user)
    own = user.region_prefix
    if own is None:
        return CensusRound.objects.none()
    inside = scoped_in_region(CensusRound.objects.all(), user, region)
    above = _ancestors(own)
    if region:
        wanted = (
            Region.objects.filter(code=canonical_code(region))
            .values_list("prefix", flat=True)
            .first()
        )
        if wanted is None or not (wanted.startswith(own) or own.startswith(wanted)):
            return CensusRound.objects.none()
        # Every region above one that is inside (or above) the user's own is visible to them.
        above = _ancestors(wanted)
    covering = CensusRound.objects.filter(region__prefix__in=above)
    return (
        (inside | covering)
        .distinct()
        .select_related("region")
        .annotate(problem_count=Count("problems"))
        .order_by("-starts_on", "id")
    )


def round_get(*, user: User, round_id: int) -> CensusRound:
    require_reader(user)
    try:
        return round_list(user=user).get(pk=round_id)
    except (CensusRound.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def problem_list(
    *,
    user: User,
    region: str | None = None,
    status: str | None = None,
    overdue: bool | None = None,
    round_id: int | None = None,
    type: str | None = None,
) -> QuerySet[Problem]:
    require_reader(user)
    qs = scoped_in_region(Problem.objects.all(), user, region)
    if status:
        if status not in ProblemStatus.values:
            raise BadValue(f"未知的问题状态:{status}", code=BoardErrorCode.INVALID_PROBLEM_STATUS)
        qs = qs.filter(status=status)
    if type:
        if type not in ProblemType.values:
            raise BadValue(f"未知的问题类型:{type}", code=BoardErrorCode.INVALID_PROBLEM_TYPE)
        qs = qs.filter(type=type)
    if round_id is not None:
        qs = qs.filter(census_round_id=round_id)
    if overdue is not None:
        late = Q(status=ProblemStatus.OPEN, deadline__lt=today())
        qs = qs.filter(late) if overdue else qs.exclude(late)
    return qs.select_related("village", "household", "census_round").order_by("deadline", "id")


def problem_get(*, user: User, problem_id: int) -> Problem:
    require_reader(user)
    return get_scoped(
        Problem.objects.select_related("village", "household", "census_round", "created_by"),
        user,
        pk=problem_id,
    )


def problem_history(problem: Problem) -> list[dict[str, Any]]:
    """Every saved state of the problem, oldest first, with who and when."""
    rows = problem.history.select_related("history_user").order_by("history_date", "history_id")  # type: ignore[attr-defined]
    return [
        {
            "at": row.history_date,
            "actor": (row.history_user.get_full_name() or row.history_user.username)
            if row.history_user
            else "",
            "status": row.status,
            "status_label": ProblemStatus(row.status).label,
            "reason": row.history_change_reason or "",
        }
        for row in rows
    ]


def problem_counts(qs: QuerySet[Problem], *, by: str) -> list[dict[str, Any]]:
    """Counts of `qs` grouped by `by` (a field name), each split by status, with overdue."""
    day = today()
    rows = (
        qs.order_by()
        .values(by)
        .annotate(
            total=Count("id"),
            open=Count("id", filter=Q(status=ProblemStatus.OPEN)),
            rectified=Count("id", filter=Q(status=ProblemStatus.RECTIFIED)),
            closed=Count("id", filter=Q(status=ProblemStatus.CLOSED)),
            overdue=Count("id", filter=Q(status=ProblemStatus.OPEN, deadline__lt=day)),
        )
        .order_by(by)
    )
    return [{"key": r[by], **{k: r[k] for k in r if k != by}} for r in rows]


def village_get(*, user: User, code: str) -> Region:
    """A village of the user's region (404 otherwise, or 400 for a region that is no village)."""
    require_reader(user)
    region = region_get(user=user, code=code)
    if region.level != Level.VILLAGE:
        raise BadValue("请给出村级区划代码", code=BoardErrorCode.NOT_A_VILLAGE)
    return region


def village_rating(*, user: User, code: str) -> rating.VillageRating:
    village = village_get(user=user, code=code)
    return rating.rate_region(village.prefix, today())[0]


@dataclass
class RatingGroup:
    code: str
    name: str
    villages: int = 0
    safe: int = 0
    benchmark: int = 0

    @property
    def safe_share(self) -> Decimal:
        return rate(self.safe, self.villages) if self.villages else Decimal("0.0000")

    @property
    def benchmark_share(self) -> Decimal:
        return rate(self.benchmark, self.villages) if self.villages else Decimal("0.0000")

    def out(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "villages": self.villages,
            "safe": self.safe,
            "benchmark": self.benchmark,
            "safe_share": self.safe_share,
            "benchmark_share": self.benchmark_share,
        }


@dataclass
class RatingsOverview:
    total: RatingGroup
    groups: list[RatingGroup]
    villages: list[rating.VillageRating] = field(default_factory=list)


def ratings_overview(*, user: User, region: str | None = None) -> RatingsOverview:
    """放心村 and 标杆村 among the villages of `region` (default: the user's own), with the
    same figures for each region one level below."""
    require_reader(user)
    if user.region_id is None:
        raise NotFound()
    top = region_get(user=user, code=region or str(user.region_id))
    if not covers(user, top.prefix_code):
        raise NotFound()
    ratings = rating.rate_region(top.prefix, today())
    total = RatingGroup(top.code, top.name)
    children = {
        r.prefix: RatingGroup(r.code, r.name)
        for r in scoped(Region.objects.filter(parent=top), user).order_by("code")
    }
    width = len(next(iter(children))) if children else 0
    for item in ratings:
        for group in (total, children.get(item.code[:width]) if width else None):
            if group is None:
                continue
            group.villages += 1
            group.safe += item.safe
            group.benchmark += item.benchmark
    return RatingsOverview(total=total, groups=list(children.values()), villages=ratings)


def rules_for(*, user: User, village: Region) -> QuerySet[RuleDocument]:
    """The rules that apply in a village: its own and those of the regions above it."""
    require_reader(user)
    return RuleDocument.objects.filter(region__prefix__in=_ancestors(village.prefix)).order_by(
        "region_id", "title"
    )


def rule_list(*, user: User) -> QuerySet[RuleDocument]:
    require_reader(user)
    own = user.region_prefix or ""
    inside = scoped(RuleDocument.objects.all(), user)
    return (
        (inside | RuleDocument.objects.filter(region__prefix__in=_ancestors(own)))
        .distinct()
        .select_related("region")
        .order_by("region_id", "title")
    )


def rule_get(*, user: User, rule_id: int) -> RuleDocument:
    try:
        return rule_list(user=user).get(pk=rule_id)
    except (RuleDocument.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def announcements_for(*, user: User, village: Region) -> QuerySet[Announcement]:
    require_reader(user)
    return scoped(Announcement.objects.filter(village=village), user)


@dataclass
class VillageArchive:
    village: Region
    population: int
    households: int
    alleviated: int
    ordinary: int
    monitored: int
    cases_open: int
    cases_total: int
    problems: dict[str, int]
    rating: rating.VillageRating
    notices: list[Any]


def village_archive(*, user: User, code: str) -> VillageArchive:
    """The village archive (村档), derived from the rows: nothing here is typed."""
    from django.db.models import Sum

    from fangpin.monitoring.models import Case, State
    from fangpin.registry.models import Household

    village = village_get(user=user, code=code)
    homes = scoped(Household.objects.filter(village=village), user).aggregate(
        n=Count("id"),
        alleviated=Count("id", filter=Q(is_alleviated=True)),
        people=Sum("member_count"),
    )
    cases = scoped(Case.objects.filter(village=village), user)
    monitored_states = [State.MONITORED, *(s for s in State if s.startswith("elimination_"))]
    counts = {
        s: n
        for s, n in scoped(Problem.objects.filter(village=village), user)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    }
    notices = list(
        cases.filter(notice_starts_on__isnull=False)
        .select_related("household")
        .order_by("-notice_starts_on", "-id")[:20]
    )
    return VillageArchive(
        village=village,
        population=homes["people"] or 0,
        households=homes["n"],
        alleviated=homes["alleviated"],
        ordinary=homes["n"] - homes["alleviated"],
        monitored=cases.filter(state__in=monitored_states).count(),
        cases_open=cases.open().count(),  # type: ignore[attr-defined]
        cases_total=cases.count(),
        problems={s.value: counts.get(s.value, 0) for s in ProblemStatus},
        rating=rating.rate_region(village.prefix, today())[0],
        notices=notices,
    )


def problem_photo_get(*, user: User, problem_id: int, photo_id: int) -> Any:
    from ..models import ProblemPhoto

    problem = problem_get(user=user, problem_id=problem_id)
    photo = ProblemPhoto.objects.filter(problem=problem, pk=photo_id).first()
    if photo is None or not photo.file:
        raise NotFound("材料不存在")
    return photo
