"""State changes of supervision: importing the task list, reports and their approval, samples.

Each takes the acting user, checks role and scope, runs in one transaction; simple-history keeps
every version of the rows it changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from fangpin.accounts.models import Role
from fangpin.core.errors import BadValue, Conflict, Forbidden, NotFound
from fangpin.monitoring import clock
from fangpin.regions.models import Level, Region

from . import importing, sampling, selectors
from .error_codes import SupervisionCode
from .models import (
    AssessmentSample,
    FollowUp,
    FollowUpStatus,
    Indicator,
    IndicatorReport,
    Meeting,
    NodeLevel,
    ReportStatus,
    SampleHousehold,
    SampleVillage,
    TaskNode,
)

if TYPE_CHECKING:
    from fangpin.accounts.models import User

MAX_VILLAGES = 200
MAX_HOUSEHOLDS = 5000


def tasks_import(*, user: User, file: IO[bytes] | bytes | Any, year: int) -> dict[str, int]:
    """Replace the year's task list of the user's region by the file's (city role).

    All or nothing: a file with any problem writes nothing and raises BadValue with the
    problems (`extra`: [{row, column, message}]). A list that already has reports is kept.
    """
    if user.role != Role.CITY:
        raise Forbidden("只有市级账号可以导入考核任务清单")
    if not 2000 <= year <= 2100:
        raise BadValue("年度不正确", code=SupervisionCode.BAD_PERIOD)
    parsed = importing.parse(file)
    if parsed.problems:
        first = str(parsed.problems[0])
        raise BadValue(
            f"任务清单有 {len(parsed.problems)} 处问题,未导入任何数据。{first}",
            code=SupervisionCode.TASK_IMPORT_INVALID,
            extra=[p.as_json() for p in parsed.problems],
        )
    region = user.region
    assert region is not None
    return task_list_write(region=region, year=year, rows=parsed.rows)


def task_list_write(*, region: Region, year: int, rows: list[importing.TaskRow]) -> dict[str, int]:
    """Replace the year's task list of `region` by checked rows (the import's second half)."""
    with transaction.atomic():
        old = Indicator.objects.select_for_update().filter(year=year, region=region)
        if IndicatorReport.objects.filter(indicator__in=old).exists():
            raise Conflict(
                f"{year}年的任务清单已有填报数据,不能整体替换",
                code=SupervisionCode.TASK_LIST_IN_USE,
            )
        for indicator in old:
            indicator.delete()
        for node in TaskNode.objects.filter(year=year, region=region, level=NodeLevel.ASPECT):
            node.delete()  # items and sub-items go with their aspect
        made: dict[tuple[str, ...], TaskNode] = {}
        position = 0

        def node_for(key: tuple[str, ...], level: str, parent: TaskNode | None) -> TaskNode:
            nonlocal position
            if key not in made:
                position += 1
                made[key] = TaskNode.objects.create(
                    year=year,
                    region=region,
                    level=level,
                    parent=parent,
                    name=key[-1],
                    position=position,
                )
            return made[key]

        for row in rows:
            aspect = node_for((row.aspect,), NodeLevel.ASPECT, None)
            item = node_for((row.aspect, row.item), NodeLevel.ITEM, aspect)
            sub = node_for((row.aspect, row.item, row.sub_item), NodeLevel.SUB_ITEM, item)
            position += 1
            Indicator.objects.create(
                year=year,
                region=region,
                sub_item=sub,
                aspect=aspect,
                name=row.name,
                target=row.target,
                unit=row.unit,
                weight=row.weight,
                direction=row.direction,
                owner=row.owner,
                lead_official=row.lead_official,
                schedule=row.schedule,
                evidence_required=row.evidence_required,
                source=row.source,
                formula=row.formula,
                position=position,
            )
    return {
        "aspects": sum(1 for k in made if len(k) == 1),
        "items": sum(1 for k in made if len(k) == 2),
        "sub_items": sum(1 for k in made if len(k) == 3),
        "indicators": len(rows),
    }


def _value(raw: object) -> Decimal:
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        raise BadValue("填报值应为数字", code=SupervisionCode.TASK_IMPORT_INVALID) from None
    if not value.is_finite() or abs(value) >= Decimal("1e12"):
        raise BadValue("填报值应为数字", code=SupervisionCode.TASK_IMPORT_INVALID)
    return value.quantize(Decimal("0.0001"))


def report_submit(
    *,
    user: User,
    indicator_id: int,
    region_code: str,
    period: str,
    value: object,
    evidence: str = "",
) -> IndicatorReport:
    """Report (or correct a returned report of) a manual indicator for the user's own region."""
    indicator = selectors.indicator_get(user, indicator_id)
    region = selectors.region_in_scope(user, region_code)
    selectors.check_period(period)
    if user.role not in (Role.COUNTY, Role.TOWNSHIP):
        raise Forbidden("指标由县级、乡镇责任单位填报")
    if region.code != user.region_id:
        raise Forbidden("只能填报本单位所辖区划的指标")
    if region.level not in (Level.COUNTY, Level.TOWNSHIP):
        raise BadValue("只能填报县级或乡镇的指标", code=SupervisionCode.REPORT_REGION_LEVEL)
    if indicator.is_computed:
        raise BadValue(
            "该指标由系统根据业务数据自动计算,不能填报", code=SupervisionCode.INDICATOR_COMPUTED
        )
    number = _value(value)
    now = timezone.now()
    with transaction.atomic():
        report = (
            IndicatorReport.objects.select_for_update()
            .filter(indicator=indicator, region=region, period=period)
            .first()
        )
        if report is None:
            return IndicatorReport.objects.create(
                indicator=indicator,
                region=region,
                period=period,
                value=number,
                evidence=evidence,
                submitted_by=user,
                submitted_at=now,
            )
        if report.status == ReportStatus.APPROVED:
            raise Conflict(
                "该填报已审核锁定,如需修改请审核单位先撤销审核", code=SupervisionCode.REPORT_LOCKED
            )
        report.value = number
        report.evidence = evidence
        report.status = ReportStatus.SUBMITTED
        report.submitted_by = user
        report.submitted_at = now
        report.save()
        return report


