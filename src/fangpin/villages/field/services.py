"""Writes of the village field work. Each takes the acting user, checks role and scope, runs
in one transaction and keeps history (django-simple-history on every table)."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from fangpin.accounts.models import Role, User
from fangpin.core import idcard, idcrypt
from fangpin.core.deadlines import add_working_days
from fangpin.core.errors import BadValue, Conflict, Forbidden, NotFound
from fangpin.core.phone import clean_phone
from fangpin.core.scoping import covers, get_scoped
from fangpin.monitoring import clock
from fangpin.monitoring import services as monitoring
from fangpin.policy.services import parameter_int
from fangpin.regions.models import Level, Region
from fangpin.registry.models import Household

from ..models import (
    CHECKLIST,
    Grid,
    GridHousehold,
    GridLevel,
    Liaison,
    Policy,
    PolicyLevel,
    SelfReport,
    Visit,
)
from .error_codes import FieldErrorCode as Code

if TYPE_CHECKING:
    from fangpin.monitoring.models import Case

FIELD_ROLES = frozenset({Role.VILLAGE, Role.TOWNSHIP, Role.COUNTY})
CATALOGUE_ROLES = frozenset({Role.CITY, Role.COUNTY, Role.TOWNSHIP})
# The region level each grid level sits on; a group (组) is a part of a village.
GRID_REGION_LEVEL = {
    GridLevel.COUNTY: Level.COUNTY,
    GridLevel.TOWNSHIP: Level.TOWNSHIP,
    GridLevel.VILLAGE: Level.VILLAGE,
    GridLevel.GROUP: Level.VILLAGE,
}
GRID_RANK = {GridLevel.COUNTY: 0, GridLevel.TOWNSHIP: 1, GridLevel.VILLAGE: 2, GridLevel.GROUP: 3}
HOUSEHOLD_GRID_LEVELS = frozenset({GridLevel.VILLAGE, GridLevel.GROUP})
# Script or markup in a text a stranger typed: refused, never stored (the pages escape
# anyway; this keeps the queue clean of payloads aimed at other tools).
_MARKUP = re.compile(r"[<>]|javascript:|&#", re.IGNORECASE)


def _require(user: User, roles: Iterable[str], what: str) -> None:
    if user.role not in roles:
        raise Forbidden(f"您的角色不能{what}")


def _region(user: User, code: str) -> Region:
    """A region inside the user's own, or 404 (as if it did not exist)."""
    region = Region.objects.filter(code=code).first()
    if region is None or user.region_prefix is None:
        raise NotFound()
    if not region.prefix.startswith(user.region_prefix):
        raise NotFound()
    return region


