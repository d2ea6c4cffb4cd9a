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
    # Set when a disposal is approved: the asset is kept (never deleted), marked disposed.
    disposed_on = models.DateField("处置日期", null=True, blank=True)
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


# ---------------------------------------------------------------- income and its distribution


class DistributionRule(models.TextChoices):
    EQUAL = "equal", "本村脱贫户和监测户平均分配"
    LIST = "list", "按名单分配"


class AssetIncome(models.Model):
    """Income an asset earned (rent, operating profit...) in a year, from one source.

    What each household gets of it is a benefit link of kind `asset_income` pointing here
    (`BenefitLink.asset_income`): the links are the one record of the distributed amounts.
    """

    region_field = "asset__village_id"

    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="incomes")
    year = models.PositiveSmallIntegerField("年度")
    amount = models.DecimalField("收益金额(元)", max_digits=14, decimal_places=2)
    source = models.CharField("收益来源", max_length=200)
    received_on = models.DateField("收益日期")
    # The rule of the latest distribution (blank: not distributed yet).
    rule = models.CharField("分配方式", max_length=8, choices=DistributionRule.choices, blank=True)
    distributed_at = models.DateTimeField("分配时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "资产收益"
        verbose_name_plural = "资产收益"
        ordering = ["-year", "asset_id", "id"]
        indexes = [models.Index(fields=["asset", "year"], name="asset_income_year")]

    def __str__(self) -> str:
        return f"{self.asset_id} {self.year} {self.amount}"


# ---------------------------------------------------------------- disposal


class DisposalKind(models.TextChoices):
    SELL = "sell", "出售"
    SCRAP = "scrap", "报废"
    TRANSFER = "transfer", "移交"


class DisposalState(models.TextChoices):
    REQUESTED = "requested", "村级申请"
    TOWNSHIP_APPROVED = "township_approved", "乡镇审核通过"
    APPROVED = "approved", "县级批准"
    REJECTED = "rejected", "不予批准"


OPEN_DISPOSAL_STATES = frozenset({DisposalState.REQUESTED, DisposalState.TOWNSHIP_APPROVED})


class AssetDisposal(models.Model):
    """A request to dispose of an asset, approved by the township then the county
    (`programs/disposal.py` holds the state table)."""

    region_field = "asset__village_id"

    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="disposals")
    kind = models.CharField("处置方式", max_length=10, choices=DisposalKind.choices)
    reason = models.CharField("处置理由", max_length=500)
    value = models.DecimalField("处置价值(元)", max_digits=14, decimal_places=2)
    recipient = models.CharField("受让或接收方", max_length=200, blank=True)
    state = models.CharField(
        "状态", max_length=20, choices=DisposalState.choices, default=DisposalState.REQUESTED
    )
    requested_on = models.DateField("申请日期")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_on = models.DateField("办结日期", null=True, blank=True)
    opinion = models.CharField("审核意见", max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "资产处置"
        verbose_name_plural = "资产处置"
        ordering = ["-requested_on", "-id"]

    def __str__(self) -> str:
        return f"{self.asset_id} {self.get_kind_display()} {self.get_state_display()}"


# ---------------------------------------------------------------- yearly check (年度清查)


class CheckRound(models.Model):
    """The yearly check (年度清查) of a county's assets."""

    region_field = "county__prefix_code"

    year = models.PositiveSmallIntegerField("年度")
    county = models.ForeignKey(
        "regions.Region", verbose_name="县", on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField("开始日期")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "资产年度清查"
        verbose_name_plural = "资产年度清查"
        ordering = ["-year", "county_id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "county"], name="check_round_year_county")
        ]

    def __str__(self) -> str:
        return f"{self.county_id} {self.year}"


class Condition(models.TextChoices):
    GOOD = "good", "良好"
    FAIR = "fair", "一般"
    POOR = "poor", "较差"


class AssetCheck(models.Model):
    """What the yearly check found of one asset; checking again updates it (history kept)."""

    region_field = "asset__village_id"

    round = models.ForeignKey(CheckRound, on_delete=models.PROTECT, related_name="checks")
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="checks")
    exists = models.BooleanField("资产存在")
    condition = models.CharField("状况", max_length=8, choices=Condition.choices)
    in_use = models.BooleanField("正常使用")
    rights_ok = models.BooleanField("权属清晰")
    notes = models.CharField("备注", max_length=500, blank=True)
    checked_on = models.DateField("清查日期")
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "资产清查记录"
        verbose_name_plural = "资产清查记录"
        ordering = ["round_id", "asset_id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "asset"], name="asset_check_once_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.asset_id}"
