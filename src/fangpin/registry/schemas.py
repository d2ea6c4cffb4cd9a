"""API shapes of the registry (CONTRACT §4). Money leaves as strings with two decimals
(yuan), so no client ever sees a float; ID numbers and phones are masked unless the
user's role sees personal data, and where the ID number is masked the birth date is left out
(an age band instead): the masked digits are the birth date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from ninja import Field, Schema

from fangpin.core import idcard
from fangpin.core.bounds import SmallCount, Text16, Text32, Text64, Text100, Text200, Year, Yuan

from . import selectors
from .models import Guarantee, Household, IncomeRecord, Membership

PAGE_SIZE = 20
MAX_MEMBERS = 50


class MemberIn(Schema):
    name: Text64
    id_number: Text32
    relation: Text16 = Field(description="与户主关系,如 户主、配偶、之子")
    health: Text32 | None = Field(None, description="健康状况,可组合:残疾,长期慢性病")
    labour: Text16 | None = None
    education: Text16 | None = None
    school_status: Text16 | None = Field(None, description="在校生情况")
    disability_grade: SmallCount | None = Field(None, description="残疾等级 1-4")
    phone: Text32 | None = None


class HouseholdIn(Schema):
    village_code: Text32 = Field(description="12位村代码")
    is_alleviated: bool = Field(description="是否脱贫户")
    address: Text200 | None = None
    phone: Text32 | None = None
    members: list[MemberIn] = Field(description="成员,须有且只有一名户主", max_length=MAX_MEMBERS)


class HouseholdItem(Schema):
    id: int
    number: str = Field(description="户编号")
    village_code: str
    village_name: str
    head_name: str
    member_count: int
    is_alleviated: bool
    address: str
    phone: str


class HouseholdPage(Schema):
    items: list[HouseholdItem]
    count: int = Field(
        description="符合条件的农户数;超过 10000 时为 10000,且 count_capped 为 true(不逐一计数)"
    )
    count_capped: bool = Field(False, description="count 是否为上限值(实际更多)")
    page: int
    page_size: int
    next_cursor: str | None = Field(
        None, description="下一页的游标(作为 cursor= 传回);最后一页为 null"
    )


class MemberOut(Schema):
    person_id: int
    name: str
    id_number: str
    sex: str
    birth_date: dt.date | None = Field(
        description="出生日期;身份证号脱敏显示的角色看不到(为 null),只看到年龄段"
    )
    age_band: str = Field(description="年龄段,如 40-49岁")
    relation: str
    health: str
    labour: str
    education: str
    school_status: str
    disability_grade: int | None
    phone: str
    started_on: dt.date
    ended_on: dt.date | None
    end_reason: str
    employment_status: str = Field(
        description="就业状态:务工、灵活就业、公益岗、自主创业、未就业;空为未登记"
    )
    work_place: str = Field(description="就业地域:县内、省内县外、省外")
    work_place_text: str = Field(description="务工地点")
    employment_year: int | None = Field(description="就业情况所属年度")
    employment_months: int | None = Field(description="该年务工月数")


class EmploymentIn(Schema):
    employment_status: Text16 = Field(description="务工 | 灵活就业 | 公益岗 | 自主创业 | 未就业")
    work_place: Text16 = Field("", description="县内 | 省内县外 | 省外(已就业时必填)")
    work_place_text: Text100 = Field("", description="务工地点,如 浙江宁波")
    employment_year: Year | None = Field(None, description="所属年度,默认今年")
    employment_months: SmallCount | None = Field(None, description="该年务工月数 0-12")


class IncomeIn(Schema):
    """Amounts in yuan, at most 1,000,000,000 each (negatives are refused by the service)."""

    year: Year
    wage: Yuan = Decimal(0)
    operating: Yuan = Decimal(0)
    property: Yuan = Decimal(0)
    transfer: Yuan = Decimal(0)
    operating_cost: Yuan = Decimal(0)
    insurance_payout: Yuan | None = None
    out_of_pocket_medical: Yuan | None = None
    recorded_on: dt.date | None = None


class IncomeOut(Schema):
    id: int
    year: int
    recorded_on: dt.date
    wage: str
    operating: str
    property: str
    transfer: str
    operating_cost: str
    insurance_payout: str
    out_of_pocket_medical: str
    linked_wage: str = Field(description="工资性收入中来自联农带农(企业、帮扶车间)的部分")
    linked_property: str = Field(description="财产性收入中来自联农带农(租金、股金、利金)的部分")
    members: int = Field(description="核算时家庭人口")
    net_income: str = Field(description="家庭纯收入(元)")
    per_capita_net: str = Field(description="家庭人均纯收入(元,两位小数)")


class GuaranteesIn(Schema):
    food_ok: bool
    clothing_ok: bool
    education_ok: bool
    medical_ok: bool
    housing_grade: Text16 = Field(description="住房鉴定等级 A-D")
    water_ok: bool


class GuaranteesOut(GuaranteesIn):
    housing_ok: bool
    all_met: bool
    assessed_on: dt.date | None


class CaseBrief(Schema):
    id: int
    state: str
    category: str


class HouseholdOut(Schema):
    id: int
    number: str
    village_code: str
    village_name: str
    address: str
    phone: str
    is_alleviated: bool
    head_name: str
    member_count: int
    members: list[MemberOut]
    past_members: list[MemberOut]
    latest_income: IncomeOut | None
    guarantees: GuaranteesOut | None
    current_case: CaseBrief | None


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _id(value: str, personal: bool) -> str:
    return value if personal else idcard.mask(value)


def _phone(value: str, personal: bool) -> str:
    return value if personal else idcard.mask_phone(value)


def household_item(h: Household, personal: bool) -> dict[str, Any]:
    return {
        "id": h.pk,
        "number": h.number,
        "village_code": h.village_id,
        "village_name": h.village.name,
        "head_name": h.head_name,
        "member_count": h.member_count,
        "is_alleviated": h.is_alleviated,
        "address": h.address,
        "phone": _phone(h.phone, personal),
    }


def member_out(m: Membership, personal: bool) -> dict[str, Any]:
    p = m.person
    return {
        "person_id": p.pk,
        "name": p.name,
        "id_number": _id(p.id_number, personal),
        "sex": p.sex,
        "birth_date": p.birth_date if personal else None,
        "age_band": idcard.age_band(p.birth_date, m.ended_on or timezone.localdate()),
        "relation": m.relation,
        "health": p.health,
        "labour": p.labour,
        "education": p.education,
        "school_status": p.school_status,
        "disability_grade": p.disability_grade,
        "phone": _phone(p.phone, personal),
        "started_on": m.started_on,
        "ended_on": m.ended_on,
        "end_reason": m.end_reason,
        "employment_status": p.employment_status,
        "work_place": p.work_place,
        "work_place_text": p.work_place_text,
        "employment_year": p.employment_year,
        "employment_months": p.employment_months,
    }


def income_out(r: IncomeRecord) -> dict[str, Any]:
    money = (
        "wage",
        "operating",
        "property",
        "transfer",
        "operating_cost",
        "insurance_payout",
        "out_of_pocket_medical",
        "linked_wage",
        "linked_property",
        "net_income",
        "per_capita_net",
    )
    out: dict[str, Any] = {"id": r.pk, "year": r.year, "recorded_on": r.recorded_on}
    out["members"] = r.members
    out.update({name: _money(getattr(r, name)) for name in money})
    return out


def guarantees_out(g: Guarantee) -> dict[str, Any]:
    return {
        "food_ok": g.food_ok,
        "clothing_ok": g.clothing_ok,
        "education_ok": g.education_ok,
        "medical_ok": g.medical_ok,
        "housing_grade": g.housing_grade,
        "water_ok": g.water_ok,
        "housing_ok": g.housing_ok,
        "all_met": g.all_met,
        "assessed_on": g.assessed_on,
    }


def household_out(h: Household, personal: bool) -> dict[str, Any]:
    income = selectors.household_latest_income(household=h)
    guarantee = selectors.household_guarantee(household=h)
    case = selectors.household_open_case(household=h)
    out = household_item(h, personal)
    out.update(
        members=[member_out(m, personal) for m in selectors.household_members(household=h)],
        past_members=[
            member_out(m, personal) for m in selectors.household_past_members(household=h)
        ],
        latest_income=income_out(income) if income is not None else None,
        guarantees=guarantees_out(guarantee) if guarantee is not None else None,
        current_case=(
            {"id": case.pk, "state": case.state, "category": case.category}
            if case is not None
            else None
        ),
    )
    return out