def plain_text(value: str, what: str, *, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise BadValue(f"{what}不能为空", code=Code.EMPTY_FIELD)
    if _MARKUP.search(text):
        raise BadValue(f"{what}不能包含网页代码或尖括号", code=Code.MARKUP_NOT_ALLOWED)
    return text


# ------------------------------------------------------------------------------ grids


def grid_create(
    *,
    user: User,
    name: str,
    level: str,
    region_code: str,
    parent_id: int | None = None,
    worker_username: str | None = None,
) -> Grid:
    _require(user, FIELD_ROLES, "建立网格")
    if level not in GridLevel.values:
        raise BadValue("网格级别应为县级、乡级、村级或组级", code=Code.INVALID_GRID_LEVEL)
    region = _region(user, region_code)
    if region.level != GRID_REGION_LEVEL[GridLevel(level)]:
        raise BadValue(
            f"{GridLevel(level).label}应建在{Level(GRID_REGION_LEVEL[GridLevel(level)]).label}",
            code=Code.GRID_LEVEL_REGION_MISMATCH,
        )
    parent = None
    if parent_id is not None:
        parent = Grid.objects.select_related("region").filter(pk=parent_id).first()
        own = user.region_prefix or ""
        if parent is None or not (
            parent.region.prefix.startswith(own) or own.startswith(parent.region.prefix)
        ):
            raise NotFound()
        inside = region.prefix.startswith(parent.region.prefix)
        if not inside or GRID_RANK[GridLevel(parent.level)] >= GRID_RANK[GridLevel(level)]:
            raise BadValue(
                "网格须位于上级网格的区域之内,且级别低于上级网格", code=Code.GRID_OUTSIDE_PARENT
            )
    worker = None
    if worker_username:
        worker = User.objects.filter(username=worker_username, is_active=True).first()
        if worker is None or not worker.region_prefix or not covers(user, worker.region_prefix):
            raise BadValue("网格员账号不存在或不在本辖区", code=Code.UNKNOWN_WORKER)
    try:
        with transaction.atomic():
            return Grid.objects.create(
                name=plain_text(name, "网格名称"),
                level=level,
                region=region,
                parent=parent,
                worker=worker,
            )
    except IntegrityError:
        raise Conflict("该区划下已有同名网格", code=Code.GRID_NAME_TAKEN) from None


def household_grid_set(*, user: User, household_id: int, grid_id: int) -> GridHousehold:
    _require(user, FIELD_ROLES, "调整农户网格")
    household = get_scoped(Household.objects.all(), user, pk=household_id)
    grid = get_scoped(Grid.objects.all(), user, pk=grid_id)
    if grid.level not in HOUSEHOLD_GRID_LEVELS or grid.region_id != household.village_id:
        raise BadValue("农户只能划入本村的村级或组级网格", code=Code.GRID_NOT_FOR_HOUSEHOLD)
    with transaction.atomic():
        link, _ = GridHousehold.objects.update_or_create(
            household=household, defaults={"grid": grid}
        )
    return link


# ------------------------------------------------------------------------------ visits


def visit_record(
    *,
    user: User,
    household_id: int,
    visited_on: dt.date | None,
    met: str,
    checklist: dict[str, bool],
    findings: str = "",
    report_case: dict[str, Any] | None = None,
    unchanged: bool = False,
) -> Visit:
    """Record a visit; `report_case` opens a `cadre_visit` case in the same transaction."""
    _require(user, FIELD_ROLES, "登记走访")
    household = get_scoped(Household.objects.all(), user, pk=household_id)
    today = clock.today()
    day = visited_on or today
    if day > today:
        raise BadValue("走访日期不能晚于今天", code=Code.VISIT_DATE_IN_FUTURE)
    back = parameter_int("backdate_max_days", year=today.year)
    if day < today - dt.timedelta(days=back):
        raise BadValue(f"走访日期最多可补录 {back} 天", code=Code.VISIT_DATE_TOO_OLD)
    unknown = sorted(set(checklist) - set(CHECKLIST))
    if unknown:
        raise BadValue(f"未知的八必访项目:{'、'.join(unknown)}", code=Code.UNKNOWN_CHECK_ITEM)
    link = GridHousehold.objects.filter(household=household).select_related("grid").first()
    with transaction.atomic():
        case: Case | None = None
        if report_case is not None:
            case = monitoring.case_create(
                user=user,
                household=household,
                channel="cadre_visit",
                category=report_case.get("category", ""),
                risk_types=report_case.get("risk_types") or [],
                description=plain_text(
                    report_case.get("description") or "", "情况说明", required=False
                ),
                reported_on=day,
            )
        return Visit.objects.create(
            household=household,
            grid=link.grid if link else None,
            visited_on=day,
            met=plain_text(met, "见到的人"),
            checklist={k: bool(v) for k, v in checklist.items()},
            findings=plain_text(findings, "走访情况", required=False),
            unchanged=unchanged,
            case=case,
            created_by=user,
        )


def visit_unchanged(*, user: User, household_id: int) -> Visit:
    """走访无变化: the monthly round of an unchanged household, in one tap."""
    return visit_record(
        user=user,
        household_id=household_id,
        visited_on=None,
        met="户主或家庭成员",
        checklist=dict.fromkeys(CHECKLIST, True),
        findings="走访无变化",
        unchanged=True,
    )


# ------------------------------------------------------------------------------ self-reports


def self_report_receive(
    *, village_code: str, name: str, phone: str, description: str, id_number: str = ""
) -> SelfReport:
    """A farmer's report from the public page (no login). Never looks the ID number up, so
    the answer is the same whether or not it is registered."""
    village = Region.objects.filter(code=village_code, level=Level.VILLAGE).first()
    if village is None:
        raise NotFound("没有这个村")
    number = ""
    if id_number.strip():
        number = idcard.parse(id_number).value
    today = clock.today()
    days = parameter_int("self_report_accept_working_days", year=today.year)
    due = add_working_days(today, days)
    for _ in range(5):
        receipt = "SB" + "".join(
            secrets.choice("23456789ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(8)
        )
        try:
            with transaction.atomic():
                return SelfReport.objects.create(
                    village=village,
                    receipt=receipt,
                    name=plain_text(name, "姓名"),
                    phone=clean_phone(plain_text(phone, "联系电话"), "联系电话"),
                    description=plain_text(description, "困难情况"),
                    id_number=idcrypt.encrypt(number) if number else "",
                    received_on=today,
                    deadline=due.due_on,
                    deadline_provisional=due.provisional,
                )
        except IntegrityError:
            continue
    raise Conflict("请稍后再试", code=Code.REPORT_NOT_PENDING)  # pragma: no cover


def _pending(user: User, report_id: int) -> SelfReport:
    _require(user, FIELD_ROLES, "受理农户申报")
    report = get_scoped(SelfReport.objects.select_for_update(), user, pk=report_id)
    if report.status != SelfReport.Status.PENDING:
        raise Conflict("该申报已处理", code=Code.REPORT_NOT_PENDING)
    return report


def self_report_accept(
    *, user: User, report_id: int, household_id: int, category: str, risk_types: list[str]
) -> SelfReport:
    """Accept a report: open a `self_report` case for the household, in one transaction."""
    with transaction.atomic():
        report = _pending(user, report_id)
        household = get_scoped(Household.objects.all(), user, pk=household_id)
        if household.village_id != report.village_id:
            raise BadValue("申报农户应为本村农户", code=Code.HOUSEHOLD_NOT_IN_VILLAGE)
        case = monitoring.case_create(
            user=user,
            household=household,
            channel="self_report",
            category=category,
            risk_types=risk_types,
            description=f"农户自主申报(回执 {report.receipt}):{report.description}"[:2000],
            reported_on=report.received_on,
        )
        report.status = SelfReport.Status.ACCEPTED
        report.household = household
        report.case = case
        report.handled_by = user
        report.handled_at = timezone.now()
        report.save(update_fields=["status", "household", "case", "handled_by", "handled_at"])
    return report


def self_report_dismiss(*, user: User, report_id: int, reason: str) -> SelfReport:
    with transaction.atomic():
        report = _pending(user, report_id)
        report.status = SelfReport.Status.DISMISSED
        report.reason = plain_text(reason, "不予受理理由")
        report.handled_by = user
        report.handled_at = timezone.now()
        report.save(update_fields=["status", "reason", "handled_by", "handled_at"])
    return report


# ------------------------------------------------------------------------------ catalogue


def policy_create(
    *,
    user: User,
    department: str,
    title: str,
    level: str,
    eligibility: str,
    benefit: str,
    how_to_apply: str,
    region_code: str | None = None,
) -> Policy:
    _require(user, CATALOGUE_ROLES, "维护政策目录")
    if level not in PolicyLevel.values:
        raise BadValue("政策层级应为国家、省级、市级或县级", code=Code.INVALID_POLICY_LEVEL)
    region = _region(user, region_code or user.region_id or "")
    with transaction.atomic():
        return Policy.objects.create(
            region=region,
            department=plain_text(department, "行业部门"),
            title=plain_text(title, "政策名称"),
            level=level,
            eligibility=plain_text(eligibility, "享受条件"),
            benefit=plain_text(benefit, "帮扶内容"),
            how_to_apply=plain_text(how_to_apply, "办理方式"),
        )


def liaison_create(*, user: User, sector: str, region_code: str, name: str, phone: str) -> Liaison:
    _require(user, CATALOGUE_ROLES, "维护联络员")
    region = _region(user, region_code)
    with transaction.atomic():
        return Liaison.objects.create(
            sector=plain_text(sector, "行业"),
            region=region,
            name=plain_text(name, "姓名"),
            phone=clean_phone(phone, "电话") or _no_phone(),
        )


def _no_phone() -> str:
    raise BadValue("电话不能为空", code=Code.EMPTY_FIELD)


POLICY_FIELDS = ("department", "title", "level", "eligibility", "benefit", "how_to_apply")
POLICY_LABELS = {
    "department": "行业部门",
    "title": "政策名称",
    "eligibility": "享受条件",
    "benefit": "帮扶内容",
    "how_to_apply": "办理方式",
}


def policy_update(*, user: User, policy_id: int, **fields: str) -> Policy:
    """Edit a policy of the user's own region (a city policy by the city, ...). An edited
    sample policy is no longer marked 示例: someone now stands behind its text."""
    _require(user, CATALOGUE_ROLES, "维护政策目录")
    with transaction.atomic():
        policy = get_scoped(Policy.objects.select_for_update(), user, pk=policy_id)
        if fields.get("level", policy.level) not in PolicyLevel.values:
            raise BadValue("政策层级应为国家、省级、市级或县级", code=Code.INVALID_POLICY_LEVEL)
        for name in POLICY_FIELDS:
            if name in fields:
                value = fields[name]
                if name != "level":
                    value = plain_text(value, POLICY_LABELS[name])
                setattr(policy, name, value)
        policy.sample = False
        policy.save()
    return policy


def liaison_update(*, user: User, liaison_id: int, sector: str, name: str, phone: str) -> Liaison:
    _require(user, CATALOGUE_ROLES, "维护联络员")
    with transaction.atomic():
        liaison = get_scoped(Liaison.objects.select_for_update(), user, pk=liaison_id)
        liaison.sector = plain_text(sector, "行业")
        liaison.name = plain_text(name, "姓名")
        liaison.phone = clean_phone(phone, "电话") or _no_phone()
        liaison.sample = False
        liaison.save()
    return liaison
