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


class YearValue(models.Model):
    """A parameter's value for one year: figures that change every year (the previous year's
    rural income, medical thresholds). A year without its own value uses the latest earlier
    one; before any, the parameter's general value."""

    province = models.CharField("省代码", max_length=2, default=HENAN)
    key = models.CharField("参数", max_length=64)
    year = models.PositiveSmallIntegerField("年度")
    value = models.DecimalField("取值", max_digits=14, decimal_places=4)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "年度参数"
        verbose_name_plural = "年度参数"
        ordering = ["province", "key", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "key", "year"], name="year_value_unique_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.year}年={self.value}"


class Term(models.Model):
    """A name the policy gives (the monitored object, the categories), valid from a date:
    notices and reports take the one in force on their own date."""

    key = models.CharField("名称项", max_length=64)
    valid_from = models.DateField("起用日期")
    text = models.CharField("名称", max_length=64)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "政策用语"
        verbose_name_plural = "政策用语"
        ordering = ["key", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["key", "valid_from"], name="term_unique_from")
        ]

    def __str__(self) -> str:
        return f"{self.text}({self.valid_from:%Y-%m-%d} 起)"


def as_number(value: Decimal) -> int | Decimal:
    return int(value) if value == value.to_integral_value() else value.normalize()
