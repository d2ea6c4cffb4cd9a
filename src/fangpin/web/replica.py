"""Which pages read the replica (core.replica): the dashboards and summaries, GET only.

By URL name, so that the views themselves stay as they are. Pages that show a household or
a case a user may have just changed are not listed: they read the primary.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from fangpin.core.replica import reading_replica

REPLICA_VIEWS = frozenset(
    {
        "dashboard:home",
        "dashboard:export",
        "api:summary",
        "api:funds_summary",
        "api:ratings",
    }
)


class ReplicaReadsMiddleware:
    """Open `replica_reads()` for a listed page once its URL is resolved, until it is answered
    (the flag is set in process_view, so the gates before the view run as for any page)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        finally:
            token = getattr(request, "_replica_token", None)
            if token is not None:
                reading_replica.reset(token)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> None:
        match = request.resolver_match
        if request.method in ("GET", "HEAD") and match and match.view_name in REPLICA_VIEWS:
            request._replica_token = reading_replica.set(True)  # type: ignore[attr-defined]
