"""The task list (aspect > item > sub-item > indicator), reports with approval, the scoring
scheme, and post-assessment samples.

The task list is the city's (or a county's) plan for a year; it belongs to the region of whoever
imported it and is read by everyone inside that region. Reports and samples belong to the region
they are about.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class NodeLevel(models.TextChoices):
    ASPECT = "aspect", "方面"
    ITEM = "item", "事项"
    SUB_ITEM = "sub_item", "子项"


class TaskNode(models.Model):
    """One aspect, item or sub-item of a year's task list."""

    region_field = "region__prefix_code"

    year = models.PositiveSmallIntegerField("年度")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    level = models.CharField("层级", max_length=10, choices=NodeLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    name = models.CharField("名称", max_length=200)
    position = models.PositiveIntegerField("顺序", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "任务分解"
        verbose_name_plural = "任务分解"
        ordering = ["year", "position"]
        indexes = [models.Index(fields=["year", "region"], name="tasknode_year_region")]

    def __str__(self) -> str:
        return self.name


class Source(models.TextChoices):
    COMPUTED = "computed", "系统计算"
    MANUAL = "manual", "责任单位填报"


class Direction(models.TextChoices):
    HIGHER = "higher", "越高越好"
    LOWER = "lower", "越低越好"


class Indicator(models.Model):
    """An indicator of a sub-item: target, weight (full points), owner, source of its value."""

    region_field = "region__prefix_code"

    year = models.PositiveSmallIntegerField("年度")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    sub_item = models.ForeignKey(TaskNode, on_delete=models.CASCADE, related_name="indicators")
    aspect = models.ForeignKey(TaskNode, on_delete=models.CASCADE, related_name="+")
    name = models.CharField("指标", max_length=300)
    target = models.DecimalField("目标值", max_digits=16, decimal_places=4, null=True, blank=True)
    unit = models.CharField("单位", max_length=20, blank=True)
    weight = models.DecimalField("权重(分值)", max_digits=8, decimal_places=2)
    direction = models.CharField(
        "方向", max_length=8, choices=Direction.choices, default=Direction.HIGHER
    )
    owner = models.CharField("责任单位", max_length=200)
    lead_official = models.CharField("牵头领导", max_length=64, blank=True)
    schedule = models.CharField("进度安排", max_length=200, blank=True)
    evidence_required = models.CharField("佐证材料", max_length=300, blank=True)
    source = models.CharField("数据来源", max_length=10, choices=Source.choices)
    formula = models.CharField("计算公式", max_length=300, blank=True)
    position = models.PositiveIntegerField("顺序", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "考核指标"
        verbose_name_plural = "考核指标"
        ordering = ["year", "position"]
        indexes = [models.Index(fields=["year", "region"], name="indicator_year_region")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_computed(self) -> bool:
        return self.source == Source.COMPUTED


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", "已报送待审核"
    RETURNED = "returned", "已退回修改"
    APPROVED = "approved", "已审核(锁定)"


class IndicatorReport(models.Model):
    """A manual indicator's value for one region and period, approved by the next level up."""

    region_field = "region__prefix_code"

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="reports")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    period = models.CharField("期间", max_length=7)
    value = models.DecimalField("填报值", max_digits=16, decimal_places=4)
    evidence = models.TextField("佐证材料说明", blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED
    )
    comment = models.TextField("审核意见", blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField("报送时间")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "指标填报"
        verbose_name_plural = "指标填报"
        ordering = ["-period", "indicator_id", "region_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "region", "period"], name="report_one_per_region_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.region_id} {self.period}"


class Mapping(models.TextChoices):
    LINEAR = "linear", "按完成比例得分(封顶满分)"
    THRESHOLD = "threshold", "达到目标得满分,否则不得分"


class ScoringScheme(models.Model):
    """How values become points, per year: the scheme is data, editable in the back office."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    mapping = models.CharField(
        "赋分方式", max_length=10, choices=Mapping.choices, default=Mapping.LINEAR
    )
    overdue_deduction = models.DecimalField(
        "每项逾期未报扣分", max_digits=6, decimal_places=2, default=Decimal("0.5")
    )
    max_deduction = models.DecimalField(
        "逾期扣分上限", max_digits=6, decimal_places=2, default=Decimal("5")
    )
    report_due_day = models.PositiveSmallIntegerField("次月几日前报送", default=10)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "考核评分办法"
        verbose_name_plural = "考核评分办法"

    def __str__(self) -> str:
        return f"{self.year}年评分办法"


class AssessmentSample(models.Model):
    """A reproducible stratified sample of villages and households for post-assessment."""

    region_field = "region__prefix_code"

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    villages_per_county = models.PositiveIntegerField("每县抽取村数")
    households_per_county = models.PositiveIntegerField("每县抽取户数")
    seed = models.BigIntegerField("随机种子")
    strata = models.JSONField("分层", default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("抽样时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "后评估抽样"
        verbose_name_plural = "后评估抽样"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.year}年后评估抽样 {self.region_id}"


class SampleVillage(models.Model):
    sample = models.ForeignKey(AssessmentSample, on_delete=models.CASCADE, related_name="villages")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sample", "position"]

    def __str__(self) -> str:
        return f"{self.sample_id}: {self.village_id}"


class SampleHousehold(models.Model):
    sample = models.ForeignKey(
        AssessmentSample, on_delete=models.CASCADE, related_name="households"
    )
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    stratum = models.CharField("层", max_length=20)
    position = models.PositiveIntegerField(default=0)
    findings = models.TextField("评估发现", blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["sample", "position"]

    def __str__(self) -> str:
        return f"{self.sample_id}: {self.household_id} ({self.stratum})"


class Meeting(models.Model):
    """A dispatch meeting (调度会) of a city or county, whose decisions become follow-ups."""

    region_field = "region__prefix_code"

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("会议名称", max_length=200)
    held_on = models.DateField("召开日期")
    minutes = models.TextField("会议纪要", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "调度会"
        verbose_name_plural = "调度会"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


class FollowUpStatus(models.TextChoices):
    OPEN = "open", "办理中"
    CLOSED = "closed", "已办结"


class FollowUp(models.Model):
    """A decision of a meeting to carry out: owner, responsible region, deadline, closure."""

    region_field = "region__prefix_code"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="follow_ups")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    decision = models.TextField("议定事项")
    owner = models.CharField("责任单位", max_length=200)
    deadline = models.DateField("完成时限")
    status = models.CharField(
        "状态", max_length=8, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    closed_on = models.DateField("办结日期", null=True, blank=True)
    note = models.TextField("办理情况", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "议定事项"
        verbose_name_plural = "议定事项"
        ordering = ["status", "deadline", "id"]

    def __str__(self) -> str:
        return self.decision[:30]
