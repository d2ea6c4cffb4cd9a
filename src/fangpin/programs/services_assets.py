"""Writes about project assets after they are registered: their income and its distribution to
households, disposal requests and their approval, the yearly check, and 联村共建 groups.

Distributed asset income is a set of benefit links of kind `asset_income` naming the income
(`BenefitLink.asset_income`): the same path as every other 四金 link into the household's
income record (`registry.services.income_links_set`), so no figure is kept twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from fangpin.core.errors import BadValue, Conflict, Forbidden, NotFound
from fangpin.core.scoping import covers, get_scoped, region_q
from fangpin.regions.models import Level, Region
from fangpin.registry import services as registry
from fangpin.registry.models import Household

from . import disposal as flow
from .error_codes import ProgramsErrorCode as Code
from .models import (
    Asset,
    AssetCheck,
    AssetDisposal,
    AssetIncome,
    BenefitKind,
    BenefitLink,
    CheckRound,
    Condition,
    DisposalKind,
    DisposalState,
    DistributionRule,
    Entity,
    Project,
    VillageGroup,
)
from .services import (
    COUNTY_WRITERS,
    _amount,
    _choice,
    _region,
    _text,
    _year,
    linked_income,
    require_writer,
)
from .three_haves import targets

if TYPE_CHECKING:
    from fangpin.accounts.models import User

# The village, township and county all go out to check assets; the county opens the round.
CHECKERS = frozenset({"village", "township", "county"})
READ_ONLY = "您的角色只能查看项目资产信息,不能修改"


def _require(user: User, roles: frozenset[str]) -> None:
    if user.role not in roles:
        raise Forbidden(READ_ONLY, code=Code.ROLE_READ_ONLY)


def _save(obj: Model, user: User | None, reason: str = "", **kwargs: Any) -> None:
    obj._history_user = user  # type: ignore[attr-defined]
    if reason:
        obj._change_reason = reason  # type: ignore[attr-defined]
    obj.save(**kwargs)


def _day(value: dt.date | None, label: str) -> dt.date:
    today = timezone.localdate()
    day = value or today
    if day > today:
        raise BadValue(f"{label}不能晚于今天", code=Code.INVALID_DATE)
    return day


def _asset(user: User, asset_id: int, *, lock: bool = False) -> Asset:
    qs = Asset.objects.select_related("village")
    try:
        return get_scoped(qs.select_for_update() if lock else qs, user, pk=asset_id)
    except NotFound:
        raise NotFound("资产不存在或不在您的管辖范围内", code=Code.ASSET_NOT_FOUND) from None


# ---------------------------------------------------------------- income and its distribution


@transaction.atomic
def asset_income_record(
    *,
    user: User,
    asset_id: int,
    year: object,
    amount: object,
    source: object,
    received_on: dt.date | None = None,
) -> AssetIncome:
    """Record income an asset earned in a year (rent, operating profit, dividend...)."""
    require_writer(user)
    asset = _asset(user, asset_id)
    income = AssetIncome(
        asset=asset,
        year=_year(year),
        amount=_amount(amount, "收益金额"),
        source=_text(source, "收益来源"),
        received_on=_day(received_on, "收益日期"),
        created_by=user,
    )
    _save(income, user)
    return income


def equal_shares(income: AssetIncome, total: Decimal) -> dict[int, Decimal]:
    """`total` split evenly among the village's 脱贫户 and monitored households (fen left over
    go one each to the first households, so the shares add up to `total` exactly)."""
    ids = list(
        targets()
        .filter(village_id=income.asset.village_id, member_count__gt=0)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not ids:
        raise Conflict(
            f"{income.asset.village.name}没有脱贫户或监测户,无法平均分配", code=Code.NO_HOUSEHOLDS
        )
    cents = int(total * 100)
    base, extra = divmod(cents, len(ids))
    return {hid: Decimal(base + (1 if i < extra else 0)) / 100 for i, hid in enumerate(ids)}


def _listed_shares(user: User, income: AssetIncome, shares: Iterable[Any]) -> dict[int, Decimal]:
    out: dict[int, Decimal] = {}
    county = income.asset.village_id[:6]
    for row in shares:
        data = row if isinstance(row, dict) else row.dict()
        hid = int(data.get("household_id") or 0)
        if hid in out:
            raise BadValue(f"农户 {hid} 在名单中出现了两次", code=Code.DUPLICATE_HOUSEHOLD)
        household = Household.objects.filter(pk=hid).only("village_id").first()
        if household is None or not covers(user, household.village_id):
            raise NotFound(f"农户 {hid} 不存在或不在您的管辖范围内", code=Code.HOUSEHOLD_NOT_FOUND)
        if household.village_id[:6] != county:
            raise NotFound(f"农户 {hid} 不在资产所在县", code=Code.HOUSEHOLD_NOT_FOUND)
        amount = _amount(data.get("amount"), "分配金额")
        if amount <= 0:
            raise BadValue("分配金额应大于 0", code=Code.INVALID_AMOUNT)
        out[hid] = amount
    if not out:
        raise BadValue("分配名单不能为空", code=Code.EMPTY_FIELD)
    return out


@transaction.atomic
def asset_income_distribute(
    *,
    user: User,
    income_id: int,
    rule: object,
    total: object = None,
    shares: Iterable[Any] = (),
) -> AssetIncome:
    """Distribute an asset's income to households: equally among the village's 脱贫户 and
    monitored households (`total`, by default all of the income), or by a list.

    The distribution replaces the income's previous one; the same distribution again changes
    nothing. Each share is a benefit link (`asset_income`), so it reaches the household's
    income record of the year as property income. Never more than the income: 409.
    """
    require_writer(user)
    try:
        income = get_scoped(
            AssetIncome.objects.select_for_update().select_related("asset__village"),
            user,
            pk=income_id,
        )
    except NotFound:
        raise NotFound("资产收益不存在或不在您的管辖范围内", code=Code.ASSET_NOT_FOUND) from None
    how = _choice(rule, DistributionRule, "分配方式")
    if how == DistributionRule.EQUAL:
        wanted = income.amount if total in (None, "") else _amount(total, "分配总额")
        plan = equal_shares(income, wanted)
    else:
        plan = _listed_shares(user, income, shares)
    distributed = sum(plan.values(), Decimal(0))
    if distributed > income.amount:
        raise Conflict(
            f"分配总额 {distributed:.2f} 元超过该笔收益 {income.amount:.2f} 元",
            code=Code.OVER_DISTRIBUTED,
        )
    current = {link.household_id: link for link in income.links.select_for_update()}
    if {hid: link.amount for hid, link in current.items()} == plan and income.rule == how:
        return income  # the same distribution again: nothing to do
    for hid, link in current.items():
        if hid not in plan:
            link._history_user = user  # type: ignore[attr-defined]
            link.delete()
        elif link.amount != plan[hid]:
            link.amount = plan[hid]
            _save(link, user, "资产收益重新分配", update_fields=["amount"])
    for hid, amount in plan.items():
        if hid not in current:
            _save(
                BenefitLink(
                    household_id=hid,
                    asset_income=income,
                    kind=BenefitKind.ASSET_INCOME,
                    year=income.year,
                    amount=amount,
                    created_by=user,
                ),
                user,
            )
    income.rule = how
    income.distributed_at = timezone.now()
    _save(income, user, "资产收益分配", update_fields=["rule", "distributed_at"])
    for hid in sorted(set(current) | set(plan)):
        wage, prop = linked_income(hid, income.year)
        registry.income_links_set(
            user=user, household_id=hid, year=income.year, wage=wage, property=prop
        )
    return income


# ---------------------------------------------------------------- disposal


@transaction.atomic
def asset_disposal_request(
    *,
    user: User,
    asset_id: int,
    kind: object,
    reason: object,
    value: object,
    recipient: object = "",
    requested_on: dt.date | None = None,
) -> AssetDisposal:
    """The village asks to sell, scrap or hand over an asset."""
    _require(user, flow.REQUEST_ROLES)
    asset = _asset(user, asset_id, lock=True)
    how = _choice(kind, DisposalKind, "处置方式")
    to = _text(recipient, "受让或接收方", required=how != DisposalKind.SCRAP)
    disposal = AssetDisposal(
        asset=asset,
        kind=how,
        reason=_text(reason, "处置理由", limit=500),
        value=_amount(value, "处置价值"),
        recipient=to,
        requested_on=_day(requested_on, "申请日期"),
        requested_by=user,
    )
    for guard in flow.REQUEST_GUARDS:
        guard(disposal)
    _save(disposal, user, "处置申请")
    return disposal


@transaction.atomic
def asset_disposal_act(
    *,
    user: User,
    disposal_id: int,
    action: str,
    opinion: object = "",
    done_on: dt.date | None = None,
) -> AssetDisposal:
    """Approve or reject a disposal request; the county's approval marks the asset disposed
    (kept, never deleted, its history intact)."""
    if action not in flow.ACTIONS:
        raise BadValue(f"未知的处置审核操作“{action}”", code=Code.DISPOSAL_UNKNOWN_ACTION)
    if not any(user.role in s.roles for s in flow.STEPS if s.action == action):
        raise Forbidden(f"您的角色不能{flow.ACTIONS[action]}", code=Code.ROLE_READ_ONLY)
    disposal = get_scoped(
        AssetDisposal.objects.select_for_update().select_related("asset"), user, pk=disposal_id
    )
    step = flow.step_for(disposal.state, action)
    if step is None:
        raise Conflict(
            f"处置申请当前为“{disposal.get_state_display()}”,不能{flow.ACTIONS[action]}",
            code=Code.DISPOSAL_WRONG_STATE,
        )
    if user.role not in step.roles:
        raise Forbidden(f"您的角色不能在此环节{flow.ACTIONS[action]}", code=Code.ROLE_READ_ONLY)
    # The asset row is locked before its guard reads it (a fixed order: disposal, asset).
    disposal.asset = Asset.objects.select_for_update().get(pk=disposal.asset_id)
    for guard in step.guards:
        guard(disposal)
    note = _text(opinion, "审核意见", required=action == "reject", limit=500)
    day = _day(done_on, "办理日期")
    if day < disposal.requested_on:
        raise BadValue("办理日期不能早于申请日期", code=Code.INVALID_DATE)
    disposal.state = step.target
    disposal.opinion = note
    if step.target in (DisposalState.APPROVED, DisposalState.REJECTED):
        disposal.decided_on = day
    _save(disposal, user, flow.ACTIONS[action], update_fields=["state", "opinion", "decided_on"])
    if step.target == DisposalState.APPROVED:
        asset = disposal.asset
        asset.disposed_on = day
        reason = f"{disposal.get_kind_display()}处置(申请 {disposal.pk})"
        _save(asset, user, reason, update_fields=["disposed_on"])
    return disposal


# ---------------------------------------------------------------- yearly check (年度清查)


@transaction.atomic
def check_round_create(
    *, user: User, year: object, county_code: object, starts_on: dt.date | None = None
) -> CheckRound:
    """Open a county's yearly check of its assets (one per county and year)."""
    _require(user, COUNTY_WRITERS)
    county = _region(user, county_code, Level.COUNTY, "县")
    the_year = _year(year)
    if CheckRound.objects.filter(county=county, year=the_year).exists():
        raise Conflict(f"{county.name}{the_year}年度清查已开始", code=Code.CHECK_ROUND_EXISTS)
    check_round = CheckRound(
        year=the_year,
        county=county,
        starts_on=starts_on or timezone.localdate(),
        created_by=user,
    )
    try:
        with transaction.atomic():
            _save(check_round, user)
    except IntegrityError:  # the same round opened at the same moment by someone else
        raise Conflict(
            f"{county.name}{the_year}年度清查已开始", code=Code.CHECK_ROUND_EXISTS
        ) from None
    return check_round


