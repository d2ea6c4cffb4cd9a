"""Policy parameters: what differs between provinces and years is data, never code.

Every change keeps its history (who, when, old value) through django-simple-history.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from simple_history.models import HistoricalRecords

HENAN = "41"


class MonitoringLine(models.Model):
    """防止返贫监测范围: annual per-capita net income line for a province and year."""

    province = models.CharField("省代码", max_length=2, default=HENAN)
    year = models.PositiveSmallIntegerField("年度")
    yuan = models.DecimalField("监测线(元/人·年)", max_digits=10, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "监测线"
        verbose_name_plural = "监测线"
        ordering = ["province", "year"]
        constraints = [
            models.UniqueConstraint(fields=["province", "year"], name="monitoring_line_unique_year")
        ]

    def __str__(self) -> str:
        return f"{self.year}年 {self.yuan} 元"


class Parameter(models.Model):
    """A named number (days, months, yuan, shares) for one province."""

    province = models.CharField("省代码", max_length=2, default=HENAN)
    key = models.CharField("参数", max_length=64)
    value = models.DecimalField("取值", max_digits=14, decimal_places=4)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "政策参数"
        verbose_name_plural = "政策参数"
        ordering = ["province", "key"]
        constraints = [
            models.UniqueConstraint(fields=["province", "key"], name="parameter_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


def as_number(value: Decimal) -> int | Decimal:
    return int(value) if value == value.to_integral_value() else value.normalize()
