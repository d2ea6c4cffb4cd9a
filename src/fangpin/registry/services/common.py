"""Shared pieces of the registry services: error codes, member data and its checks, the
writer and scope checks, and saving with the acting user recorded for simple-history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Model
from django.utils import timezone

from fangpin.core import idcard
from fangpin.core.errors import BadValue, Conflict, Forbidden, NotFound
from fangpin.core.phone import clean_phone
from fangpin.core.scoping import covers, get_scoped
from fangpin.regions.models import Level, Region

from ..choices import (
    EDUCATION_VALUES,
    HEALTH_VALUES,
    LABOUR_VALUES,
    RELATIONS,
    SCHOOL_STATUS_VALUES,
    WRITER_ROLES,
    Relation,
    health_values,
)
from ..error_codes import RegistryErrorCode
from ..models import Household, Membership, Person

# Stable error codes (tests and API clients match on these).

if TYPE_CHECKING:
    from fangpin.accounts.models import User


ROLE_READ_ONLY = RegistryErrorCode.ROLE_READ_ONLY
VILLAGE_NOT_FOUND = RegistryErrorCode.VILLAGE_NOT_FOUND
HEAD_COUNT = RegistryErrorCode.HEAD_COUNT
DUPLICATE_PERSON = RegistryErrorCode.DUPLICATE_PERSON
PERSON_IN_OTHER_HOUSEHOLD = RegistryErrorCode.PERSON_IN_OTHER_HOUSEHOLD
INVALID_CHOICE = RegistryErrorCode.INVALID_CHOICE
EMPTY_NAME = RegistryErrorCode.EMPTY_NAME
NO_MEMBERS = RegistryErrorCode.NO_MEMBERS
NOT_A_MEMBER = RegistryErrorCode.NOT_A_MEMBER
HEAD_REQUIRED = RegistryErrorCode.HEAD_REQUIRED
NEGATIVE_AMOUNT = RegistryErrorCode.NEGATIVE_AMOUNT
INVALID_AMOUNT = RegistryErrorCode.INVALID_AMOUNT
INVALID_YEAR = RegistryErrorCode.INVALID_YEAR
SAME_HOUSEHOLD = RegistryErrorCode.SAME_HOUSEHOLD
EMPTY_HOUSEHOLD = RegistryErrorCode.EMPTY_HOUSEHOLD

HOUSEHOLD_NUMBER_SEQUENCE_DIGITS = 4


@dataclass(frozen=True)
class MemberData:
    """One member as given by a form, the API or an import row (values not yet checked)."""

    name: str
    id_number: str
    relation: str
    health: str = ""
    labour: str = ""
    education: str = ""
    school_status: str = ""
    disability_grade: int | None = None
    phone: str = ""

    @classmethod
    def of(cls, data: MemberData | Mapping[str, Any]) -> MemberData:
        if isinstance(data, MemberData):
            return data
        known: dict[str, Any] = {
            k: ("" if v is None and k != "disability_grade" else v)
            for k, v in data.items()
            if k in cls.__dataclass_fields__
        }
        return cls(**known)


@dataclass(frozen=True)
class CleanMember:
    name: str
    id_number: idcard.IdNumber
    relation: str
    health: str
    labour: str
    education: str
    school_status: str
    disability_grade: int | None
    phone: str


def require_writer(user: User) -> None:
    """Refuse roles that only read (city, department, viewer): 403."""
    if user.role not in WRITER_ROLES:
        raise Forbidden("您的角色只能查看农户信息,不能修改", code=ROLE_READ_ONLY)


def _writable_household(user: User, household_id: int | str) -> Household:
    require_writer(user)
    return get_scoped(Household.objects.select_for_update(), user, pk=household_id)


def _village(user: User | None, code: str) -> Region:
    code = idcard.clean(code or "")
    village = Region.objects.filter(code=code, level=Level.VILLAGE).first()
    # Unknown and foreign villages answer alike, so codes outside the region stay unseen.
    if village is None or (user is not None and not covers(user, village.code)):
        raise NotFound(f"村代码 {code} 不存在或不在您的管辖范围内", code=VILLAGE_NOT_FOUND)
    return village


def clean_choice(value: str | None, allowed: frozenset[str], label: str) -> str:
    text = (value or "").strip()
    if text and text not in allowed:
        raise BadValue(f"{label}“{text}”不在代码表中", code=INVALID_CHOICE)
    return text


def clean_health(value: str | None) -> str:
    parts = health_values(value or "")
    for part in parts:
        clean_choice(part, HEALTH_VALUES, "健康状况")
    return ",".join(parts) or "健康"


def clean_disability_grade(value: object) -> int | None:
    """残疾等级 1-4 ("2", 2, "2级"); blank is None."""
    text = str(value if value is not None else "").strip().removesuffix("级")
    if not text:
        return None
    try:
        grade = int(float(text))
    except ValueError:
        raise BadValue("残疾等级应为1-4", code=INVALID_CHOICE) from None
    if not 1 <= grade <= 4:
        raise BadValue("残疾等级应为1-4", code=INVALID_CHOICE)
    return grade


def clean_member(data: MemberData | Mapping[str, Any]) -> CleanMember:
    """Check one member's values; raise BadValue naming the field."""
    m = MemberData.of(data)
    # Names keep their inner characters; only surrounding and doubled spaces go.
    name = " ".join(str(m.name or "").split())
    if not name:
        raise BadValue("姓名不能为空", code=EMPTY_NAME)
    number = idcard.parse(m.id_number)
    relation = clean_choice(m.relation, RELATIONS, "与户主关系")
    if not relation:
        raise BadValue("与户主关系不能为空", code=INVALID_CHOICE)
    grade = clean_disability_grade(m.disability_grade)
    return CleanMember(
        name=name,
        id_number=number,
        relation=relation,
        health=clean_health(m.health),
        labour=clean_choice(m.labour, LABOUR_VALUES, "劳动技能"),
        education=clean_choice(m.education, EDUCATION_VALUES, "文化程度"),
        school_status=clean_choice(m.school_status, SCHOOL_STATUS_VALUES, "在校生情况"),
        disability_grade=grade,
        phone=clean_phone(m.phone),
    )