def check_round_get(*, user: User, round_id: int) -> CheckRound:
    """A round seen from inside its county (a village checks its own assets) or above it."""
    found = CheckRound.objects.select_related("county").filter(pk=round_id).first()
    own = user.region_prefix
    if found is None or own is None:
        raise NotFound()
    if not (own.startswith(found.county_id) or found.county_id.startswith(own)):
        raise NotFound()
    return found


@transaction.atomic
def asset_check_record(
    *,
    user: User,
    round_id: int,
    asset_id: int,
    exists: bool,
    condition: object,
    in_use: bool,
    rights_ok: bool,
    notes: object = "",
    checked_on: dt.date | None = None,
) -> AssetCheck:
    """What the check found of one asset; checking it again in the round updates the row."""
    _require(user, CHECKERS)
    check_round = check_round_get(user=user, round_id=round_id)
    asset = _asset(user, asset_id)
    if asset.village_id[:6] != check_round.county_id:
        raise NotFound("资产不在该清查所在县", code=Code.CHECK_OUTSIDE_ROUND)
    fields = {
        "exists": bool(exists),
        "condition": _choice(condition, Condition, "资产状况"),
        "in_use": bool(in_use),
        "rights_ok": bool(rights_ok),
        "notes": _text(notes, "备注", required=False, limit=500),
        "checked_on": _day(checked_on, "清查日期"),
        "checked_by": user,
    }
    check = AssetCheck.objects.select_for_update().filter(round=check_round, asset=asset).first()
    if check is None:
        check = AssetCheck(round=check_round, asset=asset, **fields)
        _save(check, user, "清查")
        return check
    if all(getattr(check, k) == v for k, v in fields.items() if k != "checked_by"):
        return check  # the same finding again
    for key, value in fields.items():
        setattr(check, key, value)
    _save(check, user, "重新清查")
    return check


