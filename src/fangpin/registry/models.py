"""The registry: households, persons, time-bounded membership, income and guarantees.

Nothing here is ever deleted: a member who leaves has `ended_on` set; every change to a
household, person, membership, income record or guarantee is kept by simple-history with
the acting user and time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from fangpin.core import idcard, idcrypt
from fangpin.core.idfields import EncryptedIdField, IdHashField

from .choices import CAN_WORK, SAFE_HOUSING, HousingGrade, Relation


class Household(models.Model):
    region_field = "village_id"

    number = models.CharField("户编号", max_length=32, unique=True)
    village = models.ForeignKey(
        "regions.Region",
        verbose_name="村",
        on_delete=models.PROTECT,
        related_name="households",
    )
    grid = models.ForeignKey(
        "regions.Grid",
        verbose_name="网格",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="households",
    )
    address = models.CharField("家庭住址", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    is_alleviated = models.BooleanField("是否脱贫户", default=False)
    # Denormalised from the current members, for lists and search (kept by services).
    head_name = models.CharField("户主姓名", max_length=64, blank=True, db_index=True)
    member_count = models.PositiveSmallIntegerField("家庭人口", default=0)
    created_at = models.DateTimeField("建档时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "农户"
        verbose_name_plural = "农户"
        ordering = ["village_id", "number"]
        indexes = [models.Index(fields=["village", "number"], name="household_village_number")]

    def __str__(self) -> str:
        return f"{self.head_name or '农户'}户({self.number})"

    def current_memberships(self) -> models.QuerySet[Membership]:
        return self.memberships.filter(ended_on__isnull=True).select_related("person")


class PersonQuerySet(models.QuerySet["Person"]):
    def with_id_number(self, raw: object) -> PersonQuerySet:
        """The person with this ID number (exact, after normalising: spaces, full-width
        digits, a lower-case x, the 15-digit form); none for a number that is not valid."""
        number = idcard.normalise(raw)
        if number is None:
            return self.none()
        return self.filter(id_hash=idcrypt.digest(number))

    def with_id_numbers(self, numbers: Iterable[str]) -> PersonQuerySet:
        """Persons with any of these normalised ID numbers."""
        return self.filter(id_hash__in=[idcrypt.digest(n) for n in numbers])


class Person(models.Model):
    region_field = "memberships__household__village_id"
    # A person is in the region of their current household only: the villages they left
    # keep them as their past (registry.past), never as a person they can read or change.
    region_current = {"memberships__ended_on__isnull": True}

    # Encrypted at rest (history rows too); `id_hash` is the keyed hash for exact lookup.
    id_number = EncryptedIdField("身份证号")
    id_hash = IdHashField("身份证号摘要", unique=True)
    name = models.CharField("姓名", max_length=64, db_index=True)
    sex = models.CharField("性别", max_length=2)
    birth_date = models.DateField("出生日期")
    health = models.CharField("健康状况", max_length=32, blank=True, default="健康")
    labour = models.CharField("劳动技能", max_length=16, blank=True)
    education = models.CharField("文化程度", max_length=16, blank=True)
    school_status = models.CharField("在校生情况", max_length=16, blank=True)
    disability_grade = models.PositiveSmallIntegerField("残疾等级", null=True, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    died_on = models.DateField("死亡日期", null=True, blank=True)
    # Employment (劳动力就业情况): reported for `employment_year`; blank status = not reported.
    employment_status = models.CharField("就业状态", max_length=8, blank=True)
    work_place = models.CharField("就业地域", max_length=8, blank=True)
    work_place_text = models.CharField("务工地点", max_length=100, blank=True)
    employment_year = models.PositiveSmallIntegerField("就业年度", null=True, blank=True)
    employment_months = models.PositiveSmallIntegerField("本年务工月数", null=True, blank=True)
    employment_recorded_on = models.DateField("就业情况登记日期", null=True, blank=True)
    history = HistoricalRecords()

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"

    def __str__(self) -> str:
        return self.name

    def age_on(self, day: dt.date) -> int:
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years

    @property
    def can_work(self) -> bool:
        return self.labour in CAN_WORK


class Membership(models.Model):
    """A person's membership of a household from `started_on` until `ended_on`."""

    region_field = "household__village_id"

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    relation = models.CharField("与户主关系", max_length=8, choices=Relation.choices)
    started_on = models.DateField("加入日期")
    ended_on = models.DateField("退出日期", null=True, blank=True)
    end_reason = models.CharField("退出原因", max_length=32, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "家庭成员"
        verbose_name_plural = "家庭成员"
        constraints = [
            # One person is in at most one current household.
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(ended_on__isnull=True),
                name="membership_one_current_household",
            ),
        ]
        indexes = [models.Index(fields=["household", "ended_on"], name="membership_household_end")]

    def __str__(self) -> str:
        return f"{self.person} {self.relation}"


