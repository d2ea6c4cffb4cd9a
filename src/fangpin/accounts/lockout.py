"""Login lockout that concurrency cannot outrun.

Every password check first claims a slot on the username's counter row with one atomic
UPDATE (`attempts < limit`, re-checked by the database under the row lock). Once
FANGPIN_LOGIN_MAX_FAILURES checks have been claimed without a success, nothing more is
claimed until FANGPIN_LOGIN_LOCK_MINUTES after the last claim, however many requests arrive
at once; the rest are refused before any password is hashed. A success resets the counter.

(django-axes records a failure only after the password was checked and reads the count
before it, so simultaneous guesses all get checked; hence this small service.)
"""

from __future__ import annotations

import datetime as dt
import math

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from fangpin.core.errors import TooManyAttempts

from .models import LoginThrottle


def _window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.FANGPIN_LOGIN_LOCK_MINUTES)


def claim(username: str) -> None:
    """Reserve one password check for `username`, or raise TooManyAttempts (429)."""
    now = timezone.now()
    expired = Q(last_at__lt=now - _window())
    with transaction.atomic():
        LoginThrottle.objects.bulk_create(
            [LoginThrottle(username=username, attempts=0, last_at=now)], ignore_conflicts=True
        )
        claimed = LoginThrottle.objects.filter(
            Q(username=username) & (Q(attempts__lt=settings.FANGPIN_LOGIN_MAX_FAILURES) | expired)
        ).update(
            attempts=Case(When(expired, then=Value(1)), default=F("attempts") + 1),
            last_at=now,
        )
        if claimed:
            return
        last_at = (
            LoginThrottle.objects.filter(username=username).values_list("last_at", flat=True).get()
        )
    # Another request may have claimed the last check a moment after `now` was taken.
    remaining = (last_at + _window() - timezone.now()).total_seconds()
    seconds = min(max(1, math.ceil(remaining)), int(_window().total_seconds()))
    raise TooManyAttempts(
        f"登录失败次数过多,请 {math.ceil(seconds / 60)} 分钟后再试",
        code="login_locked",
        retry_after=seconds,
    )


def reset(username: str) -> None:
    """The password was right: the failures before it no longer count."""
    LoginThrottle.objects.filter(username=username).update(attempts=0)
