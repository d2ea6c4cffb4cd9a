"""Creating users, checking and changing passwords, logging in with lockout, API tokens.

Every way in (the web login, the API token, the back office login) goes through
`login_check`, so the lockout (accounts.lockout) holds for all of them together.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from fangpin.core.errors import BadValue, FangpinError
from fangpin.core.phone import clean_phone
from fangpin.regions.models import Level, Region, canonical_code

from . import lockout
from .error_codes import AccountsErrorCode
from .models import ApiToken, Role, User

# Which region levels each role may be bound to.
ROLE_LEVELS: dict[str, set[str]] = {
    Role.CITY: {Level.CITY},
    Role.COUNTY: {Level.COUNTY},
    Role.TOWNSHIP: {Level.TOWNSHIP},
    Role.VILLAGE: {Level.VILLAGE},
    Role.DEPARTMENT: {Level.CITY, Level.COUNTY},
    Role.VIEWER: {Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE},
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
    with transaction.atomic():
        user = User.objects.filter(username=username).first() or User(username=username)
        user.role = role
        user.region = region
        user.first_name = full_name or user.first_name
        # The back office is for superusers only (accounts.backoffice); cadres work in the app.
        user.is_staff = user.is_superuser
        if password is None:
            password = _generated_password(user)
        else:
            password_check(password, user=user)
        user.set_password(password)
        user.save()
    return user, password


def profile_update(*, user: User, name: str, phone: str) -> User:
    """The user's own name and phone (the profile page); role and region stay the back
    office's."""
    name = " ".join((name or "").split())
    if not name:
        raise BadValue("姓名不能为空", code=AccountsErrorCode.EMPTY_NAME)
    if len(name) > User._meta.get_field("first_name").max_length:  # type: ignore[operator]
        raise BadValue("姓名过长", code=AccountsErrorCode.EMPTY_NAME)
    phone = clean_phone(phone, "电话")
    user.first_name = name
    user.phone = phone
    user.save(update_fields=["first_name", "phone"])
    return user


def _generated_password(user: User) -> str:
    while True:
        password = secrets.token_urlsafe(12)
        if not password_problems(password, user=user):
            return password


def password_problems(password: str, *, user: User | None = None) -> list[str]:
    """What the configured validators (AUTH_PASSWORD_VALIDATORS) say against a password."""
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        return [str(message) for message in exc.messages]
    return []


def password_check(password: str, *, user: User | None = None) -> None:
    problems = password_problems(password, user=user)
    if problems:
        raise BadValue("密码不符合要求:" + "".join(problems), code="weak_password", extra=problems)


def password_change(*, user: User, password: str) -> None:
    """Set a new password. Every API token and every other session of the user stops working
    (tokens carry a stamp of the password, sessions Django's hash of it; see token_user)."""
    password_check(password, user=user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        ApiToken.objects.filter(user=user).delete()


def login_check(*, username: str, password: str) -> User:
    """Check a password for every way in. A check is claimed from the lockout first, so too
    many failures answer 429 (even for the right password) before anything is hashed."""
    if not username or len(username) > 150 or "\x00" in username:
        raise Unauthenticated("用户名或密码错误", code="invalid_credentials")
    lockout.claim(username)
    user = authenticate(username=username, password=password)
    if user is None:
        raise Unauthenticated("用户名或密码错误", code="invalid_credentials")
    lockout.reset(username)
    return user  # type: ignore[return-value]


def _password_stamp(user: User) -> str:
    """What ties a token to the password it was issued under. A digest of the stored password
    hash, not Django's session hash: that one is keyed by SECRET_KEY, and every server of a
    deployment (or one restarted with a rotated key) must accept the same tokens."""
    return hashlib.sha256(f"fangpin.token-stamp:{user.password}".encode()).hexdigest()


def token_issue(*, user: User) -> str:
    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        digest=ApiToken.digest_of(token),
        password_stamp=_password_stamp(user),
        expires_at=timezone.now() + dt.timedelta(days=settings.FANGPIN_TOKEN_DAYS),
    )
    return token


def token_user(token: str) -> User | None:
    """The user of a live token: not expired, not revoked, issued under the current password."""
    row = (
        ApiToken.objects.select_related("user__region")
        .filter(digest=ApiToken.digest_of(token), expires_at__gt=timezone.now())
        .first()
    )
    if row is None or not row.user.is_active:
        return None
    if not constant_time_compare(row.password_stamp, _password_stamp(row.user)):
        return None
    return row.user


def token_revoke(*, token: str) -> None:
    ApiToken.objects.filter(digest=ApiToken.digest_of(token)).delete()
