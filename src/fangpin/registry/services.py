"""Writes to the registry. Persons are never deleted and memberships are never rewritten:
a member who leaves gets `ended_on`; 分户 and 合户 end memberships and start new ones.

Every save names the acting user (`_history_user`), so simple-history records who changed
what even for API calls authenticated by token, where the request has no session user.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, TYPE_CHECKING, Any

from django.core.files.base import File
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from fangpin.core import idcard
from fangpin.core.errors import BadValue, Conflict, Forbidden, NotFound
from fangpin.core.money import yuan
from fangpin.core.scoping import covers, get_scoped
from fangpin.regions.models import Level, Region

from .choices import (
    EDUCATION_VALUES,
    END_REASONS,
    HEALTH_VALUES,
    LABOUR_VALUES,
    RELATIONS,
    SCHOOL_STATUS_VALUES,
    WRITER_ROLES,
    EndReason,
    HousingGrade,
    Relation,
    health_values,
)
from .models import ArchiveDocument, Guarantee, Household, IncomeRecord, Membership, Person

if TYPE_CHECKING:
    from fangpin.accounts.models import User

# Stable error codes (tests and API clients match on these).
ROLE_READ_ONLY = "role_read_only"
VILLAGE_NOT_FOUND = "village_not_found"
HEAD_COUNT = "head_count"
DUPLICATE_PERSON = "duplicate_person"
PERSON_IN_OTHER_HOUSEHOLD = "person_in_other_household"
INVALID_CHOICE = "invalid_choice"
EMPTY_NAME = "empty_name"
NO_MEMBERS = "no_members"
NOT_A_MEMBER = "not_a_member"
HEAD_REQUIRED = "head_required"
NEGATIVE_AMOUNT = "negative_amount"
INVALID_AMOUNT = "invalid_amount"
INVALID_YEAR = "invalid_year"
SAME_HOUSEHOLD = "same_household"
EMPTY_HOUSEHOLD = "empty_household"

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


# ---------------------------------------------------------------------------- checks


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
        phone=idcard.clean(m.phone) if m.phone else "",
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
    person = Person.objects.select_for_update().filter(id_number=clean.id_number.value).first()
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


# ---------------------------------------------------------------------------- households


@transaction.atomic
def household_create(
    *,
    user: User,
    village_code: str,
    is_alleviated: bool,
    members: Sequence[MemberData | Mapping[str, Any]],
    address: str = "",
    phone: str = "",
    number: str | None = None,
    started_on: dt.date | None = None,
) -> Household:
    """Register a household with its members (exactly one 户主)."""
    require_writer(user)
    village = _village(user, village_code)
    cleaned = []
    for i, data in enumerate(members, start=1):
        try:
            cleaned.append(clean_member(data))
        except BadValue as exc:
            raise _member_problem(i, exc) from None
    _check_members(cleaned)
    # Lock the village row so two clerks registering at once get different numbers.
    Region.objects.select_for_update().filter(pk=village.pk).first()
    number = (number or "").strip() or next_household_number(village)
    if Household.objects.filter(number=number).exists():
        raise Conflict(f"户编号 {number} 已存在", code="household_number_taken")
    household = Household(
        number=number,
        village=village,
        address=" ".join((address or "").split()),
        phone=idcard.clean(phone) if phone else "",
        is_alleviated=is_alleviated,
        # Set before the first save so the creation is one history record, not two.
        head_name=next(c.name for c in cleaned if c.relation == Relation.HEAD),
        member_count=len(cleaned),
    )
    _save(household, user)
    day = started_on or _today()
    for clean in cleaned:
        person = _person_for(clean, user)
        _save(
            Membership(household=household, person=person, relation=clean.relation, started_on=day),
            user,
        )
    return household


@transaction.atomic
def household_update(
    *,
    user: User,
    household_id: int | str,
    address: str | None = None,
    phone: str | None = None,
    is_alleviated: bool | None = None,
) -> Household:
    """Change the household's own facts (address, phone, 脱贫户 flag)."""
    household = _writable_household(user, household_id)
    if address is not None:
        household.address = " ".join(address.split())
    if phone is not None:
        household.phone = idcard.clean(phone) if phone else ""
    if is_alleviated is not None:
        household.is_alleviated = is_alleviated
    _save(household, user)
    return household


