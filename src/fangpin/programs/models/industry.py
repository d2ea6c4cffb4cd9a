"""Business entities (经营主体) and households' benefit links (联农带农, 四金)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class EntityType(models.TextChoices):
    ENTERPRISE = "enterprise", "龙头企业"
    COOPERATIVE = "cooperative", "农民专业合作社"
    FAMILY_FARM = "family_farm", "家庭农场"
    LARGE_HOUSEHOLD = "large_household", "种养大户"
    OTHER = "other", "其他"


class EntityLevel(models.TextChoices):
    NATIONAL = "national", "国家级"
    PROVINCIAL = "provincial", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"


class BenefitKind(models.TextChoices):
    RENT = "rent", "租金"
    WAGE = "wage", "薪金"
    DIVIDEND = "dividend", "股金"
    ASSET_INCOME = "asset_income", "利金"


# Which part of the income record each kind lands in (DOMAIN §2).
PROPERTY_KINDS = frozenset({BenefitKind.RENT, BenefitKind.DIVIDEND, BenefitKind.ASSET_INCOME})


class Entity(models.Model):
    region_field = "county__prefix_code"

    name = models.CharField("名称", max_length=200)
    type = models.CharField("类型", max_length=16, choices=EntityType.choices)
    county = models.ForeignKey(
        "regions.Region", verbose_name="县", on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField("级别", max_length=12, choices=EntityLevel.choices, blank=True)
    industry = models.CharField("主导产业", max_length=64, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "经营主体"
        verbose_name_plural = "经营主体"
        ordering = ["county_id", "name", "id"]

    def __str__(self) -> str:
        return self.name


class BenefitLink(models.Model):
    """What one household gets from one entity in one year, of one kind."""

    region_field = "household__village_id"

    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="benefit_links"
    )
    # An asset's income shared out to households has no entity: it names the income instead.
    entity = models.ForeignKey(
        Entity, null=True, blank=True, on_delete=models.PROTECT, related_name="links"
    )
    asset_income = models.ForeignKey(
        "programs.AssetIncome",
        verbose_name="资产收益",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="links",
    )
    kind = models.CharField("类型", max_length=16, choices=BenefitKind.choices)
    year = models.PositiveSmallIntegerField("年度")
    amount = models.DecimalField("金额(元)", max_digits=12, decimal_places=2)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "联农带农"
        verbose_name_plural = "联农带农"
        ordering = ["-year", "id"]
        indexes = [models.Index(fields=["household", "year"], name="benefit_household_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.get_kind_display()} {self.amount}"
