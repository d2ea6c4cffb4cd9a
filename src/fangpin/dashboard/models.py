"""Summary counters kept current by the monitoring services, in the same transaction.

The summary must not count persons row by row at a million households, so each county
approval adds the household and its members (as snapshotted) to the counters of its village
and of every region above it (township, county, city, province). A region's summary then reads
its own few rows, at any level: the province's costs what a village's does.
"""

from __future__ import annotations

from django.db import models


class Dimension(models.TextChoices):
    IDENTIFIED = "identified", "纳入监测"
    ELIMINATED = "eliminated", "风险消除"
    CATEGORY = "category", "按类别纳入"
    RISK_TYPE = "risk_type", "按风险类型纳入"


class RegionCounter(models.Model):
    """Households and persons of one region's subtree for one dimension and key (e.g. a
    category). Each region has its own rows: never sum them over a subtree (that would count
    a village again in its township, county, city and province)."""

    region_field = "region_id"

    region = models.ForeignKey(
        "regions.Region", verbose_name="区划", on_delete=models.PROTECT, related_name="+"
    )
    dimension = models.CharField("维度", max_length=12, choices=Dimension.choices)
    key = models.CharField("取值", max_length=24, blank=True, default="")
    households = models.BigIntegerField("户数", default=0)
    persons = models.BigIntegerField("人数", default=0)

    class Meta:
        verbose_name = "区划统计计数"
        verbose_name_plural = "区划统计计数"
        constraints = [
            models.UniqueConstraint(
                fields=["region", "dimension", "key"], name="region_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.dimension}:{self.key} {self.households}户{self.persons}人"
