"""Helpers shared by the registry pages: htmx detection, the scoped household lookup and
download headers (the acting user and refusals as error pages are in `fangpin.web.pages`).
"""

from __future__ import annotations

from urllib.parse import quote

from django.http import Http404, HttpRequest

from fangpin.accounts.models import User
from fangpin.core.errors import NotFound
from fangpin.web.pages import request_user

from .. import selectors
from ..choices import WRITER_ROLES
from ..models import Household


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def may_write(user: User) -> bool:
    return user.role in WRITER_ROLES


def _household(request: HttpRequest, household_id: int) -> Household:
    try:
        return selectors.household_get(user=request_user(request), household_id=household_id)
    except NotFound as exc:
        raise Http404(exc.detail) from exc


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(filename: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(filename)}"
