"""Writes of the programs app (CONTRACT §8). Each use case is one function taking the acting
user: role checked first (403), then scope (404: a place or object outside the user's region
looks missing), one transaction, history kept by simple-history with the user.

Benefit links and workshop wages are the one source of the income they pay: after every
change the household's linked totals for the year are handed to the registry
(`registry.services.income_links_set`), which keeps them in the income record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Model, Sum
from django.utils import timezone

from fangpin.core.bounds import MAX_YUAN
from fangpin.core.errors import BadValue, Conflict, Forbidden, NotFound
from fangpin.core.money import yuan
from fangpin.core.phone import clean_phone
from fangpin.core.scoping import covers, get_scoped, region_q
from fangpin.regions.models import Level, Region, canonical_code
from fangpin.registry import services as registry
from fangpin.registry.models import Household, Person

from .error_codes import ProgramsErrorCode as Code
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
from .models.industry import PROPERTY_KINDS, EntityLevel

if TYPE_CHECKING:
    from fangpin.accounts.models import User

# Counties manage funds, projects and assets (ARCHITECTURE: 县乡村振兴局); the city allocates
# its own funds to counties; townships keep workshops, workers, talents and benefit links.
FUND_WRITERS = frozenset({"county", "city"})
COUNTY_WRITERS = frozenset({"county", "city"})
FIELD_WRITERS = frozenset({"county", "city", "township"})
READ_ONLY = "您的角色只能查看项目资金信息,不能修改"


def require_writer(user: User) -> None:
    """Refuse roles that write nothing in programs (village, viewer, department): 403."""
    _require(user, FIELD_WRITERS)


def _require(user: User, roles: frozenset[str]) -> None:
    if user.role not in roles:
        raise Forbidden(READ_ONLY, code=Code.ROLE_READ_ONLY)


def _save(obj: Model, user: User | None, reason: str = "", **kwargs: Any) -> None:
    obj._history_user = user  # type: ignore[attr-defined]
    if reason:
        obj._change_reason = reason  # type: ignore[attr-defined]
    obj.save(**kwargs)


def _region(user: User, code: object, level: str, what: str) -> Region:
    text = canonical_code(str(code or ""))
    place = Region.objects.filter(code=text, level=level).first()
    if place is None or not covers(user, place.prefix):
        raise NotFound(f"{what} {text} 不存在或不在您的管辖范围内", code=Code.REGION_NOT_FOUND)
    return place


def _choice(value: object, choices: Any, label: str, *, blank: bool = False) -> str:
    text = str(value or "").strip()
    if blank and not text:
        return ""
    if text in choices.values:
        return text
    for key, name in choices.choices:  # the Chinese label is accepted too (imports)
        if text == name:
            return str(key)
    allowed = "、".join(f"{k}({n})" for k, n in choices.choices)
    raise BadValue(f"{label}“{text}”不在可选值中:{allowed}", code=Code.INVALID_CHOICE)


def _amount(value: object, label: str) -> Decimal:
    try:
        amount = yuan(value)
    except (InvalidOperation, ValueError, TypeError):
        raise BadValue(f"{label}应为金额(元)", code=Code.INVALID_AMOUNT) from None
    if amount < 0 or amount > MAX_YUAN:
        raise BadValue(f"{label}应在 0 至 10 亿元之间", code=Code.INVALID_AMOUNT)
    return amount


def _year(value: object) -> int:
    try:
        year = int(str(value))
    except (TypeError, ValueError):
        raise BadValue(f"年度“{value}”不是年份", code=Code.INVALID_YEAR) from None
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise BadValue(f"年度 {year} 不合理", code=Code.INVALID_YEAR)
    return year


def _text(value: object, label: str, *, required: bool = True, limit: int = 200) -> str:
    text = " ".join(str(value or "").split())[:limit]
    if required and not text:
        raise BadValue(f"{label}不能为空", code=Code.EMPTY_FIELD)
    return text


# ---------------------------------------------------------------- funds and projects


@transaction.atomic
def fund_allocation_create(
    *,
    user: User,
    year: object,
    level: object,
    county_code: object,
    purpose: object,
    amount: object,
    note: str = "",
) -> FundAllocation:
    """Record an allocation of 衔接资金 to a county."""
    _require(user, FUND_WRITERS)
    county = _region(user, county_code, Level.COUNTY, "县")
    allocation = FundAllocation(
        year=_year(year),
        level=_choice(level, FundLevel, "资金级别"),
        county=county,
        purpose=_choice(purpose, Purpose, "用途"),
        amount=_amount(amount, "金额"),
        note=_text(note, "说明", required=False),
        created_by=user,
    )
    _save(allocation, user)
    return allocation


@transaction.atomic
def project_create(
    *,
    user: User,
    name: object,
    type: object,
    year: object,
    village_code: object,
    budget: object,
    fund_allocation_id: int | None = None,
    status: object = ProjectStatus.PLANNED,
    households_benefiting: int = 0,
) -> Project:
    """Add a project to the library; its allocation must be of the same county."""
    _require(user, COUNTY_WRITERS)
    village = _region(user, village_code, Level.VILLAGE, "村")
    allocation = None
    if fund_allocation_id is not None:
        allocation = FundAllocation.objects.filter(
            pk=fund_allocation_id, county_id=village.code[:6]
        ).first()
        if allocation is None:
            raise NotFound("资金来源不存在或不属于项目所在县", code=Code.FUND_NOT_FOUND)
    project = Project(
        name=_text(name, "项目名称"),
        type=_choice(type, Purpose, "项目类型"),
        year=_year(year),
        village=village,
        budget=_amount(budget, "预算"),
        fund_allocation=allocation,
        status=_choice(status or ProjectStatus.PLANNED, ProjectStatus, "状态"),
        households_benefiting=max(int(households_benefiting or 0), 0),
        created_by=user,
    )
    _save(project, user)
    return project


@transaction.atomic
def project_spending_record(
    *, user: User, project_id: int, amount: object, spent_on: dt.date | None = None
) -> ProjectSpending:
    """Record money paid out on a project; the project's total spent follows."""
    _require(user, COUNTY_WRITERS)
    project = get_scoped(Project.objects.select_for_update(), user, pk=project_id)
    spending = ProjectSpending(
        project=project,
        spent_on=spent_on or timezone.localdate(),
        amount=_amount(amount, "支出金额"),
        created_by=user,
    )
    _save(spending, user)
    total = project.spendings.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    project.spent = total
    _save(project, user, "项目支出", update_fields=["spent"])
    return spending


