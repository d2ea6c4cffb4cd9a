"""Department data batches and the warnings screening makes from them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class Source(models.TextChoices):
    MEDICAL = "medical", "医保"
    CIVIL = "civil", "民政"
    HOUSING = "housing", "住建"
    EDUCATION = "education", "教育"
    DISABILITY = "disability", "残联"
    DISASTER = "disaster", "应急"
    DEATH = "death", "公安"


class Batch(models.Model):
    """One file a department delivered, and what screening it produced."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "筛查中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    # Batches belong to the uploader's region (a department at city or county level).
    region_field = "region__prefix_code"

    source = models.CharField("数据来源", max_length=16, choices=Source.choices)
    period = models.CharField("数据期间", max_length=7)  # YYYY-MM
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    file = models.FileField("文件", upload_to="screening/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=255)
    sha256 = models.CharField("文件摘要", max_length=64, db_index=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    engine = models.CharField("引擎", max_length=10, default="duckdb")
    progress = models.PositiveSmallIntegerField("进度(%)", default=0)
    rows_read = models.PositiveBigIntegerField("读取行数", default=0)
    rows_matched = models.PositiveBigIntegerField("匹配行数", default=0)
    rows_unmatched = models.PositiveBigIntegerField("未匹配行数", default=0)
    rows_malformed = models.PositiveBigIntegerField("格式错误行数", default=0)
    warnings_made = models.PositiveIntegerField("生成预警数", default=0)
    duration_ms = models.PositiveBigIntegerField("耗时(毫秒)", null=True, blank=True)
    error = models.TextField("错误信息", blank=True)
    malformed_sample = models.JSONField("格式错误行(样例)", default=list, blank=True)
    # Who runs it ("host:pid:start-time") and when it last said so: a batch whose runner is
    # gone (killed, machine restarted) is found and marked failed (services/recovery.py).
    runner = models.CharField("运行进程", max_length=128, blank=True)
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "部门数据批次"
        verbose_name_plural = "部门数据批次"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.period}"


class Warning(models.Model):
    """A hit of a screening rule on a registered household, waiting for the village."""

    class Status(models.TextChoices):
        OPEN = "open", "待核实"
        DISMISSED = "dismissed", "已排除"
        CASE_OPENED = "case_opened", "已转入监测"

    region_field = "village_id"

    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="warnings"
    )
    # The household's village, copied when the warning is made (a household never changes
    # village): a region's warnings are then a range on one index, not a join to a million
    # households (the summary's open-warnings count, the warning list).
    village = models.ForeignKey(
        "regions.Region", verbose_name="村", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="warnings"
    )
    # The first rule that fired (kept for readers of one rule); `rules` names every rule that
    # fired on the event, in rule order.
    rule = models.CharField("规则", max_length=64)
    rules = models.JSONField("触发规则", default=list)
    # The event the warning is about ("medical:<person>:<settled_on>", one stay, one grant, one
    # assessment): one warning per household and event, ever (CONTRACT §6).
    event = models.CharField("事件", max_length=160, blank=True)
    # The data period the warning came from.
    period = models.CharField("数据期间", max_length=7, blank=True, db_index=True)
    batch = models.ForeignKey(
        Batch, null=True, blank=True, on_delete=models.PROTECT, related_name="warnings"
    )
    message = models.TextField("预警说明")
    risk_type = models.CharField("建议风险类型", max_length=4, blank=True)
    evidence = models.JSONField("证据", default=list)
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    deadline = models.DateField("核实时限")
    deadline_provisional = models.BooleanField("时限为暂定", default=False)
    dismiss_reason = models.TextField("排除理由", blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "预警"
        verbose_name_plural = "预警"
        ordering = ["deadline", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "event"],
                condition=~Q(event=""),
                name="warning_one_per_household_event",
            )
        ]
        indexes = [
            # The warning list's keyset order (deadline, id), with and without `status`.
            models.Index(fields=["deadline", "id"], name="warning_deadline_id"),
            models.Index(fields=["status", "deadline", "id"], name="warning_status_deadline_id"),
            # A region's open warnings (the summary at every level): an index-only range scan.
            models.Index(fields=["status", "village"], name="warning_status_village"),
        ]

    def __str__(self) -> str:
        return f"{self.rule}: {self.household_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Screening sets the village in bulk; a warning made one at a time takes it here.
        if self.village_id is None and self.household_id is not None:
            self.village_id = self.household.village_id
        super().save(*args, **kwargs)
