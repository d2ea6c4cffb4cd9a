"""Training (技能培训): schools and the majors they offer, courses, enrolments, certificates.

Each county is to have at least 3 schools offering at least 3 majors each (policy
parameters `training_min_schools`, `training_min_majors`); `compliance` says which fall short.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class SchoolType(models.TextChoices):
    VOCATIONAL = "vocational", "职业院校"
    TECHNICAL = "technical", "技工学校"
    INSTITUTION = "institution", "培训机构"
    ENTERPRISE = "enterprise", "企业培训中心"


class TrainingSchool(models.Model):
    region_field = "county__prefix_code"

    name = models.CharField("学校名称", max_length=200)
    county = models.ForeignKey(
        "regions.Region", verbose_name="所在县", on_delete=models.PROTECT, related_name="+"
    )
    type = models.CharField("类型", max_length=12, choices=SchoolType.choices)
    # The majors offered (开设专业), distinct names in the order given.
    majors = models.JSONField("开设专业", default=list)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "培训学校"
        verbose_name_plural = "培训学校"
        ordering = ["county_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="training_school_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class TrainingCourse(models.Model):
    region_field = "school__county__prefix_code"

    school = models.ForeignKey(TrainingSchool, on_delete=models.PROTECT, related_name="courses")
    major = models.CharField("专业", max_length=64)
    starts_on = models.DateField("开班日期")
    ends_on = models.DateField("结业日期")
    capacity = models.PositiveIntegerField("计划人数")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "培训班"
        verbose_name_plural = "培训班"
        ordering = ["-starts_on", "id"]

    def __str__(self) -> str:
        return f"{self.school_id}:{self.major}"


class Enrolment(models.Model):
    """A registered person in a course (the household they belonged to when enrolled)."""

    region_field = "household__village_id"

    course = models.ForeignKey(TrainingCourse, on_delete=models.PROTECT, related_name="enrolments")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    enrolled_on = models.DateField("报名日期")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "培训报名"
        verbose_name_plural = "培训报名"
        ordering = ["course_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["course", "person"], name="enrolment_once_per_course")
        ]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.course_id}"


class Certificate(models.Model):
    """A skill certificate (职业技能等级证书, 专项能力证书, ...) a person holds."""

    region_field = "household__village_id"

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("证书名称", max_length=100)
    issued_on = models.DateField("发证日期")
    course = models.ForeignKey(
        TrainingCourse, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "技能证书"
        verbose_name_plural = "技能证书"
        ordering = ["-issued_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "kind", "issued_on"], name="certificate_once")
        ]

    def __str__(self) -> str:
        return self.kind
