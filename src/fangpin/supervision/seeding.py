"""Demo data for supervision: the city's task list for the year, two months of county
reports (most approved, some returned, some missing, so that the ranking has deductions), and
one post-assessment sample."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db.models import QuerySet

from fangpin.accounts.models import Role
from fangpin.accounts.seeding import DemoActors
from fangpin.regions.models import Level, Region
from fangpin.registry.models import Household

from . import services
from .importing import TaskRow
from .models import Direction, Indicator, Source

# (aspect, item, sub-item, indicator, target, unit, weight, formula or None for reported)
TASKS: tuple[tuple[str, str, str, str, str | None, str, int, str | None], ...] = (
    (
        "守底线",
        "防止返贫动态监测",
        "风险消除",
        "监测对象风险消除率(按户)",
        "0.4",
        "%",
        8,
        "elimination_rate_households",
    ),
    (
        "守底线",
        "防止返贫动态监测",
        "识别认定",
        "识别认定按时办结率",
        "0.95",
        "%",
        8,
        "identification_on_time_rate",
    ),
    (
        "守底线",
        "防止返贫动态监测",
        "部门预警",
        "部门筛查预警按时核实率",
        "0.95",
        "%",
        6,
        "warning_response_rate",
    ),
    ("守底线", "三保障和饮水安全", "住房安全", "农村危房改造开工户数", "50", "户", 4, None),
    ("守底线", "三保障和饮水安全", "饮水安全", "农村集中供水率", "0.9", "%", 4, None),
    ("抓衔接", "衔接资金", "资金支出", "衔接资金支出进度", "0.8", "%", 6, None),
    ("抓衔接", "帮扶项目资产", "确权登记", "项目资产确权登记完成率", "1", "%", 4, None),
    ("抓衔接", "就业帮扶", "务工就业", "脱贫劳动力务工人数", "3000", "人", 6, None),
    ("促振兴", "产业发展", "特色产业", "新培育经营主体数量", "30", "个", 5, None),
    ("促振兴", "产业发展", "联农带农", "联农带农覆盖户数", "2000", "户", 5, None),
    ("促振兴", "乡村建设", "人居环境", "村庄清洁行动达标村数", "100", "个", 4, None),
    ("争一流", "示范创建", "标杆村", "标杆村创建数量", "20", "个", 5, None),
    ("争一流", "工作创新", "经验推广", "省级以上推广经验数", "1", "项", 3, None),
)
RETURN_COMMENTS = ("佐证材料不全,请补充台账", "数据与统计年报不一致,请核实")


def _months_before(today: dt.date, count: int) -> list[str]:
    out, year, month = [], today.year, today.month
    for _ in range(count):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        out.append(f"{year:04d}-{month:02d}")
    return out


def seed(*, rng: random.Random, households: QuerySet[Household], today: dt.date) -> None:
    villages = set(households.values_list("village_id", flat=True).distinct())
    if not villages:
        return
    counties = sorted({code[:6] for code in villages})
    county_regions = Region.objects.filter(code__in=counties, level=Level.COUNTY)
    city = Region.objects.filter(code=counties[0][:4] + "00", level=Level.CITY).first()
    if city is None or Indicator.objects.filter(year=today.year, region=city).exists():
        return
    rows = [
        TaskRow(
            line=index,
            aspect=aspect,
            item=item,
            sub_item=sub,
            name=name,
            target=Decimal(target) if target is not None else None,
            unit=unit,
            weight=Decimal(weight),
            owner="各县(市、区)",
            source=Source.COMPUTED if formula else Source.MANUAL,
            formula=formula or "按台账统计",
            direction=Direction.HIGHER,
            lead_official="",
            schedule="按月调度",
            evidence_required="" if formula else "工作台账",
        )
        for index, (aspect, item, sub, name, target, unit, weight, formula) in enumerate(
            TASKS, start=2
        )
    ]
    services.task_list_write(region=city, year=today.year, rows=rows)
    clerks = DemoActors()
    city_user = clerks.get(Role.CITY, city.code)
    manual = list(Indicator.objects.filter(year=today.year, region=city, source=Source.MANUAL))
    for period in _months_before(today, 2):
        if int(period[:4]) != today.year:
            continue
        for county in county_regions:
            reporter = clerks.get(Role.COUNTY, county.code)
            for indicator in manual:
                if rng.random() < 0.1:
                    continue  # not reported: overdue
                target = indicator.target or Decimal(1)
                value = (target * Decimal(rng.uniform(0.6, 1.1))).quantize(Decimal("0.0001"))
                report = services.report_submit(
                    user=reporter,
                    indicator_id=indicator.pk,
                    region_code=county.code,
                    period=period,
                    value=value,
                    evidence="工作台账",
                )
                roll = rng.random()
                if roll < 0.8:
                    services.report_act(user=city_user, report_id=report.pk, action="approve")
                elif roll < 0.9:
                    services.report_act(
                        user=city_user,
                        report_id=report.pk,
                        action="return",
                        comment=rng.choice(RETURN_COMMENTS),
                    )
    services.sample_create(
        user=city_user,
        year=today.year,
        villages_per_county=10,
        households_per_county=300,
        seed=today.year,
    )