@transaction.atomic
def member_add(
    *,
    user: User,
    household_id: int | str,
    member: MemberData | Mapping[str, Any],
    reason: str = "",
    started_on: dt.date | None = None,
) -> Membership:
    """Add a member (birth, marriage in, moving in). A person still in another household
    must leave it first (409)."""
    household = _writable_household(user, household_id)
    clean = clean_member(member)
    if (
        clean.relation == Relation.HEAD
        and household.memberships.filter(ended_on__isnull=True, relation=Relation.HEAD).exists()
    ):
        raise BadValue("该户已有户主,新成员不能再登记为户主", code=HEAD_COUNT)
    person = _person_for(clean, user)
    membership = Membership(
        household=household,
        person=person,
        relation=clean.relation,
        started_on=started_on or _today(),
    )
    _save(membership, user, reason)
    _refresh_denormalised(household, user, reason)
    return membership


def _current(household: Household, person_id: int) -> Membership:
    membership = (
        household.memberships.select_for_update()
        .filter(person_id=person_id, ended_on__isnull=True)
        .first()
    )
    if membership is None:
        raise BadValue("此人不是该户的现有成员", code=NOT_A_MEMBER)
    return membership


def _end(membership: Membership, user: User | None, reason: str, day: dt.date) -> None:
    membership.ended_on = day
    membership.end_reason = reason
    _save(membership, user, reason, update_fields=["ended_on", "end_reason"])


def _set_relation(membership: Membership, relation: str, user: User | None, reason: str) -> None:
    if membership.relation != relation:
        membership.relation = relation
        _save(membership, user, reason, update_fields=["relation"])


@transaction.atomic
def member_end(
    *,
    user: User,
    household_id: int | str,
    person_id: int,
    reason: str,
    ended_on: dt.date | None = None,
    new_head_person_id: int | None = None,
) -> Membership:
    """End a membership (death, marriage out, moving out). The person stays on record.

    When the 户主 leaves and others remain, `new_head_person_id` names the new 户主.
    """
    household = _writable_household(user, household_id)
    reason = clean_choice(reason, END_REASONS, "退出原因")
    if not reason:
        raise BadValue("请填写退出原因", code=INVALID_CHOICE)
    day = ended_on or _today()
    membership = _current(household, person_id)
    others = list(
        household.memberships.select_for_update()
        .filter(ended_on__isnull=True)
        .exclude(pk=membership.pk)
    )
    successor: Membership | None = None
    if membership.relation == Relation.HEAD and others:
        if new_head_person_id is None:
            raise BadValue("户主退出后须指定新的户主", code=HEAD_REQUIRED)
        successor = next((m for m in others if m.person_id == new_head_person_id), None)
        if successor is None:
            raise BadValue("新户主须是该户的现有成员", code=NOT_A_MEMBER)
    _end(membership, user, reason, day)
    if successor is not None:
        _set_relation(successor, Relation.HEAD, user, "户主变更")
    if reason == EndReason.DEATH:
        person = Person.objects.select_for_update().get(pk=person_id)
        person.died_on = day
        _save(person, user, reason, update_fields=["died_on"])
    _refresh_denormalised(household, user, reason)
    return membership


def _relations(relations: Mapping[int | str, str]) -> dict[int, str]:
    out: dict[int, str] = {}
    for pid, rel in relations.items():
        out[int(pid)] = clean_choice(rel, RELATIONS, "与户主关系") or Relation.OTHER
    heads = sum(1 for r in out.values() if r == Relation.HEAD)
    if heads != 1:
        raise BadValue(f"新户必须有且只有一名户主(现有 {heads} 名)", code=HEAD_COUNT)
    return out


