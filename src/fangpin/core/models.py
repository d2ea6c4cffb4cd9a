"""Rows of the shared kernel: only the API's idempotency keys (core/idempotency.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class IdempotencyRecord(models.Model):
    """One `Idempotency-Key` a user sent with a POST, and the answer it got.

    A retry with the same key gets the same answer without acting again (a phone that lost
    the signal after sending a visit sends it again when the signal returns)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=128)
    # sha256 of method, path, query, content type and body: the same key with another
    # request is a client error, not a replay.
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(null=True)  # null while the first call runs
    # The answer's Content-Type and, for a form sent from a page, its Location (a redirect).
    headers = models.JSONField(default=dict)
    body = models.BinaryField(default=b"")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "幂等键"
        verbose_name_plural = "幂等键"
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_user_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


class Tally(models.Model):
    """Figures of one region counted at `counted_at` and kept for a while (`core.tally`):
    for figures that are too costly to count on every view and cannot be kept by increments
    (they depend on the day, or on many tables)."""

    region_field = "region_code"

    # A code rather than a key: core sits below the regions app.
    region_code = models.CharField("区划代码", max_length=12)
    name = models.CharField("统计项", max_length=40)
    figures = models.JSONField("数值")
    counted_at = models.DateTimeField("统计时间")

    class Meta:
        verbose_name = "定时统计"
        verbose_name_plural = "定时统计"
        constraints = [models.UniqueConstraint(fields=["region_code", "name"], name="tally_unique")]

    def __str__(self) -> str:
        return f"{self.region_code} {self.name}"
