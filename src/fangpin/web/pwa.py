"""The field app: the site installed on a grid worker's phone (issue 14).

- `/manifest.webmanifest` makes the site installable (icons, name, start page);
- `/sw.js`, the service worker, keeps the app shell and the pages the worker opened (their
  own households: pages only show what the user's scope allows) so that they open without a
  signal, for at most the session's lifetime; it is linked only for the village role;
- `/offline/` is the page shown for a page never opened before, listing what waits to be sent.

What is typed without a signal waits on the phone (web/static/web/outbox.js, IndexedDB) and is
sent when the signal returns, with an `Idempotency-Key` (core/idempotency.py), so a retry
never records twice. Signing out clears the phone's copies (`Clear-Site-Data`).
"""

from __future__ import annotations

import functools
import hashlib
import json

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

# The static files of the app shell, cached when the service worker installs.
SHELL_STATIC = (
    "web/fangpin.css",
    "web/fangpin.js",
    "web/outbox.js",
    "web/favicon.svg",
    "web/icon-192.png",
    "vendor/htmx-2.0.11.min.js",
)
FIELD_ROLES = frozenset({"village"})


def is_field_user(user: object) -> bool:
    return getattr(user, "is_authenticated", False) and getattr(user, "role", "") in FIELD_ROLES


@functools.cache
def shell_version() -> str:
    """Changes whenever a file of the shell changes, so phones fetch the new shell."""
    digest = hashlib.sha256()
    for name in SHELL_STATIC:
        path = finders.find(name)
        if path:
            with open(str(path), "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:12]


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    body = {
        "name": "防贫监测帮扶 · 网格员",
        "short_name": "防贫",
        "lang": "zh-CN",
        "start_url": reverse("villages:my_households"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#b3261e",
        "icons": [
            {"src": static("web/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("web/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": static("web/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), content_type="application/manifest+json"
    )


@require_GET
@never_cache
def service_worker(request: HttpRequest) -> HttpResponse:
    context = {
        "version": shell_version(),
        "shell": json.dumps([static(name) for name in SHELL_STATIC] + ["/offline/"]),
        "max_age_ms": settings.SESSION_COOKIE_AGE * 1000,
        "login_path": "/login/",
    }
    response = render(request, "web/sw.js", context, content_type="text/javascript")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """Public and personal-data free, so the service worker may keep it for any user."""
    return render(request, "web/offline.html")