# ---------------------------------------------------------------- 联村共建


def _village(user: User, code: object, county: Region) -> Region:
    village = _region(user, code, Level.VILLAGE, "村")
    if village.code[:6] != county.code:
        raise BadValue(
            f"{village.name}不在{county.name},联村共建的村须同属一县",
            code=Code.GROUP_VILLAGE_OUTSIDE,
        )
    return village


@transaction.atomic
def village_group_create(
    *,
    user: User,
    name: object,
    county_code: object,
    lead_village_code: object,
    village_codes: Iterable[object],
    industry: object,
    year: object,
    project_ids: Iterable[int] = (),
    entity_ids: Iterable[int] = (),
) -> VillageGroup:
    """Form a 联村共建 group: a lead village and its partners of one county, with the projects
    and entities it runs (all of that county)."""
    _require(user, COUNTY_WRITERS)
    county = _region(user, county_code, Level.COUNTY, "县")
    lead = _village(user, lead_village_code, county)
    members = {lead.code: lead}
    for code in village_codes:
        village = _village(user, code, county)
        members[village.code] = village
    if len(members) < 2:
        raise BadValue("联村共建至少需要两个村", code=Code.GROUP_TOO_FEW_VILLAGES)
    projects = []
    for pk in dict.fromkeys(project_ids):
        project = Project.objects.filter(region_q("village_id", county.code), pk=pk).first()
        if project is None or not covers(user, project.village_id):
            raise NotFound(f"项目 {pk} 不存在或不在{county.name}", code=Code.PROJECT_NOT_FOUND)
        projects.append(project)
    entities = []
    for pk in dict.fromkeys(entity_ids):
        entity = Entity.objects.filter(pk=pk, county=county).first()
        if entity is None:
            raise NotFound(f"经营主体 {pk} 不存在或不在{county.name}", code=Code.ENTITY_NOT_FOUND)
        entities.append(entity)
    group = VillageGroup(
        name=_text(name, "名称"),
        county=county,
        lead_village=lead,
        industry=_text(industry, "共建产业", limit=64),
        year=_year(year),
        created_by=user,
    )
    _save(group, user)
    group.villages.set(members.values())
    group.projects.set(projects)
    group.entities.set(entities)
    return group
