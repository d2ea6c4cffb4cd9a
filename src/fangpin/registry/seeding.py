"""A believable synthetic registry, for demos and benchmarks (`fangpin seed`).

Households are spread over the real villages of the chosen counties, with families shaped
like rural Henan ones (elderly couples, three generations, left-behind grandchildren), valid
ID numbers that agree with birth date, sex and county, incomes around the monitoring line and
a few guarantee problems.

Deterministic: the same `random_seed` on the same database state gives the same rows. ID
numbers and household numbers continue after those already stored, so seeding again (with any
seed) never collides with earlier rows.

Speed: rows are built as plain dicts and written per batch with PostgreSQL's COPY (from a
writer thread, overlapping the next batch's generation), or one executemany elsewhere, with
primary keys reserved up front so that no row needs a round trip.
No simple-history rows are written: history records what people changed, and a generated
registry is nobody's change; the first real edit of a seeded row starts its history.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import queue
import random
import sys
import threading
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.db.models import F, Max, Q
from django.db.models.functions import Length, Substr
from django.utils import timezone
from tqdm import tqdm

from fangpin.core import idcard
from fangpin.core.errors import BadValue
from fangpin.core.money import yuan
from fangpin.regions.models import Level, Region, canonical_code
from fangpin.regions.services import regions_load

from .choices import CAN_WORK, Education, Health, HousingGrade, Labour, Relation, SchoolStatus
from .models import Guarantee, Household, IncomeRecord, Membership, Person

# The seven counties of Pingdingshan that carry consolidation tasks (seed article).
TASK_COUNTIES: tuple[str, ...] = (
    "410404",  # 石龙区
    "410421",  # 宝丰县
    "410422",  # 叶县
    "410423",  # 鲁山县
    "410425",  # 郏县
    "410481",  # 舞钢市
    "410482",  # 汝州市
)

MALE, FEMALE = "男", "女"
# Membership of seeded persons starts with the registry itself (建档立卡 began in 2014).
REGISTRY_START = dt.date(2014, 4, 1)
MAX_HOUSEHOLD_SEQUENCE = 9999
MAX_MEMBERS = 7
# Plain strings: enum attribute access is measurably slow in the per-person loop.
_HEALTHY, _CHRONIC, _SERIOUS, _DISABLED = (str(h.value) for h in Health)
_CAN_WORK = frozenset(str(v) for v in CAN_WORK)

# Common surnames, most frequent first (Henan order: 王, 李, 张, 刘 lead by far).
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
    "叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏付方白邹孟熊秦邱江尹薛闫段雷侯史陶贺顾"
    "毛郝龚邵万钱严武戴孔汤牛耿翟聂申常"
)
_SURNAME_WEIGHTS = [1.0 / (rank + 3) for rank in range(len(SURNAMES))]
# Villages named after a clan (孙庄, 马其营, 王子孟) are mostly of that surname.
_CLAN_VILLAGE_SHARE = 0.45


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Given names by birth cohort and sex: whole names, then characters to compose more.
_NAMES: dict[tuple[int, str], tuple[str, ...]] = {
    (1940, MALE): _words(
        "建国 国强 春生 德全 保国 振华 长顺 铁柱 富贵 德胜 福山 玉堂 金山 长林 满囤 "
        "广才 志远 清河 守义 有才 宝山 洪亮 占魁 树林 新民"
    ),
    (1940, FEMALE): _words(
        "秀英 桂兰 玉兰 凤英 淑珍 桂英 秀兰 翠花 春花 玉梅 素珍 桂荣 金凤 玉珍 秀芝 "
        "爱莲 凤兰 秀云 桂花 玉英 荣华 改英 小妮 菊香"
    ),
    (1965, MALE): _words(
        "卫东 红伟 建伟 国伟 志强 海涛 永刚 军 勇 涛 磊 强 伟 刚 亮 辉 明 建军 红军 "
        "晓东 新华 振东 跃进 学军 国庆 保卫 红旗 春雷"
    ),
    (1965, FEMALE): _words(
        "丽 霞 娟 艳 红霞 丽娟 海燕 静 芳 敏 玲 燕 晓燕 红梅 小红 丽萍 彩霞 春霞 "
        "玉霞 秀丽 红英 爱华 桂香 素芳"
    ),
    (1988, MALE): _words(
        "浩 宇 博 鑫 佳豪 子豪 浩然 俊杰 一鸣 家乐 鹏飞 帅 超 阳 晨 凯 航 鹏 飞 龙 "
        "旭东 振宇 梦龙 亚飞 朋辉 晓峰"
    ),
    (1988, FEMALE): _words(
        "婷 雪 欣怡 梦瑶 佳怡 雨涵 思雨 可馨 诗涵 倩 璐 莹 欢 甜甜 晓雪 梦洁 亚楠 "
        "佳佳 冰冰 园园 静静 晶晶 盼盼 朵朵"
    ),
    (2008, MALE): _words(
        "梓涵 子轩 浩宇 宇轩 沐阳 一诺 子墨 锦程 奕辰 宇航 梓睿 俊熙 明轩 浩轩 睿 "
        "家豪 天佑 嘉乐 铭泽 思远 博文 宸 逸凡 皓轩"
    ),
    (2008, FEMALE): _words(
        "梓萱 欣妍 若汐 语桐 依诺 梓涵 可欣 雨桐 诗琪 子涵 一一 芊芊 佳琪 悦 "
        "欣然 思彤 雨萱 语嫣 梦琪 紫涵 安然 沐晴 心怡 书瑶"
    ),
}
_FIRST_CHARS: dict[tuple[int, str], str] = {
    (1940, MALE): "建国德保振长富玉金广志守有洪树新",
    (1940, FEMALE): "秀桂玉凤淑翠春素金爱改荣",
    (1965, MALE): "卫红建国志海永晓新振跃学保春",
    (1965, FEMALE): "丽红海晓彩春玉秀爱桂素小",
    (1988, MALE): "浩子俊家鹏振梦亚朋晓旭宇",
    (1988, FEMALE): "欣梦佳雨思可诗晓亚园静",
    (2008, MALE): "梓子浩宇沐锦奕俊明天嘉铭思博逸",
    (2008, FEMALE): "梓欣若语依可雨诗子芊佳思紫沐心书",
}
_SECOND_CHARS: dict[tuple[int, str], str] = {
    (1940, MALE): "全华林山才胜义堂福亮民生",
    (1940, FEMALE): "英兰珍花梅荣芝莲香云凤",
    (1965, MALE): "东伟强涛刚军华雷庆民峰杰",
    (1965, FEMALE): "霞娟燕梅红萍丽英华芳敏",
    (1988, MALE): "然杰乐飞辉峰宇龙豪博凯",
    (1988, FEMALE): "怡瑶涵雨馨洁楠雪琪倩莹",
    (2008, MALE): "轩阳诺墨程辰航睿熙泽远文",
    (2008, FEMALE): "萱妍汐桐诺欣琪涵彤然晴怡",
}

_HOUSING_GRADES = (HousingGrade.A, HousingGrade.B, HousingGrade.C, HousingGrade.D)
_HOUSING_WEIGHTS = (70.0, 27.0, 2.3, 0.7)
_VILLAGE_SUFFIXES = ("村民委员会委会", "村民委员会", "村委会", "居民委员会", "居委会")


@dataclass(frozen=True)
class SeedResult:
    households: int
    persons: int
    seconds: float


@dataclass
class _Village:
    code: str
    address: str  # 县 + 乡镇 + 村, e.g. 宝丰县周庄镇周庄村
    clan: str | None  # a surname the village is named after, if any
    next_number: int  # next 4-digit household sequence


@dataclass
class _Member:
    relation: str
    age: int
    sex: str
    surname: str
    person: dict[str, Any] = field(default_factory=dict)


def short_village_name(name: str) -> str:
    """周庄村村民委员会 -> 周庄村; 陈营社区居委会 -> 陈营社区."""
    for suffix in _VILLAGE_SUFFIXES:
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            if suffix.startswith("村") and not stem.endswith(("村", "庄")):
                stem += "村"
            return stem
    return name


def _villages(regions: Sequence[str]) -> list[Region]:
    """The village-level regions under the given codes; rural villages (村委会, 2xx/3xx) first.

    Loads the bundled division tree when a code is not there yet.
    """
    chosen: list[Region] = []
    for raw in regions:
        code = canonical_code(raw)
        base = Region.objects.filter(level=Level.VILLAGE, code__startswith=code).order_by("code")
        if not base.exists():
            # Not in the bundled data either: reported just below.
            with contextlib.suppress(BadValue):
                regions_load(city=code[:4])
        found = list(base)
        if not found:
            raise BadValue(f"区划 {raw} 下没有村级区划,无法生成农户", code="unknown_region")
        # Statistics codes: the 10th digit 0/1 is an urban community, 2/3 a village committee.
        rural = [v for v in found if v.code[9] in "23"]
        chosen.extend(rural or found)
    unique = {v.code: v for v in chosen}
    return [unique[c] for c in sorted(unique)]


def _next_numbers(codes: list[str]) -> dict[str, int]:
    """Next free 4-digit sequence per village, after the numbers already stored."""
    found = (
        Household.objects.filter(village_id__in=codes)
        .annotate(stem=Substr("number", 1, 12), size=Length("number"))
        .filter(stem=F("village_id"), size=16)
        .values("village_id")
        .annotate(last=Max("number"))
    )
    nexts = dict.fromkeys(codes, 1)
    for row in found:
        tail = row["last"][12:]
        if tail.isdigit():
            nexts[row["village_id"]] = int(tail) + 1
    return nexts


class _IdNumbers:
    """Allocates 18-digit ID numbers that never collide with stored ones.

    For each (county, birth date) the next sequence continues after the highest stored one,
    so repeated runs with any seed stay unique. A fresh key starts at a deterministic offset
    (not at 001, which would look made up). Odd sequences are men, even ones women.
    """

    def __init__(self, counties: set[str]) -> None:
        self.next: dict[str, int] = {}
        if not counties:
            return
        query = Q()
        for county in counties:
            query |= Q(id_number__startswith=county)
        rows = (
            Person.objects.filter(query)
            .annotate(key=Substr("id_number", 1, 14), seq=Substr("id_number", 15, 3))
            .values("key")
            .annotate(last=Max("seq"))
        )
        for row in rows:
            if row["last"].isdigit():
                self.next[row["key"]] = int(row["last"]) + 1

    def take(self, county: str, birth: dt.date, sex: str) -> tuple[str, dt.date]:
        while True:
            key = f"{county}{birth:%Y%m%d}"
            seq = self.next.get(key)
            if seq is None:
                seq = zlib.crc32(key.encode()) % 300 + 10
            if (seq % 2 == 1) != (sex == MALE):
                seq += 1
            if seq <= 999:
                self.next[key] = seq + 1
                return idcard.make(county, birth, seq), birth
            # This birthday is full in this county: the day before is as believable (and
            # never lies in the future).
            birth -= dt.timedelta(days=1)


class _Generator:
    def __init__(self, rng: random.Random, today: dt.date, line: Decimal) -> None:
        self.rng = rng
        self.today = today
        self.line = line

    # -- people -----------------------------------------------------------------------------
    def _surname(self, village: _Village) -> str:
        if village.clan and self.rng.random() < _CLAN_VILLAGE_SHARE:
            return village.clan
        return self.rng.choices(SURNAMES, weights=_SURNAME_WEIGHTS)[0]

    def _other_surname(self, than: str) -> str:
        while True:
            name = self.rng.choices(SURNAMES, weights=_SURNAME_WEIGHTS)[0]
            if name != than:
                return name

    def _given(self, birth_year: int, sex: str) -> str:
        cohort = 2008 if birth_year >= 2002 else 1988 if birth_year >= 1982 else 1965
        if birth_year < 1958:
            cohort = 1940
        key = (cohort, sex)
        if self.rng.random() < 0.6:
            return self.rng.choice(_NAMES[key])
        return self.rng.choice(_FIRST_CHARS[key]) + self.rng.choice(_SECOND_CHARS[key])

    def _child_sex(self) -> str:
        return MALE if self.rng.random() < 0.53 else FEMALE

    def family(self, village: _Village) -> list[_Member]:
        """Relations, ages and sexes of one household's members, head first."""
        rng = self.rng
        clan = self._surname(village)
        r = rng.random()
        if r < 0.07:  # an old widow or widower alone
            sex = FEMALE if rng.random() < 0.6 else MALE
            return [_Member(Relation.HEAD, rng.randint(65, 92), sex, clan)]
        if r < 0.10:  # a single middle-aged man (光棍)
            return [_Member(Relation.HEAD, rng.randint(35, 64), MALE, clan)]
        if r < 0.26:  # an elderly couple whose children have their own households
            head = rng.randint(60, 88)
            wife = max(55, head + rng.randint(-5, 2))
            return [
                _Member(Relation.HEAD, head, MALE, clan),
                _Member(Relation.SPOUSE, wife, FEMALE, self._other_surname(clan)),
            ]
        if r < 0.33:  # grandparents raising left-behind grandchildren
            head = rng.randint(55, 76)
            members = [_Member(Relation.HEAD, head, MALE, clan)]
            if rng.random() < 0.85:
                wife = head + rng.randint(-5, 2)
                members.append(_Member(Relation.SPOUSE, wife, FEMALE, self._other_surname(clan)))
            for _ in range(rng.choices((1, 2, 3), weights=(55, 38, 7))[0]):
                sex = self._child_sex()
                rel = Relation.GRANDSON if sex == MALE else Relation.GRANDDAUGHTER
                members.append(_Member(rel, rng.randint(2, 15), sex, clan))
            return members
        if r < 0.76:  # a couple with children, sometimes with a parent
            return self._nuclear(clan)[:MAX_MEMBERS]
        return self._three_generations(clan)[:MAX_MEMBERS]

    def _nuclear(self, clan: str) -> list[_Member]:
        rng = self.rng
        head = rng.randint(26, 56)
        widowed = rng.random() < 0.06
        head_sex = FEMALE if widowed and rng.random() < 0.6 else MALE
        members = [_Member(Relation.HEAD, head, head_sex, clan)]
        if not widowed:
            wife = max(21, head + rng.randint(-4, 2))
            members.append(_Member(Relation.SPOUSE, wife, FEMALE, self._other_surname(clan)))
        eldest = min(head - 21, 30)
        if eldest >= 0:
            count = rng.choices((1, 2, 3), weights=(35, 50, 15))[0]
            age = rng.randint(max(0, eldest - 8), eldest)
            for _ in range(count):
                sex = self._child_sex()
                members.append(
                    _Member(Relation.SON if sex == MALE else Relation.DAUGHTER, age, sex, clan)
                )
                age -= rng.randint(2, 6)
                if age < 0:
                    break
        if rng.random() < 0.3:
            base = head + rng.randint(23, 32)
            if base <= 90 and rng.random() < 0.6:
                members.append(_Member(Relation.FATHER, base, MALE, clan))
            mother = base + rng.randint(-5, 1)
            if mother <= 92:
                members.append(_Member(Relation.MOTHER, mother, FEMALE, self._other_surname(clan)))
        return members

    def _three_generations(self, clan: str) -> list[_Member]:
        rng = self.rng
        head = rng.randint(50, 73)
        members = [_Member(Relation.HEAD, head, MALE, clan)]
        if rng.random() < 0.88:
            wife = head + rng.randint(-5, 2)
            members.append(_Member(Relation.SPOUSE, wife, FEMALE, self._other_surname(clan)))
        son = max(22, head - rng.randint(22, 30))
        members.append(_Member(Relation.SON, son, MALE, clan))
        members.append(
            _Member(
                Relation.DAUGHTER_IN_LAW,
                max(20, son + rng.randint(-3, 2)),
                FEMALE,
                self._other_surname(clan),
            )
        )
        oldest = min(son - 21, 16)
        if oldest >= 0:
            age = rng.randint(0, oldest)
            for _ in range(rng.choices((1, 2, 3), weights=(40, 48, 12))[0]):
                sex = self._child_sex()
                rel = Relation.GRANDSON if sex == MALE else Relation.GRANDDAUGHTER
                members.append(_Member(rel, age, sex, clan))
                age -= rng.randint(1, 5)
                if age < 0:
                    break
        if rng.random() < 0.15 and son > 24:
            members.append(_Member(Relation.DAUGHTER, rng.randint(16, son - 2), FEMALE, clan))
        return members

    def birth_date(self, age: int) -> dt.date:
        today = self.today
        # A birthday within the 365 days that make this person `age` years old today.
        latest = (
            today.replace(year=today.year - age)
            if not _leap_day(today)
            else (dt.date(today.year - age, 2, 28))
        )
        return latest - dt.timedelta(days=self.rng.randrange(365))

    def attributes(self, age: int, birth_year: int, relation: str) -> dict[str, Any]:
        """Health, labour, education and school status, plausible for the age."""
        rng = self.rng
        # Health
        roll = rng.random()
        if age < 16:
            bands = (0.97, 0.985, 0.99)
        elif age < 45:
            bands = (0.92, 0.96, 0.975)
        elif age < 65:
            bands = (0.78, 0.91, 0.95)
        else:
            bands = (0.56, 0.87, 0.93)
        if roll < bands[0]:
            health = _HEALTHY
        elif roll < bands[1]:
            health = _CHRONIC
        elif roll < bands[2]:
            health = _SERIOUS
        else:
            health = _DISABLED
            if age >= 45 and rng.random() < 0.3:
                health = f"{_DISABLED},{_CHRONIC}"
        grade = None
        if _DISABLED in health:
            grade = rng.choices((1, 2, 3, 4), weights=(10, 25, 30, 35))[0]

        # School
        school = SchoolStatus.NOT_IN_SCHOOL.value
        if 3 <= age <= 5:
            school = SchoolStatus.PRESCHOOL.value
        elif 6 <= age <= 11:
            school = SchoolStatus.PRIMARY.value
        elif 12 <= age <= 14:
            school = (SchoolStatus.GRADE7, SchoolStatus.GRADE8, SchoolStatus.GRADE9)[age - 12].value
        elif 15 <= age <= 17 and rng.random() < 0.78:
            grade_no = age - 15
            senior = (SchoolStatus.SENIOR1, SchoolStatus.SENIOR2, SchoolStatus.SENIOR3)
            vocational = (
                SchoolStatus.VOCATIONAL1,
                SchoolStatus.VOCATIONAL2,
                SchoolStatus.VOCATIONAL3,
            )
            school = (senior if rng.random() < 0.6 else vocational)[grade_no].value
        elif 18 <= age <= 21 and rng.random() < 0.35:
            school = (
                SchoolStatus.HIGHER_VOCATIONAL.value
                if rng.random() < 0.55
                else SchoolStatus.UNDERGRADUATE.value
            )
        if grade in (1, 2) and age < 16:
            school = SchoolStatus.NOT_IN_SCHOOL.value if age >= 6 and rng.random() < 0.5 else school

        # Education (highest level reached)
        if age < 6:
            education = Education.PRESCHOOL.value
        elif age <= 12:
            education = Education.PRIMARY.value
        elif age <= 15:
            education = Education.JUNIOR.value
        elif school != SchoolStatus.NOT_IN_SCHOOL.value:
            education = Education.COLLEGE.value if age >= 18 else Education.SENIOR.value
        else:
            levels = (
                Education.ILLITERATE,
                Education.PRIMARY,
                Education.JUNIOR,
                Education.SENIOR,
                Education.COLLEGE,
            )
            if birth_year < 1955:
                weights: tuple[float, ...] = (40, 45, 13, 2, 0)
            elif birth_year < 1970:
                weights = (10, 40, 42, 8, 0)
            elif birth_year < 1990:
                weights = (2, 15, 60, 17, 6)
            else:
                weights = (0, 3, 42, 30, 25)
            education = rng.choices(levels, weights=weights)[0].value

        # Labour
        seriously_ill = _SERIOUS in health or grade in (1, 2)
        if age < 16 or school != SchoolStatus.NOT_IN_SCHOOL.value:
            labour = Labour.NONE.value
        elif seriously_ill:
            labour = Labour.LOST.value
        elif age < 60:
            labour = rng.choices(
                (Labour.ORDINARY, Labour.SKILLED, Labour.WEAK), weights=(70, 20, 10)
            )[0].value
        elif age < 70:
            labour = rng.choices((Labour.WEAK, Labour.ORDINARY, Labour.LOST), weights=(60, 30, 10))[
                0
            ].value
        else:
            labour = rng.choices((Labour.WEAK, Labour.LOST, Labour.NONE), weights=(30, 40, 30))[
                0
            ].value
        return {
            "health": health,
            "labour": labour,
            "education": education,
            "school_status": school,
            "disability_grade": grade,
        }

    def phone(self) -> str:
        prefix = self.rng.choice(
            (
                "134",
                "136",
                "137",
                "138",
                "139",
                "150",
                "151",
                "152",
                "155",
                "157",
                "158",
                "176",
                "177",
                "182",
                "183",
                "185",
                "186",
                "187",
                "188",
                "189",
                "199",
            )
        )
        return f"{prefix}{self.rng.randrange(10**8):08d}"

    # -- money ------------------------------------------------------------------------------
    def income(self, members: list[_Member], alleviated: bool) -> dict[str, Any]:
        """One year's income, around the line: most above, some below (DOMAIN §2)."""
        rng = self.rng
        size = len(members)
        workers = sum(1 for m in members if m.person["labour"] in _CAN_WORK and 16 <= m.age < 65)
        elders = sum(1 for m in members if m.age >= 60)
        ill = any(_SERIOUS in m.person["health"] or _CHRONIC in m.person["health"] for m in members)
        line = float(self.line)
        if workers == 0:
            median = line * 1.12
        elif alleviated:
            median = line * 1.55
        else:
            median = line * 1.95
        per_capita = median * rng.lognormvariate(0, 0.3)
        net = per_capita * size
        transfer = float(elders * rng.randint(1700, 2600) + size * rng.randint(120, 420))
        if any(m.person["disability_grade"] for m in members):
            transfer += 1200
        land_rent = 0.0 if rng.random() < 0.6 else float(rng.randint(300, 2500))
        rest = net - transfer - land_rent
        wage = operating_net = 0.0
        if rest > 0:
            operating_net = rest * (rng.uniform(0.1, 0.45) if workers else 1.0)
            wage = rest - operating_net
        cost_ratio = rng.uniform(0.3, 0.55)
        operating = operating_net / (1 - cost_ratio)
        out_of_pocket = Decimal(0)
        payout = Decimal(0)
        if ill:
            out_of_pocket = Decimal(rng.randint(800, 28000))
            if rng.random() < 0.3:
                payout = Decimal(rng.randint(500, 8000))
        parts = {
            "wage": Decimal(round(wage)),
            "operating": Decimal(round(operating)),
            "property": Decimal(round(land_rent)),
            "transfer": Decimal(round(transfer)),
            "operating_cost": Decimal(round(operating - operating_net)),
        }
        net_income = (
            parts["wage"]
            + parts["operating"]
            + parts["property"]
            + parts["transfer"]
            - parts["operating_cost"]
        )
        start = dt.date(self.today.year, 1, 1)
        recorded_on = start + dt.timedelta(days=rng.randrange((self.today - start).days + 1))
        return {
            "year": self.today.year,
            "recorded_on": recorded_on,
            **{k: yuan(v) for k, v in parts.items()},
            "insurance_payout": yuan(payout),
            "out_of_pocket_medical": yuan(out_of_pocket),
            "members": size,
            "net_income": yuan(net_income),
            "per_capita_net": yuan(net_income / size),
            "recorded_by_id": None,
        }

    def guarantee(self, members: list[_Member]) -> dict[str, Any]:
        rng = self.rng
        dropout = False
        children = [m for m in members if 6 <= m.age <= 15]
        if children and rng.random() < 0.004:
            # A child of compulsory-school age out of school: the education guarantee fails.
            child = rng.choice(children)
            child.person["school_status"] = SchoolStatus.NOT_IN_SCHOOL.value
            dropout = True
        assessed = self.today - dt.timedelta(days=rng.randrange(30, 330))
        return {
            "food_ok": rng.random() > 0.001,
            "clothing_ok": rng.random() > 0.001,
            "education_ok": not dropout,
            "medical_ok": rng.random() > 0.005,
            "housing_grade": rng.choices(_HOUSING_GRADES, weights=_HOUSING_WEIGHTS)[0].value,
            "water_ok": rng.random() > 0.012,
            "assessed_on": max(assessed, REGISTRY_START),
        }


