"""Helpers shared by the registry pages: the acting user, htmx detection, turning service
refusals into 404/403, the scoped household lookup and download headers.
"""

from __future__ import annotations

from typing import cast
from urllib.parse import quote

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from fangpin.accounts.models import User
from fangpin.core.errors import FangpinError, Forbidden, NotFound

from .. import selectors
from ..choices import WRITER_ROLES
from ..models import Household


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def may_write(user: User) -> bool:
    return user.role in WRITER_ROLES


def _raise_http(exc: FangpinError) -> None:
    """Turn a service's scope and role refusals into the 404 and 403 pages."""
    if isinstance(exc, NotFound):
        raise Http404(exc.detail) from exc
    if isinstance(exc, Forbidden):
        raise PermissionDenied(exc.detail) from exc


def _household(request: HttpRequest, household_id: int) -> Household:
    try:
        return selectors.household_get(user=_user(request), household_id=household_id)
    except NotFound as exc:
        raise Http404(exc.detail) from exc


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(filename: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(filename)}"
