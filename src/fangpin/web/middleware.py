"""Turn service errors that escape an HTML view into the Chinese error pages.

Views catch the errors they can explain next to a form; anything else (a 404 for an object
outside the user's region, a 403 for a role) lands here, so no page shows a stack trace.
The API has its own handlers (fangpin.api) and is left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fangpin.accounts.reach import REFUSED, may_open_page
from fangpin.core.errors import FangpinError

_TEMPLATES = {403: "403.html", 404: "404.html"}


class FangpinErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, FangpinError) or request.path.startswith("/api/"):
            return None
        template = _TEMPLATES.get(exception.status, "400.html")
        response = render(
            request, template, {"exception": exception.detail}, status=exception.status
        )
        for name, value in exception.headers.items():
            response[name] = value
        return response


class DepartmentReachMiddleware:
    """Department accounts open only the pages listed in accounts.reach (their uploads); any
    other page answers the Chinese 403 page. The API is gated by its own decorator."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or request.path.startswith("/api/") or "admin" in match.namespaces:
            return None  # the API has its gate; the back office refuses everyone but superusers
        user = getattr(request, "user", None)
        if may_open_page(user, match.view_name):
            return None
        return render(request, "403.html", {"exception": REFUSED}, status=403)
