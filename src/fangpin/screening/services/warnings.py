"""Acting on a warning: dismiss it with a reason, or open a monitoring case from it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from fangpin.accounts.models import User
from fangpin.core.errors import BadValue, Conflict, Forbidden

from ..models import Warning
from .common import ACT_ROLES


def _open_for_update(user: User, warning: Warning) -> Warning:
    if user.role not in ACT_ROLES:
        raise Forbidden("您的角色不能处理预警")
    locked = Warning.objects.select_for_update().get(pk=warning.pk)
    if locked.status != Warning.Status.OPEN:
        raise Conflict("该预警已处理", code="warning_not_open")
    return locked


def warning_dismiss(*, user: User, warning: Warning, reason: str) -> Warning:
    """Dismiss a warning after checking: the reason is kept."""
    reason = (reason or "").strip()
    if not reason:
        raise BadValue("请填写排除理由", code="reason_required")
    with transaction.atomic():
        locked = _open_for_update(user, warning)
        locked.status = Warning.Status.DISMISSED
        locked.dismiss_reason = reason
        locked.resolved_by = user
        locked.resolved_at = timezone.now()
        locked._change_reason = "排除预警"  # type: ignore[attr-defined]
        locked.save(update_fields=["status", "dismiss_reason", "resolved_by", "resolved_at"])
    return locked


def warning_open_case(
    *, user: User, warning: Warning, category: str, risk_types: Iterable[str]
) -> Any:
    """Open a monitoring case from a warning (channel department_warning), linked both ways.

    Without a `category`, the one the household's data supports (脱贫户 or not, income, rigid
    spending) is taken, not always 脱贫不稳定户."""
    from fangpin.monitoring.precheck import suggested_category
    from fangpin.monitoring.services import case_create

    with transaction.atomic():
        locked = _open_for_update(user, warning)
        if not category:
            category = suggested_category(locked.household)
        return case_create(
            user=user,
            household=locked.household,
            channel="department_warning",
            category=category,
            risk_types=list(risk_types),
            description=locked.message,
            warning=locked,
        )