# ---------------------------------------------------------------- assets


@transaction.atomic
def asset_create(
    *,
    user: User,
    name: object,
    asset_class: object,
    value: object,
    village_code: object,
    project_id: int | None = None,
    rights: dict[str, Any] | None = None,
) -> Asset:
    """Register a project asset with the party responsible for each of the six rights."""
    _require(user, COUNTY_WRITERS)
    village = _region(user, village_code, Level.VILLAGE, "村")
    project = None
    if project_id is not None:
        project = Project.objects.filter(
            region_q("village_id", village.code[:6]), pk=project_id
        ).first()
        if project is None:
            raise NotFound("来源项目不存在或不属于资产所在县", code=Code.PROJECT_NOT_FOUND)
    given = rights or {}
    parties = {
        key: _text(given.get(key), label, required=False, limit=100) for key, label in RIGHTS
    }
    asset = Asset(
        name=_text(name, "资产名称"),
        asset_class=_choice(asset_class, AssetClass, "资产类别"),
        value=_amount(value, "资产价值"),
        village=village,
        project=project,
        rights_complete=all(parties.values()),
        created_by=user,
        **parties,
    )
    _save(asset, user)
    return asset


# ---------------------------------------------------------------- industry and 四金


@transaction.atomic
def entity_create(
    *,
    user: User,
    name: object,
    type: object,
    county_code: object,
    level: object = "",
    industry: str = "",
) -> Entity:
    _require(user, COUNTY_WRITERS)
    county = _region(user, county_code, Level.COUNTY, "县")
    entity = Entity(
        name=_text(name, "名称"),
        type=_choice(type, EntityType, "类型"),
        county=county,
        level=_choice(level, EntityLevel, "级别", blank=True),
        industry=_text(industry, "主导产业", required=False, limit=64),
    )
    _save(entity, user)
    return entity


def linked_income(household_id: int, year: int) -> tuple[Decimal, Decimal]:
    """(wage, property income) a household gets in a year through links and workshops."""
    sums = {
        kind: total
        for kind, total in BenefitLink.objects.filter(household_id=household_id, year=year)
        .values("kind")
        .annotate(total=Sum("amount"))
        .values_list("kind", "total")
    }
    wage = sums.get(BenefitKind.WAGE, Decimal(0))
    prop = sum((sums.get(k, Decimal(0)) for k in PROPERTY_KINDS), Decimal(0))
    for worker in WorkshopWorker.objects.filter(household_id=household_id):
        wage += worker.monthly_wage * months_in_year(worker.starts_on, worker.ends_on, year)
    return yuan(wage), yuan(prop)


def months_in_year(starts_on: dt.date, ends_on: dt.date | None, year: int) -> int:
    """Months of a job falling in `year`, counting the months it starts and ends in; a job
    not ended runs to the year's end (the year's expected wage)."""
    first = max(starts_on, dt.date(year, 1, 1))
    last = min(ends_on or dt.date(year, 12, 31), dt.date(year, 12, 31))
    if first > last:
        return 0
    return (last.year - first.year) * 12 + last.month - first.month + 1


def _sync_income(user: User, household_id: int, years: Iterable[int]) -> None:
    for year in sorted(set(years)):
        wage, prop = linked_income(household_id, year)
        registry.income_links_set(
            user=user, household_id=household_id, year=year, wage=wage, property=prop
        )


