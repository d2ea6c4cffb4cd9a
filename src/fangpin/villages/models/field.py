"""Grids, visits, self-reports, policies and liaisons (CONTRACT §7, field half).

Grids live here rather than in `regions` (ARCHITECTURE puts grids under regions): the
four-level grid with its worker needs the user model, which `regions` may not import.
The older village-only `regions.Grid` (Household.grid) is left as it was; a household's grid
is its `GridHousehold` row (one per household).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

__all__ = [
    "CHECKLIST",
    "Grid",
    "GridHousehold",
    "GridLevel",
    "Liaison",
    "Policy",
    "PolicyLevel",
    "SelfReport",
    "Visit",
]


class GridLevel(models.TextChoices):
    COUNTY = "county", "县级网格"
    TOWNSHIP = "township", "乡级网格"
    VILLAGE = "village", "村级网格"
    GROUP = "group", "组级网格"


# Henan's 八必访 (DOMAIN §5): the eight kinds of household a grid worker must visit. On a
# visit each is answered "fine" (True) or "a concern" (False).
CHECKLIST: dict[str, str] = {
    "income_drop": "收入骤减或支出骤增户",
    "serious_illness": "大病重病户",
    "dispersed_support": "分散供养特困户",
    "low_income_support": "低保户",
    "disability": "重度残疾户",
    "students": "多子女非义务教育阶段就学户",
    "unstable_work": "务工就业不稳定户",
    "misfortune": "遭遇重大变故或灾害户",
}


class Grid(models.Model):
    """A grid (网格) at county, township, village or group level, with its grid worker."""

    region_field = "region__prefix_code"

    name = models.CharField("网格名称", max_length=64)
    level = models.CharField("级别", max_length=10, choices=GridLevel.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name="所在区划", on_delete=models.PROTECT, related_name="+"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级网格",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="网格员",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="field_grids",
    )
    created_at = models.DateTimeField("建立时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "网格"
        verbose_name_plural = "网格"
        ordering = ["region_id", "level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="field_grid_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class GridHousehold(models.Model):
    """The one village- or group-level grid a household belongs to."""

    region_field = "household__village_id"

    household = models.OneToOneField(
        "registry.Household", on_delete=models.PROTECT, related_name="grid_link"
    )
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="links")
    assigned_at = models.DateTimeField("划入时间", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "农户所在网格"
        verbose_name_plural = "农户所在网格"

    def __str__(self) -> str:
        return f"{self.household_id} → {self.grid_id}"


class Visit(models.Model):
    """A grid worker's visit (入户走访) with the 八必访 checklist."""

    region_field = "household__village_id"

    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="visits"
    )
    grid = models.ForeignKey(
        Grid, null=True, blank=True, on_delete=models.SET_NULL, related_name="visits"
    )
    visited_on = models.DateField("走访日期", db_index=True)
    met = models.CharField("见到的人", max_length=64)
    checklist = models.JSONField("八必访", default=dict)
    findings = models.TextField("走访情况", blank=True)
    unchanged = models.BooleanField("走访无变化", default=False)
    case = models.ForeignKey(
        "monitoring.Case",
        verbose_name="上报的监测记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "走访记录"
        verbose_name_plural = "走访记录"
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["household", "visited_on"], name="visit_household_day")]

    def __str__(self) -> str:
        return f"走访 {self.household_id} {self.visited_on}"

    @property
    def concerns(self) -> list[str]:
        return [CHECKLIST[k] for k, ok in self.checklist.items() if k in CHECKLIST and not ok]


class SelfReport(models.Model):
    """A farmer's own report (农户自主申报) from the village's public page."""

    region_field = "village_id"

    class Status(models.TextChoices):
        PENDING = "pending", "待受理"
        ACCEPTED = "accepted", "已受理"
        DISMISSED = "dismissed", "不予受理"

    village = models.ForeignKey(
        "regions.Region", verbose_name="村", on_delete=models.PROTECT, related_name="+"
    )
    receipt = models.CharField("回执号", max_length=16, unique=True)
    name = models.CharField("申报人", max_length=32)
    phone = models.CharField("联系电话", max_length=20)
    description = models.TextField("困难情况")
    # Encrypted like every stored ID number (core.idcrypt); never looked up for the reporter.
    id_number = models.CharField("身份证号", max_length=200, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    received_on = models.DateField("申报日期")
    deadline = models.DateField("受理时限")
    deadline_provisional = models.BooleanField(default=False)
    household = models.ForeignKey(
        "registry.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "monitoring.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField("不予受理理由", max_length=500, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["id_number"])

    class Meta:
        verbose_name = "农户自主申报"
        verbose_name_plural = "农户自主申报"
        ordering = ["deadline", "id"]

    def __str__(self) -> str:
        return f"申报 {self.receipt}"


class PolicyLevel(models.TextChoices):
    NATIONAL = "national", "国家"
    PROVINCIAL = "provincial", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"


class Policy(models.Model):
    """A sector policy (行业政策) on the village boards of `region`'s subtree."""

    region_field = "region__prefix_code"

    region = models.ForeignKey(
        "regions.Region", verbose_name="适用区划", on_delete=models.PROTECT, related_name="+"
    )
    department = models.CharField("行业部门", max_length=64)
    title = models.CharField("政策名称", max_length=200)
    level = models.CharField("层级", max_length=12, choices=PolicyLevel.choices)
    eligibility = models.TextField("享受条件")
    benefit = models.TextField("帮扶内容")
    how_to_apply = models.TextField("办理方式")
    sample = models.BooleanField("示例数据", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "行业政策"
        verbose_name_plural = "行业政策"
        ordering = ["department", "id"]

    def __str__(self) -> str:
        return self.title


class Liaison(models.Model):
    """A sector liaison (行业政策联络员) of a county or township, with name and phone."""

    region_field = "region__prefix_code"

    sector = models.CharField("行业", max_length=64)
    region = models.ForeignKey(
        "regions.Region", verbose_name="所在区划", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("姓名", max_length=32)
    phone = models.CharField("电话", max_length=20)
    sample = models.BooleanField("示例数据", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "行业政策联络员"
        verbose_name_plural = "行业政策联络员"
        ordering = ["region_id", "sector", "id"]

    def __str__(self) -> str:
        return f"{self.sector} {self.name}"