ACTIONS = ("approve", "return", "reopen")


def report_act(*, user: User, report_id: int, action: str, comment: str = "") -> IndicatorReport:
    """Approve, return (with a comment) or reopen a report; only the next level up may."""
    report = selectors.report_get(user, report_id)
    if action not in ACTIONS:
        raise BadValue(f"未知的操作:{action}", code=SupervisionCode.UNKNOWN_ACTION)
    if user.role not in (Role.CITY, Role.COUNTY) or report.region.parent_id != user.region_id:
        raise Forbidden("只有上一级审核单位可以审核该填报", code=SupervisionCode.NOT_THE_APPROVER)
    comment = (comment or "").strip()
    with transaction.atomic():
        report = IndicatorReport.objects.select_for_update().get(pk=report.pk)
        if action == "reopen":
            if report.status != ReportStatus.APPROVED:
                raise Conflict("该填报尚未审核,无需撤销", code=SupervisionCode.REPORT_NOT_APPROVED)
            report.status = ReportStatus.RETURNED
        else:
            if report.status == ReportStatus.APPROVED:
                raise Conflict("该填报已审核锁定", code=SupervisionCode.REPORT_LOCKED)
            if report.status != ReportStatus.SUBMITTED:
                raise Conflict(
                    "该填报已退回,待责任单位重新报送", code=SupervisionCode.REPORT_NOT_SUBMITTED
                )
            if action == "return" and not comment:
                raise BadValue("退回须写明修改意见", code=SupervisionCode.COMMENT_REQUIRED)
            report.status = ReportStatus.APPROVED if action == "approve" else ReportStatus.RETURNED
        report.comment = comment
        report.decided_by = user
        report.decided_at = timezone.now()
        report.save()
    return report


def sample_create(
    *,
    user: User,
    year: int,
    villages_per_county: int,
    households_per_county: int,
    seed: int,
    region_code: str | None = None,
) -> AssessmentSample:
    """Draw a post-assessment sample of the counties of a city or of one county."""
    region = selectors.region_in_scope(user, region_code)
    if user.role not in (Role.CITY, Role.COUNTY):
        raise Forbidden("后评估抽样由市级、县级组织")
    if region.level not in (Level.CITY, Level.COUNTY):
        raise BadValue("抽样范围应为市或县", code=SupervisionCode.BAD_LEVEL)
    if not (
        1 <= villages_per_county <= MAX_VILLAGES and 1 <= households_per_county <= MAX_HOUSEHOLDS
    ):
        raise BadValue(
            f"每县抽取村数应为1至{MAX_VILLAGES},户数应为1至{MAX_HOUSEHOLDS}",
            code=SupervisionCode.SAMPLE_SIZE,
        )
    counties = (
        [region]
        if region.level == Level.COUNTY
        else list(Region.objects.filter(parent=region, level=Level.COUNTY).order_by("code"))
    )
    weights = sampling.weights()
    draws = [
        sampling.draw_county(
            c.prefix,
            villages=villages_per_county,
            households=households_per_county,
            seed=seed,
            w=weights,
        )
        for c in counties
    ]
    strata: dict[str, dict[str, Any]] = {}
    for key, (label, _) in sampling.STRATA.items():
        strata[key] = {
            "label": label,
            "weight": float(weights[key]),
            "population": sum(d.population.get(key, 0) for d in draws),
            "in_sampled_villages": sum(d.in_villages.get(key, 0) for d in draws),
            "sampled": sum(1 for d in draws for _, s in d.households if s == key),
        }
    with transaction.atomic():
        sample = AssessmentSample.objects.create(
            region=region,
            year=year,
            villages_per_county=villages_per_county,
            households_per_county=households_per_county,
            seed=seed,
            strata=strata,
            created_by=user,
        )
        position = 0
        villages = []
        for draw in draws:
            for code in draw.villages:
                position += 1
                villages.append(SampleVillage(sample=sample, village_id=code, position=position))
        SampleVillage.objects.bulk_create(villages)
        households = []
        position = 0
        for draw in draws:
            for household_id, stratum in draw.households:
                position += 1
                households.append(
                    SampleHousehold(
                        sample=sample, household_id=household_id, stratum=stratum, position=position
                    )
                )
        SampleHousehold.objects.bulk_create(households)
    return sample


