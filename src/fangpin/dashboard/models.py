"""Summary counters kept current by the monitoring services, in the same transaction.

The city summary must not count persons row by row at a million households, so each county
approval adds the household and its members (as snapshotted) to its village's counters; the
summary then sums a few thousand small rows for a region.
"""

from __future__ import annotations

from django.db import models


class Dimension(models.TextChoices):
    IDENTIFIED = "identified", "纳入监测"
    ELIMINATED = "eliminated", "风险消除"
    CATEGORY = "category", "按类别纳入"
    RISK_TYPE = "risk_type", "按风险类型纳入"


class VillageCounter(models.Model):
    """Households and persons of one village for one dimension and key (e.g. category)."""

    region_field = "village_id"

    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    dimension = models.CharField("维度", max_length=12, choices=Dimension.choices)
    key = models.CharField("取值", max_length=24, blank=True, default="")
    households = models.BigIntegerField("户数", default=0)
    persons = models.BigIntegerField("人数", default=0)

    class Meta:
        verbose_name = "村级统计计数"
        verbose_name_plural = "村级统计计数"
        constraints = [
            models.UniqueConstraint(
                fields=["village", "dimension", "key"], name="village_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.village_id} {self.dimension}:{self.key} {self.households}户{self.persons}人"
