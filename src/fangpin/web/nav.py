"""The main navigation: each entry is shown only when its URL exists and the role may use it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from fangpin.accounts.reach import may_open_page
from fangpin.web.pwa import is_field_user

# (url name, label, roles or None for everyone)
NAV: list[tuple[str, str, frozenset[str] | None]] = [
    ("monitoring:todo", "待办", frozenset({"village", "township", "county"})),
    ("villages:my_households", "我的农户", frozenset({"village"})),
    ("registry:household_list", "农户", None),
    ("monitoring:case_list", "监测对象", None),
    (
        "screening:warning_list",
        "预警",
        frozenset({"village", "township", "county", "city", "viewer"}),
    ),
    ("screening:batch_list", "部门数据", frozenset({"county", "department", "city"})),
    ("registry:import", "导入", frozenset({"village", "township", "county"})),
    (
        "villages:problem_list",
        "普查问题",
        frozenset({"village", "township", "county", "city", "viewer"}),
    ),
    ("villages:ratings", "放心村", frozenset({"village", "township", "county", "city", "viewer"})),
    ("dashboard:home", "统计", None),
    # Village field work (issue 11, field half)
    ("villages:grids", "网格走访", frozenset({"village", "township", "county"})),
    (
        "villages:self_reports",
        "农户申报",
        frozenset({"village", "township", "county", "city", "viewer"}),
    ),
    ("villages:policies", "政策", None),
    ("programs:panel", "项目资金", frozenset({"township", "county", "city", "viewer"})),
    ("supervision:home", "督导考核", frozenset({"county", "city"})),
]


def nav(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items: list[dict[str, Any]] = []
    for name, label, roles in NAV:
        if roles is not None and user.role not in roles:
            continue
        if not may_open_page(user, name):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "active": False})
    # Only the most specific entry is current (/households/import/ is 导入, not also 农户).
    matching = [i for i in items if request.path.startswith(i["url"])]
    if matching:
        max(matching, key=lambda i: len(i["url"]))["active"] = True
    # The field app (web/pwa.py): installable, offline outbox, for the village role.
    return {"nav_items": items, "field_app": is_field_user(user)}
