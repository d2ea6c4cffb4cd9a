"""Turn service errors that escape an HTML view into the Chinese error pages.

Views catch the errors they can explain next to a form; anything else (a 404 for an object
outside the user's region, a 403 for a role) lands here, so no page shows a stack trace.
The API has its own handlers (fangpin.api) and is left alone.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

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