def sample_finding_set(
    *, user: User, sample_id: int, household_id: int, findings: str
) -> SampleHousehold:
    """Record the assessors' findings for one sampled household (city or county)."""
    sample = selectors.sample_get(user, sample_id)
    if user.role not in (Role.CITY, Role.COUNTY):
        raise Forbidden("评估发现由市级、县级评估组录入")
    with transaction.atomic():
        entry = (
            SampleHousehold.objects.select_for_update()
            .filter(sample=sample, household_id=household_id)
            .first()
        )
        if entry is None:
            raise NotFound("该户不在此次抽样中")
        entry.findings = findings.strip()
        entry.save(update_fields=["findings"])
    return entry


@dataclass(frozen=True)
class Decision:
    decision: str
    owner: str
    deadline: dt.date
    region_code: str | None = None


def meeting_create(
    *,
    user: User,
    title: str,
    held_on: dt.date,
    minutes: str = "",
    decisions: list[Decision],
) -> Meeting:
    """Record a dispatch meeting of the user's region; each decision becomes a follow-up with
    an owner, the region responsible (inside the user's) and a deadline."""
    if user.role not in (Role.CITY, Role.COUNTY):
        raise Forbidden("调度会由市级、县级召开和登记")
    if not decisions:
        raise BadValue("请至少填写一项议定事项", code=SupervisionCode.DECISIONS_REQUIRED)
    places = [selectors.region_in_scope(user, d.region_code) for d in decisions]
    for d in decisions:
        if not d.decision.strip() or not d.owner.strip():
            raise BadValue("议定事项和责任单位不能为空", code=SupervisionCode.DECISIONS_REQUIRED)
        if d.deadline < held_on:
            raise BadValue("完成时限不能早于会议日期", code=SupervisionCode.BAD_PERIOD)
    region = user.region
    assert region is not None
    with transaction.atomic():
        meeting = Meeting.objects.create(
            region=region,
            title=title.strip() or "调度会",
            held_on=held_on,
            minutes=minutes,
            created_by=user,
        )
        for d, place in zip(decisions, places, strict=True):
            FollowUp.objects.create(
                meeting=meeting,
                region=place,
                decision=d.decision.strip(),
                owner=d.owner.strip(),
                deadline=d.deadline,
            )
    return meeting


def follow_up_act(*, user: User, follow_up_id: int, action: str, note: str = "") -> FollowUp:
    """`close {note}` by the responsible region or above; `reopen {note}` by the meeting's."""
    follow_up = selectors.follow_up_get(user, follow_up_id)
    if action not in ("close", "reopen"):
        raise BadValue(f"未知的操作:{action}", code=SupervisionCode.UNKNOWN_ACTION)
    if user.role not in (Role.CITY, Role.COUNTY, Role.TOWNSHIP):
        raise Forbidden("您的角色不能办理议定事项")
    note = (note or "").strip()
    if not note:
        raise BadValue("请写明办理情况或重新办理的理由", code=SupervisionCode.NOTE_REQUIRED)
    with transaction.atomic():
        follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
        if action == "close":
            if follow_up.status == FollowUpStatus.CLOSED:
                raise Conflict("该事项已办结", code=SupervisionCode.FOLLOW_UP_CLOSED)
            follow_up.status = FollowUpStatus.CLOSED
            follow_up.closed_on = clock.today()
        else:
            if follow_up.meeting.region_id != user.region_id:
                raise Forbidden("只有召开会议的单位可以要求重新办理")
            if follow_up.status != FollowUpStatus.CLOSED:
                raise Conflict("该事项仍在办理中", code=SupervisionCode.FOLLOW_UP_OPEN)
            follow_up.status = FollowUpStatus.OPEN
            follow_up.closed_on = None
        follow_up.note = note
        follow_up.save(update_fields=["status", "closed_on", "note"])
    return follow_up