@transaction.atomic
def benefit_link_create(
    *,
    user: User,
    household_id: int,
    entity_id: int,
    kind: object,
    year: object,
    amount: object,
) -> BenefitLink:
    """Record what a household gets from an entity in a year; its income record follows."""
    _require(user, FIELD_WRITERS)
    household = get_scoped(Household.objects.all(), user, pk=household_id)
    entity = Entity.objects.filter(pk=entity_id, county_id=household.village_id[:6]).first()
    if entity is None:
        raise NotFound("经营主体不存在或不在该户所在县", code=Code.ENTITY_NOT_FOUND)
    link = BenefitLink(
        household=household,
        entity=entity,
        kind=_choice(kind, BenefitKind, "联农带农类型"),
        year=_year(year),
        amount=_amount(amount, "金额"),
        created_by=user,
    )
    _save(link, user)
    _sync_income(user, household.pk, [link.year])
    return link


# ---------------------------------------------------------------- workshops and talents


@transaction.atomic
def workshop_create(
    *, user: User, name: object, type: object, village_code: object, owner: object
) -> Workshop:
    _require(user, FIELD_WRITERS)
    workshop = Workshop(
        name=_text(name, "车间名称"),
        type=_choice(type, WorkshopType, "车间类型"),
        village=_region(user, village_code, Level.VILLAGE, "村"),
        owner=_text(owner, "经营主体"),
    )
    _save(workshop, user)
    return workshop


@transaction.atomic
def workshop_worker_add(
    *,
    user: User,
    workshop_id: int,
    person_id: int,
    starts_on: dt.date,
    monthly_wage: object,
    ends_on: dt.date | None = None,
) -> WorkshopWorker:
    """Hire a registered person; the wage joins their household's income for each year."""
    _require(user, FIELD_WRITERS)
    workshop = get_scoped(Workshop.objects.select_for_update(), user, pk=workshop_id)
    try:
        person = get_scoped(Person.objects.all(), user, pk=person_id)
    except NotFound:
        raise NotFound("人员不存在或不在您的管辖范围内", code=Code.PERSON_NOT_FOUND) from None
    membership = person.memberships.filter(ended_on__isnull=True).first()
    if membership is None:
        raise NotFound("人员不存在或不在您的管辖范围内", code=Code.PERSON_NOT_FOUND)
    if ends_on is not None and ends_on < starts_on:
        raise BadValue("离岗日期不能早于上岗日期", code=Code.WORKER_DATES)
    if workshop.workers.filter(person=person, ends_on__isnull=True).exists():
        raise Conflict(f"{person.name}已在该车间务工", code=Code.ALREADY_WORKING)
    worker = WorkshopWorker(
        workshop=workshop,
        person=person,
        household_id=membership.household_id,
        starts_on=starts_on,
        ends_on=ends_on,
        monthly_wage=_amount(monthly_wage, "月工资"),
        created_by=user,
    )
    _save(worker, user)
    # The wage joins the income of this year and the last (years before are closed books:
    # their records are not rewritten by a job entered late).
    this_year = timezone.localdate().year
    last = (ends_on or max(timezone.localdate(), starts_on)).year
    _sync_income(user, worker.household_id, range(max(starts_on.year, this_year - 1), last + 1))
    return worker


@transaction.atomic
def workshop_worker_end(
    *, user: User, workshop_id: int, worker_id: int, ends_on: dt.date
) -> WorkshopWorker:
    """A worker leaves the workshop on `ends_on`; the household's wage income follows."""
    _require(user, FIELD_WRITERS)
    workshop = get_scoped(Workshop.objects.select_for_update(), user, pk=workshop_id)
    worker = workshop.workers.select_for_update().filter(pk=worker_id).first()
    if worker is None:
        raise NotFound()
    if ends_on < worker.starts_on:
        raise BadValue("离岗日期不能早于上岗日期", code=Code.WORKER_DATES)
    before = worker.ends_on
    worker.ends_on = ends_on
    _save(worker, user, "离岗", update_fields=["ends_on"])
    this_year = timezone.localdate().year
    first = max(min(ends_on, before or ends_on).year, this_year - 1)
    _sync_income(user, worker.household_id, range(first, this_year + 1))
    return worker


@transaction.atomic
def talent_create(
    *,
    user: User,
    name: object,
    origin_village_code: object,
    skill: object,
    location: object = "",
    returned: bool = False,
    phone: str = "",
    project: str = "",
) -> Talent:
    _require(user, FIELD_WRITERS)
    talent = Talent(
        name=_text(name, "姓名", limit=64),
        origin_village=_region(user, origin_village_code, Level.VILLAGE, "籍贯村"),
        skill=_text(skill, "专长", limit=100),
        location=_text(location, "现所在地", required=False, limit=100),
        returned=bool(returned),
        phone=clean_phone(phone),
        project=_text(project, "创业项目", required=False),
    )
    _save(talent, user)
    return talent
