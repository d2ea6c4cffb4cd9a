"""`/healthz`: whether this server can do its work, for a load balancer or a monitor.

No login, no personal data: the database answers, the data directory takes a file. 200 with
each check when all hold, 503 naming the failed one otherwise (the balancer stops sending
users to this server until it recovers)."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _storage() -> str:
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=media, prefix=".health-", delete=True) as probe:
        probe.write(b"ok")
        probe.flush()
        os.fsync(probe.fileno())
    return "ok"


CHECKS = {"database": _database, "storage": _storage}


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    started = time.monotonic()
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:  # any failure is the answer, never a 500 page
            results[name] = f"fail: {type(exc).__name__}"
    healthy = all(value == "ok" for value in results.values())
    body = {
        "status": "ok" if healthy else "fail",
        "checks": results,
        "ms": round((time.monotonic() - started) * 1000, 1),
    }
    return JsonResponse(body, status=200 if healthy else 503)
