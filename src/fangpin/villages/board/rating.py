"""放心村 and 标杆村 (CONTRACT §7), computed from the rows, never typed.

A village is 放心村 (safe) when none of these holds in it:
- a household with a failed guarantee (两不愁三保障 or water) and no open case;
- a case past its deadline (still in identification after the inclusion deadline);
- an open warning past its deadline;
- an open problem past its deadline.
Every row that breaks it is a reason. 标杆村 (benchmark) = safe and every active criterion
confirmed as met by the township.

The functions here work on a region prefix; callers that act for a user check first that the
region is the user's (selectors_board). One query per kind of reason for a whole region, so a
city of 2,800 villages is rated in a handful of queries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef
from django.urls import reverse

from fangpin.core.scoping import region_q
from fangpin.monitoring.models import Case
from fangpin.monitoring.selectors import overdue_q
from fangpin.regions.models import Level, Region
from fangpin.registry.choices import SAFE_HOUSING
from fangpin.registry.models import Guarantee
from fangpin.registry.selectors import guarantee_problem_q
from fangpin.screening.models import Warning

from ..models import BenchmarkCriterion, CriterionConfirmation, Problem, ProblemStatus

GUARANTEE_FAILED = "guarantee_failed"
CASE_OVERDUE = "case_overdue"
WARNING_OVERDUE = "warning_overdue"
PROBLEM_OVERDUE = "problem_overdue"
REASON_LABELS = {
    GUARANTEE_FAILED: "两不愁三保障或饮水未达标且未纳入监测",
    CASE_OVERDUE: "监测对象识别超过时限",
    WARNING_OVERDUE: "预警超过核实时限未处理",
    PROBLEM_OVERDUE: "普查问题超过整改时限未整改",
}

# 标杆村 criteria beyond 放心村 (the seed: strong leadership, good environment, an industry).
DEFAULT_CRITERIA = [
    ("leadership", "班子强", "村党支部和村委班子坚强有力,制度健全,工作落实", 1),
    ("environment", "环境美", "人居环境整治达标,村容村貌整洁", 2),
    ("industry", "产业兴", "有稳定的主导产业或村集体经济收入,带动脱贫户增收", 3),
]

GUARANTEE_PARTS = [
    ("food_ok", "吃"),
    ("clothing_ok", "穿"),
    ("education_ok", "义务教育"),
    ("medical_ok", "基本医疗"),
    ("water_ok", "饮水"),
]


@dataclass(frozen=True)
class Reason:
    code: str
    detail: str
    village_code: str
    household_id: int | None = None
    url: str = ""

    def out(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class VillageRating:
    code: str
    name: str
    safe: bool
    benchmark: bool
    reasons: list[Reason] = field(default_factory=list)
    criteria: dict[str, bool] = field(default_factory=dict)


def criteria_active() -> list[BenchmarkCriterion]:
    """The active criteria; the defaults are written once, the first time they are needed
    (reference data an administrator may then edit in the back office, with history)."""
    if not BenchmarkCriterion.objects.exists():
        BenchmarkCriterion.objects.bulk_create(
            [
                BenchmarkCriterion(key=key, name=name, description=words, order=order)
                for key, name, words, order in DEFAULT_CRITERIA
            ],
            ignore_conflicts=True,
        )
    return list(BenchmarkCriterion.objects.filter(active=True))


def reasons_in(prefix: str, today: dt.date) -> dict[str, list[Reason]]:
    """Every reason that breaks 放心村, by village code, in the region of `prefix`."""
    found: dict[str, list[Reason]] = defaultdict(list)
    open_case = Case.objects.open().filter(household_id=OuterRef("household_id"))
    guarantees = (
        Guarantee.objects.filter(region_q("household__village_id", prefix))
        .filter(guarantee_problem_q())
        .filter(~Exists(open_case))
        .values(
            "household_id",
            "household__village_id",
            "household__head_name",
            "housing_grade",
            *(name for name, _ in GUARANTEE_PARTS),
        )
        .order_by("household__village_id", "household_id")
    )
    for row in guarantees:
        failed = [label for name, label in GUARANTEE_PARTS if not row[name]]
        if row["housing_grade"] not in SAFE_HOUSING:
            failed.append(f"住房({row['housing_grade']}级)")
        found[row["household__village_id"]].append(
            Reason(
                GUARANTEE_FAILED,
                f"{row['household__head_name']}户:{'、'.join(failed)}未达标,且没有在办的监测",
                row["household__village_id"],
                row["household_id"],
                reverse("registry:household_detail", args=[row["household_id"]]),
            )
        )
    cases = (
        Case.objects.filter(region_q("village_id", prefix))
        .filter(overdue_q(today))
        .values("id", "village_id", "household_id", "household__head_name", "deadline")
        .order_by("village_id", "deadline", "id")
    )
    for row in cases:
        found[row["village_id"]].append(
            Reason(
                CASE_OVERDUE,
                f"{row['household__head_name']}户的监测识别已过时限({row['deadline']:%Y-%m-%d})",
                row["village_id"],
                row["household_id"],
                reverse("monitoring:case_detail", args=[row["id"]]),
            )
        )
    warnings = (
        Warning.objects.filter(region_q("village_id", prefix))
        .filter(status=Warning.Status.OPEN, deadline__lt=today)
        .values("id", "household_id", "village_id", "household__head_name", "deadline")
        .order_by("village_id", "deadline", "id")
    )
    for row in warnings:
        found[row["village_id"]].append(
            Reason(
                WARNING_OVERDUE,
                f"{row['household__head_name']}户的预警已过核实时限({row['deadline']:%Y-%m-%d})",
                row["village_id"],
                row["household_id"],
                reverse("screening:warning_detail", args=[row["id"]]),
            )
        )
    problems = (
        Problem.objects.filter(region_q("village_id", prefix))
        .filter(status=ProblemStatus.OPEN, deadline__lt=today)
        .values("id", "village_id", "household_id", "type", "description", "deadline")
        .order_by("village_id", "deadline", "id")
    )
    for row in problems:
        found[row["village_id"]].append(
            Reason(
                PROBLEM_OVERDUE,
                f"问题“{row['description'][:30]}”已过整改时限({row['deadline']:%Y-%m-%d})",
                row["village_id"],
                row["household_id"],
                reverse("villages:problem_detail", args=[row["id"]]),
            )
        )
    return found


def confirmed_in(prefix: str) -> tuple[dict[str, dict[str, bool]], set[str]]:
    """The township's confirmations by village ({village: {criterion key: met}}), and the
    villages where every active criterion is confirmed as met."""
    active = criteria_active()
    rows = (
        CriterionConfirmation.objects.filter(region_q("village_id", prefix))
        .filter(criterion__active=True)
        .values_list("village_id", "criterion__key", "met")
    )
    by_village: dict[str, dict[str, bool]] = defaultdict(dict)
    for village, key, met in rows:
        by_village[village][key] = met
    keys = {c.key for c in active}
    complete = {v for v, marks in by_village.items() if keys and all(marks.get(k) for k in keys)}
    return by_village, complete


def villages_in(prefix: str) -> list[tuple[str, str]]:
    return list(
        Region.objects.filter(region_q("prefix_code", prefix), level=Level.VILLAGE)
        .order_by("code")
        .values_list("code", "name")
    )


def rate_region(prefix: str, today: dt.date) -> list[VillageRating]:
    """The rating of every village in the region of `prefix`."""
    reasons = reasons_in(prefix, today)
    marks, complete = confirmed_in(prefix)
    ratings = []
    for code, name in villages_in(prefix):
        broken = reasons.get(code, [])
        ratings.append(
            VillageRating(
                code=code,
                name=name,
                safe=not broken,
                benchmark=not broken and code in complete,
                reasons=broken,
                criteria=marks.get(code, {}),
            )
        )
    return ratings


def open_problem_counts(prefix: str) -> dict[str, int]:
    return dict(
        Problem.objects.filter(region_q("village_id", prefix))
        .exclude(status=ProblemStatus.CLOSED)
        .values_list("village_id")
        .annotate(n=Count("id"))
        .values_list("village_id", "n")
    )
