"""Web sessions end after FANGPIN_SESSION_IDLE_MINUTES without a request, and at the latest
SESSION_COOKIE_AGE after they began (the cookie itself ends when the browser closes)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

STARTED = "fangpin_started"
SEEN = "fangpin_seen"
# Record activity at most this often, so that a page of many requests writes the session once.
_SEEN_EVERY_S = 60


def session_started(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """On `user_logged_in`: the session's clocks start now (connected in AccountsConfig)."""
    now = int(time.time())
    request.session[STARTED] = now
    request.session[SEEN] = now


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        session = request.session
        now = int(time.time())
        started = session.setdefault(STARTED, now)
        seen = session.get(SEEN, now)
        idle_s = settings.FANGPIN_SESSION_IDLE_MINUTES * 60
        if now - seen > idle_s or now - started > settings.SESSION_COOKIE_AGE:
            logout(request)  # the view then answers as to anyone signed out
            return
        if SEEN not in session or now - seen >= _SEEN_EVERY_S:
            session[SEEN] = now
