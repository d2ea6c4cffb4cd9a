"""Demo data of the village board: two census rounds with problems in every state (some
overdue), township criteria confirmed for about 60% of the villages, rules and notices.
Deterministic for a given `rng`; bulk writes with history, a few seconds."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.db.models import QuerySet
from simple_history.utils import bulk_create_with_history

from fangpin.core.scoping import region_q
from fangpin.regions.models import Level, Region
from fangpin.registry.models import Household

from ..models import (
    Announcement,
    BenchmarkCriterion,
    CensusRound,
    CriterionConfirmation,
    Problem,
    ProblemStatus,
    ProblemType,
    RuleDocument,
)
from .rating import criteria_active

REASON = "演示数据"
PROBLEMS = [
    (ProblemType.HOUSING, "房屋墙体裂缝,需住房安全鉴定", "县住建局"),
    (ProblemType.WATER, "自来水管网季节性断水", "县水利局"),
    (ProblemType.MEDICAL, "一名家庭成员未参加居民医保", "乡镇卫生院"),
    (ProblemType.EDUCATION, "适龄儿童就学情况需核实", "县教体局"),
    (ProblemType.INCOME, "务工收入下降,家庭收入接近监测线", "乡镇劳保所"),
    (ProblemType.ARCHIVE, "户档资料与系统信息不一致", "村两委"),
    (ProblemType.POLICY, "雨露计划补助未申请", "县乡村振兴局"),
    (ProblemType.ENVIRONMENT, "村内坑塘垃圾未清理", "村两委"),
    (ProblemType.INFRASTRUCTURE, "入户道路破损", "乡镇政府"),
]
MEASURES = "已逐户核实,落实整改措施,资料归档"
RULES = [
    ("防止返贫动态监测和帮扶工作制度", "一、坚持农户自主申报、基层干部排查、部门筛查预警相结合……"),
    ("村级民主评议制度", "一、民主评议由村党支部组织,参加人员不少于……"),
    ("网格员走访制度", "一、网格员每月至少走访一次网格内脱贫户和监测户,八必访对象重点走访……"),
]


def seed(*, rng: random.Random, households: QuerySet[Household], today: dt.date) -> None:
    if CensusRound.objects.exists():
        return
    villages = sorted(set(households.values_list("village_id", flat=True)))
    if not villages:
        return
    counties = sorted({code[:6] for code in villages})
    with transaction.atomic():
        rounds = _rounds(counties, today)
        _problems(rng, villages, rounds, today)
        _criteria(rng, counties, today)
        _rules_and_notices(counties, villages[:20], today)


def _rounds(counties: list[str], today: dt.date) -> dict[str, list[CensusRound]]:
    made: dict[str, list[CensusRound]] = {}
    for code in counties:
        region = Region.objects.get(code=code)
        first = CensusRound(
            name=f"{region.name}第一轮围村普查",
            region=region,
            starts_on=today - dt.timedelta(days=150),
            ends_on=today - dt.timedelta(days=120),
        )
        second = CensusRound(
            name=f"{region.name}第二轮围村普查",
            region=region,
            starts_on=today - dt.timedelta(days=40),
            ends_on=today - dt.timedelta(days=10),
        )
        made[code] = bulk_create_with_history(
            [first, second], CensusRound, default_change_reason=REASON
        )
    return made


def _problems(
    rng: random.Random,
    villages: list[str],
    rounds: dict[str, list[CensusRound]],
    today: dt.date,
) -> None:
    homes: dict[str, list[int]] = {}
    for hid, village in Household.objects.filter(village_id__in=villages).values_list(
        "id", "village_id"
    ):
        homes.setdefault(village, []).append(hid)
    chosen = rng.sample(villages, k=min(len(villages), 400))
    problems = []
    for village in chosen:
        first, second = rounds[village[:6]]
        for _ in range(rng.randint(1, 4)):
            kind, text, unit = rng.choice(PROBLEMS)
            household = rng.choice(homes[village]) if rng.random() < 0.6 else None
            old = rng.random() < 0.6
            census = first if old else second
            found = census.starts_on + dt.timedelta(days=rng.randint(0, 25))
            deadline = found + dt.timedelta(days=rng.choice((30, 45, 60)))
            roll = rng.random()
            if old:
                status = ProblemStatus.CLOSED if roll < 0.9 else ProblemStatus.RECTIFIED
            else:
                status = (
                    ProblemStatus.OPEN
                    if roll < 0.45
                    else ProblemStatus.RECTIFIED
                    if roll < 0.75
                    else ProblemStatus.CLOSED
                )
            if status == ProblemStatus.OPEN and rng.random() < 0.15:
                deadline = today - dt.timedelta(days=rng.randint(1, 10))  # overdue
            rectified = min(deadline, today) - dt.timedelta(days=rng.randint(0, 5))
            problems.append(
                Problem(
                    census_round=census,
                    village_id=village,
                    household_id=household,
                    type=kind,
                    description=text,
                    responsible_unit=unit,
                    deadline=deadline,
                    status=status,
                    measures=MEASURES if status != ProblemStatus.OPEN else "",
                    rectified_on=rectified if status != ProblemStatus.OPEN else None,
                    closed_on=min(rectified + dt.timedelta(days=7), today)
                    if status == ProblemStatus.CLOSED
                    else None,
                )
            )
    bulk_create_with_history(problems, Problem, default_change_reason=REASON, batch_size=500)


def _criteria(rng: random.Random, counties: list[str], today: dt.date) -> None:
    criteria: list[BenchmarkCriterion] = criteria_active()
    marks = []
    for county in counties:
        codes = Region.objects.filter(region_q("prefix_code", county), level=Level.VILLAGE)
        for code in codes.order_by("code").values_list("code", flat=True):
            good = rng.random() < 0.6
            for criterion in criteria:
                marks.append(
                    CriterionConfirmation(
                        village_id=code,
                        criterion=criterion,
                        met=good,
                        note="" if good else "产业基础薄弱,继续培育",
                        confirmed_on=today - dt.timedelta(days=rng.randint(5, 60)),
                    )
                )
    bulk_create_with_history(
        marks, CriterionConfirmation, default_change_reason=REASON, batch_size=1000
    )


def _rules_and_notices(counties: list[str], villages: list[str], today: dt.date) -> None:
    rules = [
        RuleDocument(
            region_id=county,
            title=title,
            body=body,
            effective_on=today - dt.timedelta(days=365),
        )
        for county in counties
        for title, body in RULES
    ]
    bulk_create_with_history(rules, RuleDocument, default_change_reason=REASON)
    notices = [
        Announcement(
            village_id=village,
            title="关于开展第二轮围村普查的公告",
            body="本村将开展围村普查,请农户配合网格员入户走访,如实反映困难和问题。",
            starts_on=today - dt.timedelta(days=40),
            ends_on=today - dt.timedelta(days=10),
        )
        for village in villages
    ]
    bulk_create_with_history(notices, Announcement, default_change_reason=REASON)
