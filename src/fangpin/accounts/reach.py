"""What a department account may reach (CONTRACT §3): it uploads batches and reads its own
batches' status, nothing else: no household, person, case, warning or statistic.

Deny by default: the pages and API operations a department may use are listed here, by
name; every other page answers the Chinese 403 page (web.middleware.DepartmentReachMiddleware)
and every other API operation answers 403 JSON (`api_gate`, applied to the whole API), so a
route added later is closed to departments until it is listed here. Which batches are its
own is the screening selectors' business (the uploader's own).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from fangpin.core.errors import Forbidden

from .models import Role, User

# Pages, by "namespace:name".
DEPARTMENT_PAGES = frozenset(
    {
        "web:home",
        "web:login",
        "web:logout",
        "web:password",
        "screening:batch_list",
        "screening:batch_detail",
        "screening:batch_rerun",
        "screening:batch_template",
    }
)

# API operations, by the view function's "module.name" (or a whole module: logging in and
# out, one's own tokens). Regions are the public division tree (no personal data).
DEPARTMENT_API_MODULES = frozenset({"fangpin.accounts.api"})
DEPARTMENT_API = frozenset(
    {
        "fangpin.regions.api.region_detail",
        "fangpin.regions.api.region_children",
        "fangpin.screening.api.batch_create",
        "fangpin.screening.api.batch_index",
        "fangpin.screening.api.batch_detail",
        "fangpin.screening.api.batch_rerun",
    }
)

REFUSED = "行业部门账号只能上传数据和查看本部门上传批次的状态"


def is_department(user: Any) -> bool:
    return isinstance(user, User) and user.role == Role.DEPARTMENT


def may_open_page(user: Any, url_name: str) -> bool:
    """Whether the signed-in `user` may open the page named `url_name` ("namespace:name")."""
    return not is_department(user) or url_name in DEPARTMENT_PAGES


def api_gate(view: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap an API operation so that a department caller gets 403 unless it is listed."""
    if view.__module__ in DEPARTMENT_API_MODULES:
        return view
    if f"{view.__module__}.{view.__name__}" in DEPARTMENT_API:
        return view

    @functools.wraps(view)
    def gated(request: Any, *args: Any, **kwargs: Any) -> Any:
        if is_department(getattr(request, "auth", None)):
            raise Forbidden(REFUSED)
        return view(request, *args, **kwargs)

    return gated
