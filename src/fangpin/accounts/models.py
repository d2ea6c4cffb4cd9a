"""Users: one role and one region each; API tokens; a login counter per username for lockout."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    CITY = "city", "市级"
    COUNTY = "county", "县级"
    TOWNSHIP = "township", "乡镇"
    VILLAGE = "village", "村级"
    DEPARTMENT = "department", "行业部门"
    VIEWER = "viewer", "只读"


# Roles whose work needs full ID numbers and phones (they visit, verify and sign).
ROLES_SEEING_PERSONAL_DATA = frozenset({Role.VILLAGE, Role.TOWNSHIP, Role.COUNTY})


class User(AbstractUser):
    role = models.CharField("角色", max_length=12, choices=Role.choices, default=Role.VIEWER)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name="所属区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    phone = models.CharField("电话", max_length=20, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    @property
    def region_prefix(self) -> str | None:
        """Digits that begin every code in the user's jurisdiction; None = sees nothing."""
        if self.region_id is None:
            return None
        return self.region.prefix  # type: ignore[union-attr]

    @property
    def sees_personal_data(self) -> bool:
        return self.role in ROLES_SEEING_PERSONAL_DATA

    def has_role(self, *roles: str) -> bool:
        return self.role in roles


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 is stored; the token itself is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    # The user's session auth hash (an HMAC of the password hash) when the token was issued:
    # any password change, by whatever path, makes it differ and the token stops working.
    password_stamp = models.CharField(max_length=128, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"

    def __str__(self) -> str:
        return f"{self.user} 的令牌"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class LoginThrottle(models.Model):
    """Password checks claimed for one username (accounts.lockout).

    `attempts` counts checks since the last success, including ones still running; `last_at`
    is when the latest was claimed. Once `attempts` reaches the limit, no check is claimed
    until `last_at` is older than the lock window.
    """

    username = models.CharField(max_length=150, unique=True)
    attempts = models.PositiveIntegerField(default=0)
    last_at = models.DateTimeField()

    class Meta:
        verbose_name = "登录尝试计数"
        verbose_name_plural = "登录尝试计数"

    def __str__(self) -> str:
        return f"{self.username}: {self.attempts}"
