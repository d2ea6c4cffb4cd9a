"""`Idempotency-Key` on API POSTs: a retry never acts twice.

A phone that sent a visit as the signal dropped does not know whether it arrived; it sends
it again, with the same key, when the signal returns. The first request with a key runs and
its answer is kept; any later request of the same user with that key gets the kept answer
(header `Idempotent-Replayed: true`) and changes nothing. The key row is written in the
same transaction as the work, so either both are there or neither is: a request that failed
(4xx, or a crash) keeps nothing, and its retry runs afresh. Two requests racing with one key
are serialized by the key's unique index: the second waits for the first and replays it.

Keys are the caller's own (per user), 1–128 characters of letters, digits and `-_.:`,
kept for KEEP_DAYS. Requests without a key, other methods, and calls without a login (the
public village pages) are not affected.

The field app (web/static/web/outbox.js) sends the forms of the pages the same way when the
signal returns: there a form that worked answers a redirect (kept and replayed), and a form
sent back with its errors (200) acted on nothing and is not kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from .error_codes import CoreErrorCode
from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
KEEP_DAYS = 30
_KEY_SHAPE = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")
API_PREFIX = "/api/v1/"
KEPT_HEADERS = ("Content-Type", "Location")
OPENAPI_PARAMETER = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "schema": {"type": "string", "maxLength": 128, "pattern": _KEY_SHAPE.pattern},
    "description": (
        "幂等键(客户端生成,如 UUID):同一用户以同一键重发的请求不会重复执行,"
        f"而是得到首次的应答(应答头 {REPLAYED}: true)。同一键用于不同请求时答 422。"
    ),
}


def _error(status: int, detail: str, code: str) -> JsonResponse:
    return JsonResponse(
        {"detail": detail, "code": code}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    content_type = request.META.get("CONTENT_TYPE", "")
    for part in (request.method or "", request.path, request.META.get("QUERY_STRING", "")):
        digest.update(part.encode() + b"\0")
    digest.update(content_type.encode() + b"\0")
    if content_type.startswith("multipart/"):
        # A file upload is not read into memory here (the upload handlers stream it); its
        # length stands for it. A retry by the same client sends the same bytes.
        digest.update(request.META.get("CONTENT_LENGTH", "").encode())
    else:
        digest.update(request.body)
    return digest.hexdigest()


def _acting_user(request: HttpRequest) -> Any:
    authorization = request.headers.get("Authorization", "")
    if authorization.lower().startswith("bearer "):
        from fangpin.accounts.services import token_user

        return token_user(authorization[7:].strip())
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _worked(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether the request acted: an API answer below 400, a page's form a redirect."""
    if response.streaming:
        return False
    if request.path.startswith(API_PREFIX):
        return response.status_code < 400
    return 300 <= response.status_code < 400


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(bytes(record.body), status=record.status or 200)
    for name, value in record.headers.items():
        response[name] = value
    response[REPLAYED] = "true"
    return response


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST":
            return self.get_response(request)
        if not _KEY_SHAPE.match(key):
            return _error(
                400,
                f"{HEADER} 须为 1–128 位字母、数字或 -_.: 字符",
                CoreErrorCode.INVALID_IDEMPOTENCY_KEY,
            )
        user = _acting_user(request)
        if user is None:
            return self.get_response(request)  # no login: nothing to key it to
        fingerprint = _fingerprint(request)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        user=user, key=key, fingerprint=fingerprint
                    )
            except IntegrityError:
                # Waits here while a first request with this key is still running (its row
                # is locked until it commits), then replays what it answered.
                earlier = IdempotencyRecord.objects.select_for_update().get(user=user, key=key)
                if earlier.fingerprint != fingerprint:
                    return _error(
                        422,
                        f"该 {HEADER} 已用于另一个请求,请为新请求生成新的键",
                        CoreErrorCode.IDEMPOTENCY_KEY_REUSED,
                    )
                return _replay(earlier)
            with transaction.atomic():
                response = self.get_response(request)
                failed = not _worked(request, response)
                if failed:
                    transaction.set_rollback(True)  # an error answer acted on nothing
            if failed:
                record.delete()
                return response
            record.status = response.status_code
            record.headers = {h: response[h] for h in KEPT_HEADERS if response.has_header(h)}
            record.body = response.content
            record.save(update_fields=["status", "headers", "body"])
            _forget_old(user)
        return response


def _forget_old(user: Any) -> None:
    cutoff = timezone.now() - dt.timedelta(days=KEEP_DAYS)
    IdempotencyRecord.objects.filter(user=user, created_at__lt=cutoff).delete()


def add_idempotency_header(schema: dict[str, Any]) -> dict[str, Any]:
    """Document the optional header on every POST of an OpenAPI document."""
    for item in schema.get("paths", {}).values():
        operation = item.get("post")
        if operation is not None and operation.get("security"):
            parameters = operation.setdefault("parameters", [])
            if not any(p.get("name") == HEADER for p in parameters):
                parameters.append(dict(OPENAPI_PARAMETER))
    return schema
