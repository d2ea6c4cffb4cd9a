"""Workshops (就业帮扶车间) and their workers; talents (人才库); transfer employment with
transport subsidies (转移就业, 点对点); public-welfare jobs (公益岗)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class WorkshopType(models.TextChoices):
    FACTORY = "factory", "厂房式"
    HOME = "home", "居家式"
    FARMING = "farming", "种养式"
    TRADE = "trade", "商贸式"
    TOURISM = "tourism", "乡村旅游式"


class Workshop(models.Model):
    region_field = "village_id"

    name = models.CharField("车间名称", max_length=200)
    type = models.CharField("类型", max_length=12, choices=WorkshopType.choices)
    village = models.ForeignKey(
        "regions.Region", verbose_name="所在村", on_delete=models.PROTECT, related_name="+"
    )
    owner = models.CharField("经营主体", max_length=200)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "帮扶车间"
        verbose_name_plural = "帮扶车间"
        ordering = ["village_id", "id"]

    def __str__(self) -> str:
        return self.name


class WorkshopWorker(models.Model):
    """A person working in a workshop from `starts_on` (until `ends_on`), with the household
    they belonged to when hired (whose income the wage joins)."""

    region_field = "workshop__village_id"

    workshop = models.ForeignKey(Workshop, on_delete=models.PROTECT, related_name="workers")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="workshop_jobs"
    )
    starts_on = models.DateField("上岗日期")
    ends_on = models.DateField("离岗日期", null=True, blank=True)
    monthly_wage = models.DecimalField("月工资(元)", max_digits=10, decimal_places=2)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "车间务工人员"
        verbose_name_plural = "车间务工人员"
        ordering = ["starts_on", "id"]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.workshop_id}"


class Talent(models.Model):
    region_field = "origin_village_id"

    name = models.CharField("姓名", max_length=64)
    origin_village = models.ForeignKey(
        "regions.Region", verbose_name="籍贯村", on_delete=models.PROTECT, related_name="+"
    )
    skill = models.CharField("专长", max_length=100)
    location = models.CharField("现所在地", max_length=100, blank=True)
    returned = models.BooleanField("已返乡创业", default=False)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    project = models.CharField("创业项目", max_length=200, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "人才"
        verbose_name_plural = "人才"
        ordering = ["origin_village_id", "id"]

    def __str__(self) -> str:
        return self.name


class TransferEmployment(models.Model):
    """A person placed in work away from home (转移就业), with the one-off transport subsidy
    (交通补贴) paid for the journey, point-to-point (点对点) when the transport was organised."""

    region_field = "household__village_id"

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="transfer_jobs"
    )
    destination = models.CharField("务工地点", max_length=100)
    employer = models.CharField("用工单位", max_length=200)
    starts_on = models.DateField("务工开始日期")
    ends_on = models.DateField("务工结束日期", null=True, blank=True)
    point_to_point = models.BooleanField("点对点输送", default=False)
    subsidy = models.DecimalField("交通补贴(元)", max_digits=10, decimal_places=2, default=0)
    paid_on = models.DateField("补贴发放日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "转移就业"
        verbose_name_plural = "转移就业"
        ordering = ["starts_on", "id"]

    def __str__(self) -> str:
        return f"{self.person_id}→{self.destination}"


class PublicWelfareJob(models.Model):
    """A 公益岗 (village cleaner, road keeper, ...) held by a person, paid monthly."""

    region_field = "village_id"

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="public_jobs"
    )
    post = models.CharField("岗位", max_length=100)
    village = models.ForeignKey(
        "regions.Region", verbose_name="所在村", on_delete=models.PROTECT, related_name="+"
    )
    monthly_pay = models.DecimalField("月补贴(元)", max_digits=10, decimal_places=2)
    starts_on = models.DateField("上岗日期")
    ends_on = models.DateField("离岗日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "公益岗"
        verbose_name_plural = "公益岗"
        ordering = ["village_id", "starts_on", "id"]

    def __str__(self) -> str:
        return f"{self.post}:{self.person_id}"
