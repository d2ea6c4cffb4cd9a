"""联村共建: a group of villages of one county building an industry together."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class VillageGroup(models.Model):
    """A group of villages (lead village and members) with the projects and entities it
    runs; the lead village is always one of the members."""

    region_field = "county__prefix_code"

    name = models.CharField("名称", max_length=200)
    county = models.ForeignKey(
        "regions.Region", verbose_name="县", on_delete=models.PROTECT, related_name="+"
    )
    lead_village = models.ForeignKey(
        "regions.Region", verbose_name="牵头村", on_delete=models.PROTECT, related_name="+"
    )
    villages = models.ManyToManyField(
        "regions.Region", verbose_name="成员村", related_name="village_groups"
    )
    industry = models.CharField("共建产业", max_length=64)
    year = models.PositiveSmallIntegerField("年度")
    projects = models.ManyToManyField(
        "programs.Project", verbose_name="共建项目", blank=True, related_name="village_groups"
    )
    entities = models.ManyToManyField(
        "programs.Entity", verbose_name="经营主体", blank=True, related_name="village_groups"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[villages, projects, entities])

    class Meta:
        verbose_name = "联村共建"
        verbose_name_plural = "联村共建"
        ordering = ["county_id", "-year", "id"]

    def __str__(self) -> str:
        return self.name