@transaction.atomic
def household_split(
    *,
    user: User,
    household_id: int | str,
    relations: Mapping[int | str, str],
    remaining_head_person_id: int | None = None,
    address: str | None = None,
    phone: str = "",
    on: dt.date | None = None,
) -> Household:
    """分户: the persons in `relations` (person id -> relation in the new household, one
    户主) leave and form a new household in the same village."""
    household = _writable_household(user, household_id)
    wanted = _relations(relations)
    day = on or _today()
    current = {
        m.person_id: m
        for m in household.memberships.select_for_update().filter(ended_on__isnull=True)
    }
    if not set(wanted) <= set(current):
        raise BadValue("分出的人员须是该户的现有成员", code=NOT_A_MEMBER)
    staying = [m for pid, m in current.items() if pid not in wanted]
    if not staying:
        raise BadValue("分户后原户至少要保留一名成员", code=EMPTY_HOUSEHOLD)
    head_leaves = any(current[pid].relation == Relation.HEAD for pid in wanted)
    successor = None
    if head_leaves:
        successor = next((m for m in staying if m.person_id == remaining_head_person_id), None)
        if successor is None:
            raise BadValue("户主分出后须为原户指定新的户主", code=HEAD_REQUIRED)
    Region.objects.select_for_update().filter(pk=household.village_id).first()
    new = Household(
        number=next_household_number(household.village),
        village_id=household.village_id,
        grid_id=household.grid_id,
        address=household.address if address is None else " ".join(address.split()),
        phone=idcard.clean(phone) if phone else "",
        is_alleviated=household.is_alleviated,
    )
    _save(new, user, EndReason.SPLIT)
    for pid, relation in wanted.items():
        _end(current[pid], user, EndReason.SPLIT, day)
        _save(
            Membership(household=new, person_id=pid, relation=relation, started_on=day),
            user,
            EndReason.SPLIT,
        )
    if successor is not None:
        _set_relation(successor, Relation.HEAD, user, "户主变更")
    _refresh_denormalised(new, user, EndReason.SPLIT)
    _refresh_denormalised(household, user, EndReason.SPLIT)
    return new


@transaction.atomic
def household_merge(
    *,
    user: User,
    household_id: int | str,
    source_household_id: int | str,
    relations: Mapping[int | str, str],
    on: dt.date | None = None,
) -> Household:
    """合户: every current member of the source household joins `household_id` with the
    relation given per person id. The source household stays on record with no members."""
    if str(household_id) == str(source_household_id):
        raise BadValue("不能与本户合户", code=SAME_HOUSEHOLD)
    require_writer(user)
    # Lock both rows in id order so two merges cannot deadlock.
    first, second = sorted([int(household_id), int(source_household_id)])
    locked = {
        h.pk: h for h in (_writable_household(user, first), _writable_household(user, second))
    }
    target, source = locked[int(household_id)], locked[int(source_household_id)]
    day = on or _today()
    moving = {
        m.person_id: m for m in source.memberships.select_for_update().filter(ended_on__isnull=True)
    }
    if not moving:
        raise BadValue("被合并的农户没有现有成员", code=EMPTY_HOUSEHOLD)
    given = {int(k): v for k, v in relations.items()}
    if set(given) != set(moving):
        raise BadValue("须为被合并户的每名成员填写与新户主的关系", code=NOT_A_MEMBER)
    for rel in given.values():
        if clean_choice(rel, RELATIONS, "与户主关系") == Relation.HEAD:
            raise BadValue("合入的成员不能登记为户主", code=HEAD_COUNT)
    for pid, membership in moving.items():
        _end(membership, user, EndReason.MERGE, day)
        _save(
            Membership(household=target, person_id=pid, relation=given[pid], started_on=day),
            user,
            EndReason.MERGE,
        )
    _refresh_denormalised(source, user, EndReason.MERGE)
    _refresh_denormalised(target, user, EndReason.MERGE)
    return target


# ---------------------------------------------------------------------------- income


def _amount(value: object, label: str) -> Decimal:
    if value is None or value == "":
        return Decimal("0.00")
    try:
        amount = yuan(value)
    except (InvalidOperation, ValueError):
        raise BadValue(f"{label}应为金额(元)", code=INVALID_AMOUNT) from None
    if amount < 0:
        raise BadValue(f"{label}不能为负数", code=NEGATIVE_AMOUNT)
    return amount


def per_capita_net(
    *,
    wage: Decimal,
    operating: Decimal,
    property: Decimal,
    transfer: Decimal,
    operating_cost: Decimal,
    members: int,
) -> tuple[Decimal, Decimal]:
    """(家庭纯收入, 人均纯收入) per DOMAIN §2, in yuan with two places."""
    net = yuan(wage + operating + property + transfer - operating_cost)
    return net, yuan(net / members)