def _leap_day(day: dt.date) -> bool:
    return day.month == 2 and day.day == 29


def _clan_of(short_name: str) -> str | None:
    """孙庄村 -> 孙: villages named 姓 + 庄/营/寨/楼/湾/岗/店/屯/洼/家."""
    if (
        len(short_name) >= 3
        and short_name[0] in SURNAMES
        and short_name[1] in "庄营寨楼湾岗店屯洼家圪沟"
    ):
        return short_name[0]
    return None


def _prepare_villages(regions: Sequence[str]) -> list[_Village]:
    villages = _villages(regions)
    parents = {
        r.code: r
        for r in Region.objects.filter(
            code__in={v.parent_id for v in villages if v.parent_id} | {v.code[:6] for v in villages}
        )
    }
    numbers = _next_numbers([v.code for v in villages])
    prepared = []
    for v in villages:
        short = short_village_name(v.name)
        township = parents.get(v.parent_id or "")
        county = parents.get(v.code[:6])
        address = "".join(
            part for part in (county and county.name, township and township.name, short) if part
        )
        prepared.append(_Village(v.code, address, _clan_of(short), numbers[v.code]))
    return prepared


_Tables = list[tuple[type[models.Model], list[dict[str, Any]]]]
_PREPARED_TYPES = frozenset({"DateField", "DateTimeField", "DecimalField"})


