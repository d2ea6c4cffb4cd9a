"""What every HTML view of the apps shares: the signed-in user, and refusals as error pages."""

from __future__ import annotations

from typing import cast

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from fangpin.accounts.models import User
from fangpin.core.errors import FangpinError, Forbidden, NotFound


def request_user(request: HttpRequest) -> User:
    """The signed-in user (views that call this are behind `login_required`)."""
    return cast(User, request.user)


def raise_refusal(exc: FangpinError) -> None:
    """A service's scope and role refusals become the 404 and 403 pages; other errors are left
    to the caller, to show next to its form."""
    if isinstance(exc, NotFound):
        raise Http404(exc.detail) from exc
    if isinstance(exc, Forbidden):
        raise PermissionDenied(exc.detail) from exc