@transaction.atomic
def income_record(
    *,
    user: User,
    household_id: int | str,
    year: int,
    wage: object = 0,
    operating: object = 0,
    property: object = 0,
    transfer: object = 0,
    operating_cost: object = 0,
    insurance_payout: object = 0,
    out_of_pocket_medical: object = 0,
    recorded_on: dt.date | None = None,
) -> IncomeRecord:
    """Record a household's income for a year; per-capita net uses today's member count."""
    household = _writable_household(user, household_id)
    today = _today()
    if not 2000 <= int(year) <= today.year + 1:
        raise BadValue(f"年度 {year} 不合理", code=INVALID_YEAR)
    members = household.memberships.filter(ended_on__isnull=True).count()
    if members == 0:
        raise BadValue("该户没有现有成员,无法计算人均收入", code=NO_MEMBERS)
    amounts = {
        "wage": _amount(wage, "工资性收入"),
        "operating": _amount(operating, "生产经营性收入"),
        "property": _amount(property, "财产性收入"),
        "transfer": _amount(transfer, "转移性收入"),
        "operating_cost": _amount(operating_cost, "生产经营性支出"),
    }
    net, per_capita = per_capita_net(**amounts, members=members)
    record = IncomeRecord(
        household=household,
        year=int(year),
        recorded_on=recorded_on or today,
        insurance_payout=_amount(insurance_payout, "理赔收入"),
        out_of_pocket_medical=_amount(out_of_pocket_medical, "合规自付支出"),
        members=members,
        net_income=net,
        per_capita_net=per_capita,
        recorded_by=user,
        **amounts,
    )
    _save(record, user)
    return record


# ---------------------------------------------------------------------------- guarantees


@transaction.atomic
def guarantees_set(
    *,
    user: User,
    household_id: int | str,
    food_ok: bool,
    clothing_ok: bool,
    education_ok: bool,
    medical_ok: bool,
    housing_grade: str,
    water_ok: bool,
    assessed_on: dt.date | None = None,
) -> Guarantee:
    """Set 两不愁三保障 and water as now assessed (one row per household, history kept)."""
    household = _writable_household(user, household_id)
    grade = (housing_grade or "").strip().upper()
    if grade not in HousingGrade.values:
        raise BadValue("住房鉴定等级应为 A、B、C 或 D", code=INVALID_CHOICE)
    guarantee = Guarantee.objects.select_for_update().filter(household=household).first()
    if guarantee is None:
        guarantee = Guarantee(household=household)
    guarantee.food_ok = food_ok
    guarantee.clothing_ok = clothing_ok
    guarantee.education_ok = education_ok
    guarantee.medical_ok = medical_ok
    guarantee.housing_grade = grade
    guarantee.water_ok = water_ok
    guarantee.assessed_on = assessed_on or _today()
    _save(guarantee, user)
    return guarantee


# ---------------------------------------------------------------------------- archive

ARCHIVE_MAX_BYTES = 20 * 1024 * 1024


@transaction.atomic
def archive_document_add(
    *,
    user: User,
    household_id: int | str,
    kind: str,
    title: str,
    file: IO[bytes] | File[Any],
    filename: str | None = None,
) -> ArchiveDocument:
    """Attach a document (form, consent, photo, certificate) to the household archive."""
    household = _writable_household(user, household_id)
    title = " ".join((title or "").split())
    kind = " ".join((kind or "").split()) or "其他"
    if not title:
        raise BadValue("请填写资料标题", code="empty_title")
    wrapped = file if isinstance(file, File) else File(file, name=filename or "document")
    size = getattr(wrapped, "size", None)
    if size is not None and size > ARCHIVE_MAX_BYTES:
        raise BadValue("文件过大(上限 20 MB)", code="file_too_large")
    name = filename or getattr(wrapped, "name", None) or "document"
    document = ArchiveDocument(household=household, kind=kind, title=title, uploaded_by=user)
    document.file.save(name.rsplit("/", 1)[-1], wrapped, save=False)
    _save(document, user)
    return document


def household_for_write(*, user: User, household_id: int | str) -> Household:
    """The household if the user may change it: 403 for read-only roles, 404 out of scope."""
    require_writer(user)
    return get_scoped(Household.objects.all(), user, pk=household_id)
