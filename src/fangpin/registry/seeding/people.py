"""Generated families: members, ages, health, incomes and valid ID numbers."""

from __future__ import annotations

import datetime as dt
import random
import zlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Max, Q
from django.db.models.functions import Substr

from fangpin.core import idcard
from fangpin.core.money import yuan

from ..choices import CAN_WORK, Education, Health, Labour, Relation, SchoolStatus
from ..models import Person
from .households import _HOUSING_GRADES, _HOUSING_WEIGHTS, MAX_MEMBERS, REGISTRY_START, _Village
from .names import (
    _CLAN_VILLAGE_SHARE,
    _FIRST_CHARS,
    _NAMES,
    _SECOND_CHARS,
    _SURNAME_WEIGHTS,
    FEMALE,
    MALE,
    SURNAMES,
)

# Plain strings: enum attribute access is measurably slow in the per-person loop.
_HEALTHY, _CHRONIC, _SERIOUS, _DISABLED = (str(h.value) for h in Health)
_CAN_WORK = frozenset(str(v) for v in CAN_WORK)


@dataclass
class _Member:
    relation: str
    age: int
    sex: str
    surname: str
    person: dict[str, Any] = field(default_factory=dict)


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
