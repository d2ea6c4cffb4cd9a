"""Creating users, logging in with lockout, issuing and checking API tokens."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone

from fangpin.core.errors import BadValue, FangpinError, TooManyAttempts
from fangpin.regions.models import Level, Region, canonical_code

from .models import ApiToken, LoginFailure, Role, User

# Which region levels each role may be bound to.
ROLE_LEVELS: dict[str, set[str]] = {
    Role.CITY: {Level.CITY},
    Role.COUNTY: {Level.COUNTY},
    Role.TOWNSHIP: {Level.TOWNSHIP},
    Role.VILLAGE: {Level.VILLAGE},
    Role.DEPARTMENT: {Level.CITY, Level.COUNTY},
    Role.VIEWER: {Level.CITY, Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE},
}


class Unauthenticated(FangpinError):
    status = 401
    code = "unauthenticated"


def user_create(
    *,
    username: str,
    role: str,
    region_code: str,
    password: str | None = None,
    full_name: str = "",
) -> tuple[User, str]:
    """Create (or update) a user bound to one region. Return the user and its password."""
    if role not in Role.values:
        raise BadValue(f"未知角色 {role},可选:{'、'.join(Role.values)}", code="unknown_role")
    region = Region.objects.filter(code=canonical_code(region_code)).first()
    if region is None:
        raise BadValue(
            f"区划代码 {region_code} 不存在,请先运行 load-divisions", code="unknown_region"
        )
    if region.level not in ROLE_LEVELS[role]:
        raise BadValue(
            f"角色 {Role(role).label} 不能绑定到{Level(region.level).label}级区划",
            code="role_region_mismatch",
        )
    password = password or secrets.token_urlsafe(9)
    with transaction.atomic():
        user, _ = User.objects.get_or_create(username=username)
        user.role = role
        user.region = region
        user.first_name = full_name or user.first_name
        user.is_staff = True  # the admin is scoped; staff may use it
        user.set_password(password)
        user.save()
    return user, password


USERNAME_MAX = 150


def _locked(username: str) -> bool:
    since = timezone.now() - dt.timedelta(minutes=settings.FANGPIN_LOGIN_LOCK_MINUTES)
    failures = LoginFailure.objects.filter(username=username, at__gte=since).count()
    return failures >= settings.FANGPIN_LOGIN_MAX_FAILURES


def login_check(*, username: str, password: str) -> User:
    """Authenticate, counting failures; too many in the window answers 429 even if right."""
    if len(username) > USERNAME_MAX:
        # No account has such a name, and the failure log could not store it.
        raise Unauthenticated("用户名或密码错误", code="invalid_credentials")
    if _locked(username):
        raise TooManyAttempts(
            f"登录失败次数过多,请 {settings.FANGPIN_LOGIN_LOCK_MINUTES} 分钟后再试",
            code="login_locked",
        )
    user = authenticate(username=username, password=password)
    if user is None:
        LoginFailure.objects.create(username=username)
        raise Unauthenticated("用户名或密码错误", code="invalid_credentials")
    LoginFailure.objects.filter(username=username).delete()
    return user  # type: ignore[return-value]


def token_issue(*, user: User) -> str:
    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        digest=ApiToken.digest_of(token),
        expires_at=timezone.now() + dt.timedelta(days=settings.FANGPIN_TOKEN_DAYS),
    )
    return token


def token_user(token: str) -> User | None:
    row = (
        ApiToken.objects.select_related("user__region")
        .filter(digest=ApiToken.digest_of(token), expires_at__gt=timezone.now())
        .first()
    )
    if row is None or not row.user.is_active:
        return None
    return row.user
