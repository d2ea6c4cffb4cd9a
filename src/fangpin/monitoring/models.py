"""Monitoring cases (监测对象识别与风险消除), their audit events, plans and measures.

A case follows one household from discovery to county approval (identification) and, once
monitored, through risk elimination. The steps are the table in `workflow.py`; every change
writes one `CaseEvent` and a simple-history row. Nothing is deleted: a rejected case stays.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from . import clock


class State(models.TextChoices):
    REPORTED = "reported", "已发现待核实"
    VERIFIED = "verified", "已入户核实"
    DELIBERATED = "deliberated", "已民主评议"
    PUBLICIZED = "publicized", "公示中"
    TOWNSHIP_APPROVED = "township_approved", "乡镇已审核"
    MONITORED = "monitored", "监测帮扶中"
    REJECTED = "rejected", "未纳入"
    ELIMINATION_REPORTED = "elimination_reported", "已提出风险消除"
    ELIMINATION_VERIFIED = "elimination_verified", "消除已入户核查"
    ELIMINATION_DELIBERATED = "elimination_deliberated", "消除已民主评议"
    ELIMINATION_PUBLICIZED = "elimination_publicized", "消除公示中"
    ELIMINATION_TOWNSHIP_APPROVED = "elimination_township_approved", "消除乡镇已审核"
    ELIMINATED = "eliminated", "风险已消除"


# A case in one of these states is finished: the household may get a new case.
FINAL_STATES = frozenset({State.REJECTED, State.ELIMINATED})
# Before county approval: the inclusion deadline runs.
IDENTIFICATION_STATES = frozenset(
    {
        State.REPORTED,
        State.VERIFIED,
        State.DELIBERATED,
        State.PUBLICIZED,
        State.TOWNSHIP_APPROVED,
    }
)
ELIMINATION_STATES = frozenset(
    {
        State.ELIMINATION_REPORTED,
        State.ELIMINATION_VERIFIED,
        State.ELIMINATION_DELIBERATED,
        State.ELIMINATION_PUBLICIZED,
        State.ELIMINATION_TOWNSHIP_APPROVED,
    }
)
# Reached county approval (identified), whatever happened since.
IDENTIFIED_STATES = frozenset({State.MONITORED, State.ELIMINATED} | ELIMINATION_STATES)


class Channel(models.TextChoices):
    SELF_REPORT = "self_report", "农户自主申报"
    CADRE_VISIT = "cadre_visit", "基层干部排查"
    DEPARTMENT_WARNING = "department_warning", "部门筛查预警"


class Category(models.TextChoices):
    UNSTABLE = "unstable", "脱贫不稳定户"
    MARGINAL = "marginal", "边缘易致贫户"
    SUDDEN = "sudden", "突发严重困难户"


class RiskType(models.TextChoices):
    ILLNESS = "01", "因病"
    FLOOD = "0201", "因自然灾害(洪涝)"
    GEOLOGICAL = "0202", "因自然灾害(地质)"
    DROUGHT = "0203", "因自然灾害(旱灾)"
    BIOLOGICAL = "0204", "因自然灾害(生物)"
    METEOROLOGICAL = "0205", "因自然灾害(气象)"
    EARTHQUAKE = "0206", "因自然灾害(地震)"
    OTHER_DISASTER = "0299", "因其他灾害"
    DISABILITY = "03", "因残"
    LABOUR_SHORTAGE = "04", "因缺劳动力"
    ACCIDENT = "05", "因意外事故"
    INDUSTRY_FAILURE = "06", "因产业失败"
    UNSTABLE_EMPLOYMENT = "07", "因务工就业不稳"
    SCHOOLING = "09", "因学"
    OTHER = "99", "其他"


class EliminationMode(models.TextChoices):
    ASSISTED = "assisted", "帮扶消除"
    NATURAL = "natural", "自然消除"


class CaseQuerySet(models.QuerySet["Case"]):
    def open(self) -> CaseQuerySet:
        """Cases not in a final state (at most one per household)."""
        return self.exclude(state__in=FINAL_STATES)

    def identified(self) -> CaseQuerySet:
        return self.filter(state__in=IDENTIFIED_STATES)


class Case(models.Model):
    """One household's way through identification and, once monitored, elimination."""

    # Denormalised from the household so that scoping is one index range on the case table.
    region_field = "village_id"

    household = models.ForeignKey(
        "registry.Household", verbose_name="农户", on_delete=models.PROTECT, related_name="cases"
    )
    village = models.ForeignKey(
        "regions.Region", verbose_name="村", on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField("状态", max_length=32, choices=State.choices, default=State.REPORTED)
    channel = models.CharField("发现渠道", max_length=24, choices=Channel.choices)
    category = models.CharField("监测对象类别", max_length=12, choices=Category.choices)
    risk_types = models.JSONField("风险类型", default=list)
    description = models.TextField("情况说明", blank=True)
    warning = models.ForeignKey(
        "screening.Warning",
        verbose_name="来源预警",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    # A re-report after a refusal: the refused case this one continues (what it recorded is
    # carried over, see `services.case_create`).
    previous_case = models.ForeignKey(
        "self",
        verbose_name="前次上报",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_cases",
    )
    discovered_on = models.DateField("发现日期")
    deadline = models.DateField("纳入监测时限")
    deadline_provisional = models.BooleanField("时限为暂定", default=False)
    # The current notice (公示) of the identification or elimination stage.
    notice_starts_on = models.DateField("公示开始", null=True, blank=True)
    notice_ends_on = models.DateField("公示结束", null=True, blank=True)
    identified_on = models.DateField("纳入监测日期", null=True, blank=True)
    eliminated_on = models.DateField("风险消除日期", null=True, blank=True)
    elimination_mode = models.CharField(
        "消除方式", max_length=10, choices=EliminationMode.choices, blank=True
    )
    rejected_reason = models.TextField("未纳入理由", blank=True)
    # An objection raised during the current notice and not yet resolved ("" when none).
    objection = models.TextField("待处理的公示异议", blank=True)
    # 信息比对 after verification: the department records found for the members (None before).
    comparison = models.JSONField("信息比对", null=True, blank=True)
    # What the county decided on (snapshotted at county approval of the identification).
    members_at_approval = models.PositiveSmallIntegerField("审定时家庭人口", null=True, blank=True)
    members_snapshot = models.JSONField("审定时家庭成员", default=list, blank=True)
    income_snapshot = models.JSONField("审定时收入", null=True, blank=True)
    # Bumped on every transition; a client may send the version it saw (optimistic check).
    version = models.PositiveIntegerField("版本", default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = HistoricalRecords()

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = "监测对象"
        verbose_name_plural = "监测对象"
        ordering = ["deadline", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=~Q(state__in=["rejected", "eliminated"]),
                name="case_one_open_per_household",
            )
        ]
        indexes = [
            models.Index(fields=["village", "state"], name="case_village_state"),
            models.Index(fields=["state", "deadline"], name="case_state_deadline"),
            # The case list's keyset order (deadline, id), city-wide and inside a village.
            models.Index(fields=["deadline", "id"], name="case_deadline_id"),
            models.Index(fields=["village", "deadline", "id"], name="case_village_deadline_id"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.household_id} ({self.get_state_display()})"

    @property
    def notice_over(self) -> bool:
        """Whether the notice of a case in 公示 has run its course (by today)."""
        ends = self.notice_ends_on
        return ends is not None and ends < clock.today()

    @property
    def state_label(self) -> str:
        """The state in words, following the date: a notice that has ended awaits the township."""
        if self.state == State.PUBLICIZED and self.notice_over:
            return "公示期满,待乡镇审核"
        if self.state == State.ELIMINATION_PUBLICIZED and self.notice_over:
            return "消除公示期满,待乡镇审核"
        return str(self.get_state_display())


class CaseEvent(models.Model):
    """One action on a case: who, when, what was submitted, and the states before and after."""

    region_field = "case__village_id"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    action = models.CharField("操作", max_length=32)
    from_state = models.CharField("原状态", max_length=32, blank=True)
    to_state = models.CharField("新状态", max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("时间", auto_now_add=True)
    body = models.JSONField("内容", default=dict, blank=True)

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_state} -> {self.to_state}"


class Plan(models.Model):
    """一户一策: the household's assistance plan, helper and monitoring contact."""

    region_field = "household__village_id"

    household = models.OneToOneField(
        "registry.Household", on_delete=models.PROTECT, related_name="plan"
    )
    summary = models.TextField("帮扶计划", blank=True)
    helper_name = models.CharField("帮扶责任人", max_length=64, blank=True)
    helper_phone = models.CharField("帮扶责任人电话", max_length=20, blank=True)
    helper_unit = models.CharField("帮扶责任人单位", max_length=100, blank=True)
    contact_name = models.CharField("监测联系人", max_length=64, blank=True)
    contact_phone = models.CharField("监测联系人电话", max_length=20, blank=True)
    contact_unit = models.CharField("监测联系人单位", max_length=100, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "帮扶计划"
        verbose_name_plural = "帮扶计划"

    def __str__(self) -> str:
        return f"{self.household_id} 帮扶计划"


class MeasureType(models.TextChoices):
    INDUSTRY = "industry", "产业帮扶"
    EMPLOYMENT = "employment", "就业帮扶"
    FINANCE = "finance", "金融帮扶(小额信贷)"
    PUBLIC_JOB = "public_job", "公益岗位"
    HEALTH = "health", "健康帮扶"
    COMPULSORY_EDUCATION = "compulsory_education", "义务教育保障"
    OTHER_EDUCATION = "other_education", "其他教育帮扶"
    HOUSING = "housing", "住房安全保障"
    WATER = "water", "饮水安全保障"
    SOCIAL_GUARANTEE = "social_guarantee", "综合保障"
    SOCIAL_HELP = "social_help", "社会帮扶"
    INSURANCE = "insurance", "防贫保险"
    RELOCATION = "relocation", "搬迁"
    LIVING_CONDITIONS = "living_conditions", "生产生活条件改善"


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", "计划中"
    IMPLEMENTED = "implemented", "已落实"


class Measure(models.Model):
    """One assistance measure for a household (recorded while a case was open)."""

    region_field = "household__village_id"

    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="measures"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="measures"
    )
    type = models.CharField("帮扶类型", max_length=24, choices=MeasureType.choices)
    content = models.TextField("帮扶内容")
    amount = models.DecimalField("金额(元)", max_digits=12, decimal_places=2, null=True, blank=True)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "帮扶措施"
        verbose_name_plural = "帮扶措施"
        ordering = ["starts_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_type_display()}: {self.content[:20]}"