class IncomeRecord(models.Model):
    """A household's income for a year, as recorded on a date (may be updated within the year)."""

    region_field = "household__village_id"

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="incomes")
    year = models.PositiveSmallIntegerField("年度")
    recorded_on = models.DateField("核算日期")
    wage = models.DecimalField("工资性收入", max_digits=12, decimal_places=2, default=Decimal(0))
    operating = models.DecimalField(
        "生产经营性收入", max_digits=12, decimal_places=2, default=Decimal(0)
    )
    property = models.DecimalField(
        "财产性收入", max_digits=12, decimal_places=2, default=Decimal(0)
    )
    transfer = models.DecimalField(
        "转移性收入", max_digits=12, decimal_places=2, default=Decimal(0)
    )
    operating_cost = models.DecimalField(
        "生产经营性支出", max_digits=12, decimal_places=2, default=Decimal(0)
    )
    insurance_payout = models.DecimalField(
        "理赔收入", max_digits=12, decimal_places=2, default=Decimal(0)
    )
    out_of_pocket_medical = models.DecimalField(
        "合规自付支出", max_digits=12, decimal_places=2, default=Decimal(0)
    )
    # The parts of `wage` and `property` that come from benefit links (四金: wages from
    # entities and workshops; rent, dividends, asset income), kept by `income_links_set`
    # from the programs app: one source of truth, never typed. `wage` and `property`
    # include them.
    linked_wage = models.DecimalField(
        "其中:联农带农工资", max_digits=12, decimal_places=2, default=Decimal(0)
    )
    linked_property = models.DecimalField(
        "其中:联农带农财产性收入", max_digits=12, decimal_places=2, default=Decimal(0)
    )
    members = models.PositiveSmallIntegerField("家庭人口(核算时)")
    net_income = models.DecimalField("家庭纯收入", max_digits=12, decimal_places=2)
    per_capita_net = models.DecimalField("家庭人均纯收入", max_digits=12, decimal_places=2)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "收入核算"
        verbose_name_plural = "收入核算"
        ordering = ["-year", "-recorded_on", "-id"]
        indexes = [
            models.Index(fields=["household", "-year", "-recorded_on"], name="income_latest")
        ]

    def __str__(self) -> str:
        return f"{self.year}年 人均 {self.per_capita_net} 元"


class Guarantee(models.Model):
    """两不愁三保障 and drinking water, as currently assessed."""

    region_field = "household__village_id"

    household = models.OneToOneField(Household, on_delete=models.PROTECT, related_name="guarantee")
    food_ok = models.BooleanField("不愁吃", default=True)
    clothing_ok = models.BooleanField("不愁穿", default=True)
    education_ok = models.BooleanField("义务教育有保障", default=True)
    medical_ok = models.BooleanField("基本医疗有保障", default=True)
    housing_grade = models.CharField(
        "住房鉴定等级", max_length=1, choices=HousingGrade.choices, default=HousingGrade.A
    )
    water_ok = models.BooleanField("饮水安全有保障", default=True)
    assessed_on = models.DateField("评估日期", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "两不愁三保障及饮水"
        verbose_name_plural = "两不愁三保障及饮水"

    def __str__(self) -> str:
        return "全部达标" if self.all_met else "存在问题"

    @property
    def housing_ok(self) -> bool:
        return self.housing_grade in SAFE_HOUSING

    @property
    def all_met(self) -> bool:
        return all(
            (
                self.food_ok,
                self.clothing_ok,
                self.education_ok,
                self.medical_ok,
                self.housing_ok,
                self.water_ok,
            )
        )


def archive_upload_path(instance: ArchiveDocument, filename: str) -> str:
    return f"archives/{instance.household.village_id}/{instance.household.number}/{filename}"


class ArchiveDocument(models.Model):
    """A document in the household archive (户档): forms, consent, photos, certificates."""

    region_field = "household__village_id"

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField("类别", max_length=32)
    title = models.CharField("标题", max_length=200)
    file = models.FileField("文件", upload_to=archive_upload_path)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "户档资料"
        verbose_name_plural = "户档资料"
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.title


class AttentionFlag(models.Model):
    """A special-attention group (DOMAIN §3) recorded for a person where the registry cannot
    tell it by itself (see `registry.attention`)."""

    region_field = "person__memberships__household__village_id"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attention_flags")
    group = models.CharField("关注类别", max_length=32)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "特殊关注人员"
        verbose_name_plural = "特殊关注人员"
        constraints = [
            models.UniqueConstraint(fields=["person", "group"], name="attention_flag_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person_id}:{self.group}"
