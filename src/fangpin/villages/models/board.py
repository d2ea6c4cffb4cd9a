"""Census rounds, problems, ratings, rules and announcements (the village board)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

__all__ = [
    "Announcement",
    "BenchmarkCriterion",
    "CensusRound",
    "CriterionConfirmation",
    "Problem",
    "ProblemPhoto",
    "ProblemStatus",
    "ProblemType",
    "RuleDocument",
]


class CensusRound(models.Model):
    """A round of 围村普查 over a region (county or township), with its dates."""

    region_field = "region__prefix_code"

    name = models.CharField("名称", max_length=100)
    region = models.ForeignKey(
        "regions.Region", verbose_name="普查范围", on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "围村普查轮次"
        verbose_name_plural = "围村普查轮次"
        ordering = ["-starts_on", "id"]

    def __str__(self) -> str:
        return self.name


class ProblemType(models.TextChoices):
    INCOME = "income", "收入不稳定"
    FOOD_CLOTHING = "food_clothing", "吃穿保障"
    EDUCATION = "education", "义务教育保障"
    MEDICAL = "medical", "基本医疗保障"
    HOUSING = "housing", "住房安全"
    WATER = "water", "饮水安全"
    POLICY = "policy", "政策落实"
    ARCHIVE = "archive", "档案资料"
    INFRASTRUCTURE = "infrastructure", "基础设施"
    ENVIRONMENT = "environment", "人居环境"
    OTHER = "other", "其他"


class ProblemStatus(models.TextChoices):
    OPEN = "open", "待整改"
    RECTIFIED = "rectified", "已整改待验收"
    CLOSED = "closed", "已销号"


class Problem(models.Model):
    """A risk or problem found in a village, tracked open -> rectified -> closed (or reopened)."""

    region_field = "village_id"

    census_round = models.ForeignKey(
        CensusRound,
        verbose_name="普查轮次",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    village = models.ForeignKey(
        "regions.Region", verbose_name="村", on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name="农户",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    type = models.CharField("问题类型", max_length=16, choices=ProblemType.choices)
    description = models.TextField("问题描述")
    responsible_unit = models.CharField("责任单位", max_length=100)
    deadline = models.DateField("整改时限")
    status = models.CharField(
        "状态", max_length=12, choices=ProblemStatus.choices, default=ProblemStatus.OPEN
    )
    measures = models.TextField("整改措施", blank=True)
    rectified_on = models.DateField("整改日期", null=True, blank=True)
    closed_on = models.DateField("销号日期", null=True, blank=True)
    reopen_reason = models.TextField("退回理由", blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("发现时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "普查问题"
        verbose_name_plural = "普查问题"
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["village", "status"], name="problem_village_status"),
            models.Index(fields=["status", "deadline"], name="problem_status_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()}:{self.description[:20]}"

    def is_overdue(self, today: dt.date) -> bool:
        return self.status == ProblemStatus.OPEN and self.deadline < today


def problem_photo_path(instance: ProblemPhoto, filename: str) -> str:
    return f"problems/{instance.problem.village_id}/{instance.problem_id}/{filename}"


class ProblemPhoto(models.Model):
    """Evidence of a problem or of its rectification (a photo or a scanned document)."""

    region_field = "problem__village_id"

    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="photos")
    file = models.FileField("文件", upload_to=problem_photo_path, max_length=255)
    title = models.CharField("说明", max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "问题佐证材料"
        verbose_name_plural = "问题佐证材料"
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.title or str(self.file.name)


class BenchmarkCriterion(models.Model):
    """One criterion of 标杆村 beyond 放心村 (班子强, 环境美, 产业兴), kept as data."""

    key = models.CharField("代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=64)
    description = models.TextField("说明", blank=True)
    active = models.BooleanField("启用", default=True)
    order = models.PositiveSmallIntegerField("顺序", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "标杆村标准"
        verbose_name_plural = "标杆村标准"
        ordering = ["order", "key"]

    def __str__(self) -> str:
        return self.name


class CriterionConfirmation(models.Model):
    """The township's word on one criterion for one village (history kept)."""

    region_field = "village_id"

    village = models.ForeignKey(
        "regions.Region", verbose_name="村", on_delete=models.PROTECT, related_name="+"
    )
    criterion = models.ForeignKey(
        BenchmarkCriterion, verbose_name="标准", on_delete=models.PROTECT, related_name="+"
    )
    met = models.BooleanField("达到")
    note = models.TextField("说明", blank=True)
    confirmed_on = models.DateField("确认日期")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "标杆村标准确认"
        verbose_name_plural = "标杆村标准确认"
        constraints = [
            models.UniqueConstraint(
                fields=["village", "criterion"], name="criterion_confirmation_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.village_id} {self.criterion_id}: {'达到' if self.met else '未达到'}"


class RuleDocument(models.Model):
    """A rule (制度) of a region; each edit raises its version, old versions stay in history."""

    region_field = "region__prefix_code"

    region = models.ForeignKey(
        "regions.Region", verbose_name="适用区划", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("标题", max_length=100)
    body = models.TextField("正文")
    version = models.PositiveIntegerField("版本", default=1)
    effective_on = models.DateField("施行日期")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "制度"
        verbose_name_plural = "制度"
        ordering = ["region_id", "title"]

    def __str__(self) -> str:
        return f"{self.title}(第{self.version}版)"


class Announcement(models.Model):
    """A public announcement (公告) on a village's board, for a period."""

    region_field = "village_id"

    village = models.ForeignKey(
        "regions.Region", verbose_name="村", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("标题", max_length=100)
    body = models.TextField("内容")
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("发布时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "公告"
        verbose_name_plural = "公告"
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.title
