"""Demo data for the programs modules, at demo scale (the seed's city is ~50 times larger):
衔接资金 from four levels (963.76 million yuan, +3.39% on the year, as the seed reports),
projects with spending, assets with their six rights (a few left unassigned), the seven
leading industries' entities, 四金 links, workshops with workers, and talents.

Rows with no effect on other data are bulk-created; links and workers then hand each
household's linked income to the registry through `income_links_set`, as the services do.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import QuerySet

from fangpin.accounts.models import Role, User
from fangpin.core.money import yuan
from fangpin.core.scoping import region_q
from fangpin.registry import services as registry
from fangpin.registry.models import Household, Membership

from .models import (
    Asset,
    AssetClass,
    BenefitKind,
    BenefitLink,
    Entity,
    EntityType,
    FundAllocation,
    FundLevel,
    Project,
    ProjectSpending,
    ProjectStatus,
    Purpose,
    Talent,
    Workshop,
    WorkshopType,
    WorkshopWorker,
)
from .models.assets import RIGHTS
from .seeding_assets import seed_asset_work
from .seeding_employment import seed_employment
from .services import linked_income

# 一县一业 (DOMAIN §9), by county code.
LEADING_INDUSTRY = {
    "410482": "生猪",  # 汝州
    "410481": "肉鸽",  # 舞钢
    "410423": "食用菌",  # 鲁山
    "410425": "红牛",  # 郏县
    "410422": "富硒小麦",  # 叶县
    "410421": "珍稀食用菌",  # 宝丰
    "410403": "富硒红薯",  # 石龙
}
TOTAL_FUNDS = Decimal("963760000")
GROWTH = Decimal("1.0339")
LEVEL_SHARE = {
    FundLevel.CENTRAL: Decimal("0.58"),
    FundLevel.PROVINCIAL: Decimal("0.22"),
    FundLevel.CITY: Decimal("0.08"),
    FundLevel.COUNTY: Decimal("0.12"),
}
PURPOSE_SHARE = {Purpose.INDUSTRY: Decimal("0.6"), Purpose.INFRASTRUCTURE: Decimal("0.4")}
LINK_SHARE = 0.05  # of 脱贫户 with a 四金 link (the seed: 215,000 households)
WORKSHOPS_PER_COUNTY = 3
PARTIES = ("村集体经济合作社", "村党支部", "乡镇政府", "县农业农村局", "农业公司", "脱贫户")


def _actor(code: str) -> User:
    user = User.objects.filter(role=Role.COUNTY, region_id=code).order_by("id").first()
    if user is None:
        user = User.objects.create(
            username=f"seed-county-{code}",
            role=Role.COUNTY,
            region_id=code,
            password=make_password(None),
            first_name="县级经办人",
        )
    return User.objects.select_related("region").get(pk=user.pk)


def seed(*, rng: random.Random, households: QuerySet[Household], today: dt.date) -> None:
    if FundAllocation.objects.exists():
        return
    villages: dict[str, list[str]] = defaultdict(list)
    for code in households.values_list("village_id", flat=True).distinct().order_by("village_id"):
        villages[code[:6]].append(code)
    if not villages:
        return
    counties = sorted(villages)
    with transaction.atomic():
        _funds_and_projects(rng, counties, villages, today)
        entities = _entities(rng, counties)
        _links(rng, households, entities, today)
        _workshops(rng, counties, villages, today)
        _talents(rng, counties, villages)
        seed_employment(rng, counties, villages, today)
        seed_asset_work(rng, counties, villages, today, _sync)


def _funds_and_projects(
    rng: random.Random, counties: list[str], villages: dict[str, list[str]], today: dt.date
) -> None:
    rows = []
    for year, total in ((today.year, TOTAL_FUNDS), (today.year - 1, TOTAL_FUNDS / GROWTH)):
        for county in counties:
            for level, level_share in LEVEL_SHARE.items():
                for purpose, purpose_share in PURPOSE_SHARE.items():
                    amount = yuan(total * level_share * purpose_share / len(counties))
                    rows.append(
                        FundAllocation(
                            year=year, level=level, county_id=county, purpose=purpose, amount=amount
                        )
                    )
    FundAllocation.objects.bulk_create(rows)
    funds = list(FundAllocation.objects.filter(year=today.year, purpose=Purpose.INDUSTRY))
    projects = []
    for county in counties:
        fund = next(f for f in funds if f.county_id == county)
        for i in range(8):
            year = today.year - (i % 2)
            budget = Decimal(rng.randint(20, 300) * 10000)
            status = (
                ProjectStatus.COMPLETED
                if year < today.year
                else rng.choice(
                    [ProjectStatus.IN_PROGRESS, ProjectStatus.IN_PROGRESS, ProjectStatus.PLANNED]
                )
            )
            spent_share = {
                ProjectStatus.COMPLETED: Decimal(rng.choice(["1", "1", "0.9", "0.4"])),
                ProjectStatus.IN_PROGRESS: Decimal(rng.choice(["0.2", "0.6", "0.9"])),
            }.get(status, Decimal(0))
            projects.append(
                Project(
                    name=f"{LEADING_INDUSTRY.get(county, '特色')}产业项目{i + 1}",
                    type=Purpose.INDUSTRY if i % 3 else Purpose.INFRASTRUCTURE,
                    year=year,
                    village_id=rng.choice(villages[county]),
                    budget=budget,
                    fund_allocation=fund if year == today.year else None,
                    status=status,
                    households_benefiting=rng.randint(10, 200),
                    spent=yuan(budget * spent_share),
                )
            )
    Project.objects.bulk_create(projects)
    spendings, assets = [], []
    for p in Project.objects.filter(spent__gt=0):
        spendings.append(
            ProjectSpending(
                project=p,
                spent_on=dt.date(p.year, 1, 1) + dt.timedelta(days=rng.randint(30, 300))
                if p.year < today.year
                else today,
                amount=p.spent,
            )
        )
        if p.status == ProjectStatus.COMPLETED:
            rights = {key: rng.choice(PARTIES) for key, _ in RIGHTS}
            if rng.random() < 0.15:
                rights[rng.choice(RIGHTS)[0]] = ""
            assets.append(
                Asset(
                    name=p.name.replace("项目", "资产"),
                    asset_class=rng.choice(list(AssetClass.values)),
                    value=p.spent,
                    village_id=p.village_id,
                    project=p,
                    rights_complete=all(rights.values()),
                    **rights,
                )
            )
    ProjectSpending.objects.bulk_create(spendings)
    Asset.objects.bulk_create(assets)


def _entities(rng: random.Random, counties: list[str]) -> dict[str, list[Entity]]:
    rows = []
    for county in counties:
        industry = LEADING_INDUSTRY.get(county, "特色种养")
        for i in range(3):
            rows.append(
                Entity(
                    name=f"{industry}龙头企业{i + 1}",
                    type=EntityType.ENTERPRISE,
                    county_id=county,
                    level=rng.choice(["provincial", "city", "county"]),
                    industry=industry,
                )
            )
        for i in range(12):
            rows.append(
                Entity(
                    name=f"{industry}合作社{i + 1}",
                    type=rng.choice([EntityType.COOPERATIVE, EntityType.FAMILY_FARM]),
                    county_id=county,
                    industry=industry,
                )
            )
    Entity.objects.bulk_create(rows)
    out: dict[str, list[Entity]] = defaultdict(list)
    for entity in Entity.objects.all():
        out[entity.county_id].append(entity)
    return out


def _links(
    rng: random.Random,
    households: QuerySet[Household],
    entities: dict[str, list[Entity]],
    today: dt.date,
) -> None:
    poor = list(
        households.filter(is_alleviated=True, member_count__gt=0).values_list("id", "village_id")
    )
    chosen = rng.sample(poor, k=int(len(poor) * LINK_SHARE)) if poor else []
    rows = []
    for hid, village in chosen:
        for kind in rng.sample(list(BenefitKind.values), k=rng.randint(1, 2)):
            amount = {"rent": 600, "wage": 6000, "dividend": 500, "asset_income": 400}[kind]
            rows.append(
                BenefitLink(
                    household_id=hid,
                    entity=rng.choice(entities[village[:6]]),
                    kind=kind,
                    year=today.year,
                    amount=Decimal(amount + rng.randint(0, amount)),
                )
            )
    BenefitLink.objects.bulk_create(rows)
    _sync({hid for hid, _ in chosen}, today)


def _sync(household_ids: set[int], today: dt.date) -> None:
    actors: dict[str, User] = {}
    for hid, village in Household.objects.filter(pk__in=household_ids).values_list(
        "id", "village_id"
    ):
        actor = actors.setdefault(village[:6], _actor(village[:6]))
        wage, prop = linked_income(hid, today.year)
        registry.income_links_set(
            user=actor, household_id=hid, year=today.year, wage=wage, property=prop
        )


def _workshops(
    rng: random.Random, counties: list[str], villages: dict[str, list[str]], today: dt.date
) -> None:
    shops = [
        Workshop(
            name=f"{LEADING_INDUSTRY.get(county, '')}帮扶车间{i + 1}",
            type=rng.choice(list(WorkshopType.values)),
            village_id=rng.choice(villages[county]),
            owner=f"{LEADING_INDUSTRY.get(county, '')}龙头企业{i + 1}",
        )
        for county in counties
        for i in range(WORKSHOPS_PER_COUNTY)
    ]
    Workshop.objects.bulk_create(shops)
    hired: set[int] = set()
    workers = []
    for shop in Workshop.objects.all():
        # Workers come from the workshop's own township (nearby villages).
        members = list(
            Membership.objects.filter(
                region_q("household__village_id", shop.village_id[:9]),
                ended_on__isnull=True,
                person__labour__in=["普通劳动力", "技能劳动力"],
            ).values_list("person_id", "household_id", "household__is_alleviated")[:400]
        )
        rng.shuffle(members)
        # The seed: 3,291 workers, 1,243 of them 脱贫 (38%); most workshops reach 5.
        n = rng.randint(12, 30)
        poor = [m for m in members if m[2]][: round(n * 0.4)]
        others = [m for m in members if not m[2]][: n - len(poor)]
        for person_id, household_id, _ in poor + others:
            if person_id in hired:
                continue
            hired.add(person_id)
            workers.append(
                WorkshopWorker(
                    workshop=shop,
                    person_id=person_id,
                    household_id=household_id,
                    starts_on=today - dt.timedelta(days=rng.randint(60, 500)),
                    monthly_wage=Decimal(rng.randint(18, 30) * 100),
                )
            )
    WorkshopWorker.objects.bulk_create(workers)
    _sync({w.household_id for w in workers}, today)


def _talents(rng: random.Random, counties: list[str], villages: dict[str, list[str]]) -> None:
    skills = ("电商", "养殖", "种植", "建筑", "机械维修", "餐饮", "物流", "教育")
    places = ("郑州", "北京", "上海", "深圳", "平顶山", "本县")
    surnames = "王李张刘陈杨赵黄周吴"
    rows = []
    for county in counties:
        for _ in range(40):
            returned = rng.random() < 0.06
            rows.append(
                Talent(
                    name=f"{rng.choice(surnames)}{rng.choice(['磊', '洋', '静', '涛', '敏'])}",
                    origin_village_id=rng.choice(villages[county]),
                    skill=rng.choice(skills),
                    location="本县" if returned else rng.choice(places),
                    returned=returned,
                    project=f"{LEADING_INDUSTRY.get(county, '')}{rng.choice(['合作社', '网店'])}"
                    if returned
                    else "",
                )
            )
    Talent.objects.bulk_create(rows)
