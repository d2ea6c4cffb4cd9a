"""Project assets (帮扶项目资产) and their six rights (六权同确, 国办函〔2021〕51号)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

# The six rights, in the order the policy names them: (field, Chinese label).
RIGHTS: tuple[tuple[str, str], ...] = (
    ("ownership", "所有权"),
    ("operation", "经营权"),
    ("management", "管护权"),
    ("income", "收益权"),
    ("supervision", "监督权"),
    ("disposal", "处置权"),
)


class AssetClass(models.TextChoices):
    OPERATING = "operating", "经营性"
    PUBLIC_WELFARE = "public_welfare", "公益性"
    HOUSEHOLD = "household", "到户类"


class Asset(models.Model):
    region_field = "village_id"

    name = models.CharField("资产名称", max_length=200)
    asset_class = models.CharField("资产类别", max_length=16, choices=AssetClass.choices)
    value = models.DecimalField("资产价值(元)", max_digits=14, decimal_places=2)
    village = models.ForeignKey(
        "regions.Region", verbose_name="所在村", on_delete=models.PROTECT, related_name="+"
    )
    project = models.ForeignKey(
        "programs.Project",
        verbose_name="来源项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assets",
    )
    # Each right names its responsible party; blank means not assigned.
    ownership = models.CharField("所有权", max_length=100, blank=True)
    operation = models.CharField("经营权", max_length=100, blank=True)
    management = models.CharField("管护权", max_length=100, blank=True)
    income = models.CharField("收益权", max_length=100, blank=True)
    supervision = models.CharField("监督权", max_length=100, blank=True)
    disposal = models.CharField("处置权", max_length=100, blank=True)
    # Derived from the six on every save (services); stored so lists can filter on it.
    rights_complete = models.BooleanField("六权明晰", default=False, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "项目资产"
        verbose_name_plural = "项目资产"
        ordering = ["village_id", "id"]

    def __str__(self) -> str:
        return self.name

    def rights(self) -> dict[str, str]:
        return {key: getattr(self, key) for key, _ in RIGHTS}

    def missing_rights(self) -> list[str]:
        return [label for key, label in RIGHTS if not getattr(self, key).strip()]
