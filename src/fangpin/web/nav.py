"""The main navigation: each entry is shown only when its URL exists and the role may use it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

# (url name, label, roles or None for everyone)
NAV: list[tuple[str, str, frozenset[str] | None]] = [
    ("web:todo", "待办", frozenset({"village", "township", "county"})),
    ("registry:household_list", "农户", None),
    ("monitoring:case_list", "监测对象", None),
    (
        "screening:warning_list",
        "预警",
        frozenset({"village", "township", "county", "city", "viewer"}),
    ),
    ("screening:batch_list", "部门数据", frozenset({"county", "department", "city"})),
    ("registry:import", "导入", frozenset({"village", "township", "county"})),
    ("dashboard:home", "统计", None),
]


def nav(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = []
    for name, label, roles in NAV:
        if roles is not None and user.role not in roles:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "active": request.path.startswith(url)})
    return {"nav_items": items}