def _with_user(obj: Model, user: User | None, reason: str = "") -> Model:
    obj._history_user = user  # type: ignore[attr-defined]
    if reason:
        obj._change_reason = reason  # type: ignore[attr-defined]
    return obj


def _save(obj: Model, user: User | None, reason: str = "", **kwargs: Any) -> None:
    _with_user(obj, user, reason).save(**kwargs)


def _today() -> dt.date:
    return timezone.localdate()


def next_household_number(village: Region) -> str:
    """户编号 for a new household: the village code and a 4-digit sequence."""
    numbers = Household.objects.filter(number__startswith=village.code).values_list(
        "number", flat=True
    )
    last = 0
    for number in numbers:
        tail = number[len(village.code) :]
        if tail.isdigit():
            last = max(last, int(tail))
    return f"{village.code}{last + 1:0{HOUSEHOLD_NUMBER_SEQUENCE_DIGITS}d}"


def _person_for(clean: CleanMember, user: User | None) -> Person:
    """The person with this ID number, updated from `clean`; or a new one. Refuse a person
    who is still a current member of another household."""
    person = Person.objects.select_for_update().with_id_number(clean.id_number.value).first()
    if person is not None:
        if Membership.objects.filter(person=person, ended_on__isnull=True).exists():
            raise Conflict(
                f"{clean.name}({idcard.mask(clean.id_number.value)})已是另一农户的成员,"
                "请先办理迁出或分户",
                code=PERSON_IN_OTHER_HOUSEHOLD,
            )
    else:
        person = Person(id_number=clean.id_number.value)
    person.name = clean.name
    person.sex = clean.id_number.sex
    person.birth_date = clean.id_number.birth_date
    person.health = clean.health
    person.labour = clean.labour
    person.education = clean.education
    person.school_status = clean.school_status
    person.disability_grade = clean.disability_grade
    person.phone = clean.phone
    _save(person, user)
    return person


def _refresh_denormalised(household: Household, user: User | None, reason: str = "") -> None:
    """Recompute 户主姓名 and 家庭人口 from the current memberships."""
    current = list(household.memberships.filter(ended_on__isnull=True).select_related("person"))
    heads = [m.person.name for m in current if m.relation == Relation.HEAD]
    head_name = heads[0] if heads else ""
    if household.head_name != head_name or household.member_count != len(current):
        household.head_name = head_name
        household.member_count = len(current)
        _save(household, user, reason, update_fields=["head_name", "member_count", "updated_at"])


def _check_members(members: Sequence[CleanMember]) -> None:
    if not members:
        raise BadValue("农户至少要有一名成员", code=NO_MEMBERS)
    heads = sum(1 for m in members if m.relation == Relation.HEAD)
    if heads != 1:
        raise BadValue(f"一户必须有且只有一名户主(现有 {heads} 名)", code=HEAD_COUNT)
    seen: set[str] = set()
    for m in members:
        if m.id_number.value in seen:
            raise BadValue(f"同一人({m.name})重复填写了两次", code=DUPLICATE_PERSON)
        seen.add(m.id_number.value)


def _member_problem(index: int, exc: BadValue) -> BadValue:
    return BadValue(f"第{index}名成员:{exc.detail}", code=exc.code)


def household_for_write(*, user: User, household_id: int | str) -> Household:
    """The household if the user may change it: 403 for read-only roles, 404 out of scope."""
    require_writer(user)
    return get_scoped(Household.objects.all(), user, pk=household_id)