class _Writer:
    """Writes rows as dicts keyed by attribute name: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        # On PostgreSQL, outside a caller's transaction, a second thread (with its own
        # connection) writes batch N while this one builds batch N+1: COPY waits on the
        # server, which releases the GIL. Inside a transaction (tests, callers that need
        # all-or-nothing) everything is written on the caller's connection.
        self._queue: queue.Queue[_Tables | None] | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        if self.postgres and not connection.in_atomic_block:
            self._queue = queue.Queue(maxsize=2)
            self._thread = threading.Thread(target=self._run, name="seed-writer", daemon=True)
            self._thread.start()

    def submit(self, tables: _Tables) -> None:
        if self._queue is None:
            self._write_all(tables)
            return
        if self._error is not None:
            raise self._error
        self._queue.put(tables)

    def close(self) -> None:
        """Wait for the batches still queued; raise what the writer thread met, if anything."""
        if self._queue is not None and self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._queue = None
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        assert self._queue is not None
        try:
            while (tables := self._queue.get()) is not None:
                if self._error is not None:
                    continue  # drain, so that the producer never blocks
                try:
                    self._write_all(tables)
                except BaseException as exc:
                    self._error = exc
        finally:
            connection.close()  # this thread's own connection

    def _write_all(self, tables: _Tables) -> None:
        with transaction.atomic():
            for model, rows in tables:
                self.write(model, rows)

    def reserve_ids(self, model: type[models.Model], count: int) -> list[int]:
        if count == 0:
            return []
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [table, count],
                )
                return [row[0] for row in cursor.fetchall()]
            cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
            start = int(cursor.fetchone()[0]) + 1
        return list(range(start, start + count))

    def write(self, model: type[models.Model], rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        fields = model._meta.concrete_fields
        defaults = {f.attname: f.get_default() for f in fields if f.attname not in rows[0]}
        names = [f.attname for f in fields]
        table = connection.ops.quote_name(model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
        if self.postgres:
            sql = f"COPY {table} ({columns}) FROM STDIN"
            with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row([row[n] if n in row else defaults[n] for n in names])
            return
        # Elsewhere (SQLite): one executemany. bulk_create spends most of its time preparing
        # each value through the field; only dates, datetimes and decimals need that here.
        prepare = [f if f.get_internal_type() in _PREPARED_TYPES else None for f in fields]
        values = []
        for row in rows:
            line = []
            for name, field_ in zip(names, prepare, strict=True):
                value = row[name] if name in row else defaults[name]
                if field_ is not None and value is not None:
                    value = field_.get_db_prep_save(value, connection)
                line.append(value)
            values.append(line)
        marks = ", ".join(["%s"] * len(names))
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)


def registry_seed(
    *,
    households: int,
    random_seed: int = 0,
    regions: Sequence[str] = TASK_COUNTIES,
    today: dt.date | None = None,
    progress: bool = False,
    batch_size: int = 2000,
) -> SeedResult:
    """Add `households` synthetic households (with members, income and guarantees).

    `regions` are county, township or village codes; households are spread over the real
    villages under them, bigger villages getting more.
    """
    if households < 0:
        raise BadValue("农户数不能为负数", code="invalid_households")
    from fangpin.policy.services import monitoring_line

    started = time.perf_counter()
    today = today or timezone.localdate()
    rng = random.Random(random_seed)
    villages = _prepare_villages(regions)
    line = monitoring_line(today.year) or Decimal(8300)
    generator = _Generator(rng, today, line)
    ids = _IdNumbers({v.code[:6] for v in villages})
    # Village sizes vary: a log-normal weight per village, fixed by the seed.
    weights = [rng.lognormvariate(0, 0.45) for _ in villages]
    writer = _Writer()
    persons = 0
    bar = tqdm(total=households, unit="户", file=sys.stderr, disable=not progress, desc="生成农户")
    try:
        done = 0
        while done < households:
            size = min(batch_size, households - done)
            picks = rng.choices(range(len(villages)), weights=weights, k=size)
            tables = _build_batch(writer, generator, ids, villages, picks)
            writer.submit(tables)
            persons += len(tables[1][1])
            done += size
            bar.update(size)
    finally:
        writer.close()
        bar.close()
    return SeedResult(households, persons, time.perf_counter() - started)


def _build_batch(
    writer: _Writer,
    generator: _Generator,
    ids: _IdNumbers,
    villages: list[_Village],
    picks: list[int],
) -> _Tables:
    rng = generator.rng
    now = timezone.now()
    families: list[tuple[_Village, str, list[_Member]]] = []
    for index in picks:
        village = villages[index]
        # A full village (9999 households) sends the household to the next one with room.
        tries = 0
        while village.next_number > MAX_HOUSEHOLD_SEQUENCE and tries < len(villages):
            index = (index + 1) % len(villages)
            village = villages[index]
            tries += 1
        if village.next_number > MAX_HOUSEHOLD_SEQUENCE:
            raise BadValue("所选区划的户编号已用尽", code="household_numbers_exhausted")
        families.append(
            (village, f"{village.code}{village.next_number:04d}", generator.family(village))
        )
        village.next_number += 1

    member_total = sum(len(m) for _, _, m in families)
    household_ids = writer.reserve_ids(Household, len(families))
    person_ids = iter(writer.reserve_ids(Person, member_total))
    membership_ids = iter(writer.reserve_ids(Membership, member_total))
    income_ids = writer.reserve_ids(IncomeRecord, len(families))
    guarantee_ids = writer.reserve_ids(Guarantee, len(families))

    household_rows, person_rows, membership_rows, income_rows, guarantee_rows = (
        [],
        [],
        [],
        [],
        [],
    )
    for n, (village, number, members) in enumerate(families):
        household_id = household_ids[n]
        county = village.code[:6]
        for m in members:
            birth = generator.birth_date(m.age)
            id_number, birth = ids.take(county, birth, m.sex)
            person = {
                "id": next(person_ids),
                "id_number": id_number,
                "name": m.surname + generator._given(birth.year, m.sex),
                "sex": m.sex,
                "birth_date": birth,
                **generator.attributes(m.age, birth.year, m.relation),
                "phone": generator.phone() if 18 <= m.age <= 70 and rng.random() < 0.6 else "",
                "died_on": None,
            }
            m.person = person
            person_rows.append(person)
            membership_rows.append(
                {
                    "id": next(membership_ids),
                    "household_id": household_id,
                    "person_id": person["id"],
                    "relation": str(m.relation),
                    "started_on": max(birth, REGISTRY_START),
                    "ended_on": None,
                    "end_reason": "",
                }
            )
        head = members[0].person
        if not head["phone"] and rng.random() < 0.8:
            head["phone"] = generator.phone()
        frail = any(_SERIOUS in m.person["health"] or m.person["disability_grade"] for m in members)
        no_workers = not any(m.person["labour"] in _CAN_WORK and m.age < 65 for m in members)
        alleviated = rng.random() < 0.23 + 0.17 * frail + 0.12 * no_workers
        guarantee = generator.guarantee(members)
        household_rows.append(
            {
                "id": household_id,
                "number": number,
                "village_id": village.code,
                "grid_id": None,
                "address": f"{village.address}{rng.randint(1, 9)}组{rng.randint(1, 80)}号",
                "phone": head["phone"],
                "is_alleviated": alleviated,
                "head_name": head["name"],
                "member_count": len(members),
                "created_at": now,
                "updated_at": now,
            }
        )
        income_rows.append(
            {
                "id": income_ids[n],
                "household_id": household_id,
                **generator.income(members, alleviated),
            }
        )
        guarantee_rows.append(
            {"id": guarantee_ids[n], "household_id": household_id, **guarantee, "updated_at": now}
        )
    return [
        (Household, household_rows),
        (Person, person_rows),
        (Membership, membership_rows),
        (IncomeRecord, income_rows),
        (Guarantee, guarantee_rows),
    ]
