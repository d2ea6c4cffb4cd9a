"""`Cache-Control: no-store` on whatever a signed-in user is shown.

Pages and API answers carry ID numbers, health and income: no browser cache, shared computer
or proxy may keep a copy. Static files never reach this middleware (WhiteNoise answers them
first, with their own long-lived caching).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _personal(request):
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response


def _personal(request: HttpRequest) -> bool:
    """A signed-in user (session), or any API call (a bearer token is checked by the view)."""
    if request.path.startswith("/api/"):
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)
