"""衔接资金 allocations by year and level, the project library and its spending."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class FundLevel(models.TextChoices):
    CENTRAL = "central", "中央"
    PROVINCIAL = "provincial", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"


class Purpose(models.TextChoices):
    INDUSTRY = "industry", "产业发展"
    EMPLOYMENT = "employment", "就业帮扶"
    INFRASTRUCTURE = "infrastructure", "基础设施"
    PUBLIC_SERVICE = "public_service", "公共服务"
    OTHER = "other", "其他"


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", "储备"
    IN_PROGRESS = "in_progress", "实施中"
    COMPLETED = "completed", "已完工"
    SUSPENDED = "suspended", "暂停"


class FundAllocation(models.Model):
    """One allocation of 衔接资金 to a county for a year, from one level, for one purpose."""

    region_field = "county__prefix_code"

    year = models.PositiveSmallIntegerField("年度")
    level = models.CharField("资金级别", max_length=12, choices=FundLevel.choices)
    county = models.ForeignKey(
        "regions.Region", verbose_name="县", on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.CharField("用途", max_length=16, choices=Purpose.choices)
    amount = models.DecimalField("金额(元)", max_digits=14, decimal_places=2)
    note = models.CharField("文号或说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "衔接资金"
        verbose_name_plural = "衔接资金"
        ordering = ["-year", "county_id", "level", "id"]
        indexes = [models.Index(fields=["county", "year"], name="fund_county_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.get_level_display()} {self.amount}"


class Project(models.Model):
    """A project of the library (项目库), in a village, possibly funded by an allocation."""

    region_field = "village_id"

    name = models.CharField("项目名称", max_length=200)
    type = models.CharField("项目类型", max_length=16, choices=Purpose.choices)
    year = models.PositiveSmallIntegerField("年度")
    village = models.ForeignKey(
        "regions.Region", verbose_name="实施地点", on_delete=models.PROTECT, related_name="+"
    )
    budget = models.DecimalField("预算(元)", max_digits=14, decimal_places=2)
    fund_allocation = models.ForeignKey(
        FundAllocation,
        verbose_name="资金来源",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    status = models.CharField(
        "状态", max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED
    )
    households_benefiting = models.PositiveIntegerField("受益户数", default=0)
    # Denormalised from the spending records (kept by `spending_record`).
    spent = models.DecimalField("已支出(元)", max_digits=14, decimal_places=2, default=Decimal(0))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "帮扶项目"
        verbose_name_plural = "帮扶项目"
        ordering = ["-year", "village_id", "id"]
        indexes = [models.Index(fields=["village", "year"], name="project_village_year")]

    def __str__(self) -> str:
        return self.name


class ProjectSpending(models.Model):
    """Money paid out on a project (资金支付)."""

    region_field = "project__village_id"

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="spendings")
    spent_on = models.DateField("支付日期")
    amount = models.DecimalField("金额(元)", max_digits=14, decimal_places=2)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "项目支出"
        verbose_name_plural = "项目支出"
        ordering = ["spent_on", "id"]

    def __str__(self) -> str:
        return f"{self.spent_on} {self.amount}"
