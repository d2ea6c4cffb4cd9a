"""Generated circumstances of a family's members: health, labour, schooling, phones, the
household's income and its 两不愁三保障 guarantees, plausible for each member's age."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from fangpin.core.money import yuan

from ..choices import CAN_WORK, Education, Health, Labour, SchoolStatus
from .households import _HOUSING_GRADES, _HOUSING_WEIGHTS, REGISTRY_START

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


class _Circumstances:
    """Mixed into the family generator: everything after who the members are."""

    rng: random.Random
    today: dt.date
    line: Decimal

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
