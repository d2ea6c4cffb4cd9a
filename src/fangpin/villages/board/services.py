"""Changes on the village board: one function per use case, the acting user first.

Each checks the role (403) and the region (404), runs in one transaction, and leaves a
history row naming the user (simple-history `_history_user`) and the reason.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.db.models import Model

from fangpin.accounts.models import Role, User
from fangpin.core import files
from fangpin.core.errors import BadValue, Conflict, Forbidden, NotFound
from fangpin.core.scoping import covers, get_scoped
from fangpin.regions.models import Level, Region, canonical_code
from fangpin.registry.models import Household

from ..models import (
    Announcement,
    BenchmarkCriterion,
    CensusRound,
    CriterionConfirmation,
    Problem,
    ProblemPhoto,
    ProblemStatus,
    ProblemType,
    RuleDocument,
)
from . import rating
from .error_codes import BoardErrorCode
from .selectors import require_reader, round_get, today

ROUND_ROLES = frozenset({Role.TOWNSHIP, Role.COUNTY})
PROBLEM_ROLES = frozenset({Role.VILLAGE, Role.TOWNSHIP, Role.COUNTY})
BOARD_ROLES = frozenset({Role.VILLAGE, Role.TOWNSHIP, Role.COUNTY})

# action -> (role that takes it, states it starts from, state it ends in, history reason)
PROBLEM_ACTIONS: dict[str, tuple[str, frozenset[str], str, str]] = {
    "rectify": (Role.VILLAGE, frozenset({ProblemStatus.OPEN}), ProblemStatus.RECTIFIED, "村级整改"),
    "verify": (
        Role.TOWNSHIP,
        frozenset({ProblemStatus.RECTIFIED}),
        ProblemStatus.CLOSED,
        "乡镇验收销号",
    ),
    "reopen": (
        Role.TOWNSHIP,
        frozenset({ProblemStatus.RECTIFIED, ProblemStatus.CLOSED}),
        ProblemStatus.OPEN,
        "乡镇退回重新整改",
    ),
}
ACTION_LABELS = {"rectify": "整改", "verify": "验收销号", "reopen": "退回"}


def _save(obj: Model, user: User, reason: str, **kwargs: Any) -> None:
    obj._history_user = user  # type: ignore[attr-defined]
    obj._change_reason = reason  # type: ignore[attr-defined]
    obj.save(**kwargs)


def _region(user: User, code: str) -> Region:
    try:
        region = Region.objects.get(code=canonical_code(code or ""))
    except Region.DoesNotExist:
        raise BadValue(f"未知的区划代码:{code}", code=BoardErrorCode.INVALID_REGION) from None
    if not covers(user, region.prefix_code):
        raise NotFound()
    return region


def _village(user: User, code: str) -> Region:
    region = _region(user, code)
    if region.level != Level.VILLAGE:
        raise BadValue("请给出村级区划代码", code=BoardErrorCode.NOT_A_VILLAGE)
    return region


def round_create(
    *, user: User, name: str, region_code: str, starts_on: dt.date, ends_on: dt.date
) -> CensusRound:
    """Start a round of 围村普查 over a region (township or county users, in their region)."""
    require_reader(user)
    region = _region(user, region_code)
    if user.role not in ROUND_ROLES:
        raise Forbidden("只有乡镇和县级用户可以组织围村普查")
    if not name.strip():
        raise BadValue("请填写普查名称", code=BoardErrorCode.MISSING_TEXT)
    if ends_on < starts_on:
        raise BadValue("结束日期不能早于开始日期", code=BoardErrorCode.INVALID_DATES)
    census = CensusRound(
        name=name.strip(), region=region, starts_on=starts_on, ends_on=ends_on, created_by=user
    )
    with transaction.atomic():
        _save(census, user, "创建普查轮次")
    return census


def problem_create(
    *,
    user: User,
    village_code: str,
    type: str,
    description: str,
    responsible_unit: str,
    deadline: dt.date,
    round_id: int | None = None,
    household_id: int | None = None,
) -> Problem:
    """Record a problem found in a village (village, township or county users)."""
    require_reader(user)
    village = _village(user, village_code)
    if user.role not in PROBLEM_ROLES:
        raise Forbidden("只有村、乡镇和县级用户可以登记问题")
    census = round_get(user=user, round_id=round_id) if round_id is not None else None
    household = None
    if household_id is not None:
        household = get_scoped(Household.objects.all(), user, pk=household_id)
        if household.village_id != village.code:
            raise BadValue("该农户不在所填的村", code=BoardErrorCode.HOUSEHOLD_NOT_IN_VILLAGE)
    if type not in ProblemType.values:
        raise BadValue(f"未知的问题类型:{type}", code=BoardErrorCode.INVALID_PROBLEM_TYPE)
    if census is not None and not village.prefix_code.startswith(census.region.prefix):
        raise BadValue("该村不在这轮普查的范围内", code=BoardErrorCode.ROUND_NOT_COVERING_VILLAGE)
    if not description.strip() or not responsible_unit.strip():
        raise BadValue("请填写问题描述和责任单位", code=BoardErrorCode.MISSING_TEXT)
    problem = Problem(
        census_round=census,
        village=village,
        household=household,
        type=type,
        description=description.strip(),
        responsible_unit=responsible_unit.strip(),
        deadline=deadline,
        created_by=user,
    )
    with transaction.atomic():
        _save(problem, user, "登记问题")
    return problem


def problem_act(
    *,
    user: User,
    problem_id: int,
    action: str,
    measures: str = "",
    reason: str = "",
    version: int | None = None,
) -> Problem:
    """Move a problem: `rectify` (village), `verify` and `reopen` (township)."""
    require_reader(user)
    problem = get_scoped(Problem.objects.all(), user, pk=problem_id)
    if action not in PROBLEM_ACTIONS:
        raise BadValue(f"未知的操作:{action}", code=BoardErrorCode.UNKNOWN_ACTION)
    role, sources, target, history_reason = PROBLEM_ACTIONS[action]
    if user.role != role:
        raise Forbidden(f"只有{Role(role).label}用户可以{ACTION_LABELS[action]}")
    if action == "rectify" and not measures.strip():
        raise BadValue("请填写整改措施", code=BoardErrorCode.MEASURES_REQUIRED)
    if action == "reopen" and not reason.strip():
        raise BadValue("请填写退回理由", code=BoardErrorCode.REASON_REQUIRED)
    with transaction.atomic():
        locked = Problem.objects.select_for_update().get(pk=problem.pk)
        if version is not None and locked.version != version:
            raise Conflict("问题已被他人处理,请刷新后再试", code=BoardErrorCode.PROBLEM_CHANGED)
        if locked.status not in sources:
            code = (
                BoardErrorCode.PROBLEM_NOT_OPEN
                if action == "rectify"
                else BoardErrorCode.PROBLEM_NOT_RECTIFIED
            )
            raise Conflict(
                f"问题当前为“{locked.get_status_display()}”,不能{ACTION_LABELS[action]}",
                code=code,
            )
        locked.status = target
        locked.version += 1
        fields = ["status", "version"]
        if action == "rectify":
            locked.measures = measures.strip()
            locked.rectified_on = today()
            fields += ["measures", "rectified_on"]
        elif action == "verify":
            locked.closed_on = today()
            fields += ["closed_on"]
        else:
            locked.reopen_reason = reason.strip()
            locked.closed_on = None
            fields += ["reopen_reason", "closed_on"]
            history_reason = f"{history_reason}:{reason.strip()}"
        _save(locked, user, history_reason, update_fields=fields)
    return locked


def criterion_confirm(
    *, user: User, village_code: str, key: str, met: bool, note: str = ""
) -> CriterionConfirmation:
    """The township confirms (or withdraws) one 标杆村 criterion for one of its villages."""
    require_reader(user)
    village = _village(user, village_code)
    if user.role != Role.TOWNSHIP:
        raise Forbidden("只有乡镇用户可以确认标杆村标准")
    rating.criteria_active()
    try:
        criterion = BenchmarkCriterion.objects.get(key=key, active=True)
    except BenchmarkCriterion.DoesNotExist:
        raise BadValue(f"未知的标准:{key}", code=BoardErrorCode.UNKNOWN_CRITERION) from None
    with transaction.atomic():
        mark = (
            CriterionConfirmation.objects.select_for_update()
            .filter(village=village, criterion=criterion)
            .first()
        ) or CriterionConfirmation(village=village, criterion=criterion)
        mark.met = met
        mark.note = note.strip()
        mark.confirmed_on = today()
        mark.confirmed_by = user
        _save(mark, user, "乡镇确认" if met else "乡镇认定未达到")
    return mark


def rule_save(
    *,
    user: User,
    region_code: str,
    title: str,
    body: str,
    effective_on: dt.date,
    rule_id: int | None = None,
) -> RuleDocument:
    """Add a rule (制度) to a region, or publish a new version of one (old ones stay)."""
    require_reader(user)
    region = _region(user, region_code)
    if user.role not in BOARD_ROLES:
        raise Forbidden("只有村、乡镇和县级用户可以维护制度")
    if not title.strip() or not body.strip():
        raise BadValue("请填写标题和正文", code=BoardErrorCode.MISSING_TEXT)
    with transaction.atomic():
        if rule_id is None:
            rule = RuleDocument(region=region)
        else:
            try:
                rule = RuleDocument.objects.select_for_update().get(pk=rule_id)
            except RuleDocument.DoesNotExist:
                raise NotFound() from None
            if not covers(user, rule.region.prefix_code):
                raise NotFound()
            rule.version += 1
        rule.title, rule.body = title.strip(), body.strip()
        rule.effective_on, rule.updated_by = effective_on, user
        _save(rule, user, "发布新版本" if rule_id else "新建制度")
    return rule


def announcement_create(
    *,
    user: User,
    village_code: str,
    title: str,
    body: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
) -> Announcement:
    require_reader(user)
    village = _village(user, village_code)
    if user.role not in BOARD_ROLES:
        raise Forbidden("只有村、乡镇和县级用户可以发布公告")
    if not title.strip() or not body.strip():
        raise BadValue("请填写标题和内容", code=BoardErrorCode.MISSING_TEXT)
    if ends_on is not None and ends_on < starts_on:
        raise BadValue("结束日期不能早于开始日期", code=BoardErrorCode.INVALID_DATES)
    notice = Announcement(
        village=village,
        title=title.strip(),
        body=body.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=user,
    )
    with transaction.atomic():
        _save(notice, user, "发布公告")
    return notice


def problem_photo_add(
    *, user: User, problem_id: int, file: Any, title: str = "", filename: str | None = None
) -> ProblemPhoto:
    """File evidence (a photo, a scan) for a problem; it passes the upload gate first."""
    require_reader(user)
    problem = get_scoped(Problem.objects.all(), user, pk=problem_id)
    if user.role not in PROBLEM_ROLES:
        raise Forbidden("只有村、乡镇和县级用户可以上传佐证材料")
    wrapped = file if isinstance(file, File) else File(file, name=filename or "evidence")
    files.refuse_oversize(getattr(wrapped, "size", None), limits=files.ATTACHMENT)
    admitted = files.admit(wrapped, limits=files.ATTACHMENT)  # type: ignore[arg-type]
    photo = ProblemPhoto(problem=problem, title=" ".join(title.split())[:100], uploaded_by=user)
    photo.file.save(f"{uuid.uuid4().hex}{admitted.extension}", wrapped, save=False)
    with transaction.atomic():
        _save(photo, user, "上传佐证材料")
    return photo
