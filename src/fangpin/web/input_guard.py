"""Refuse input no field of the system can hold before any view, lookup or login sees it.

A NUL byte (PostgreSQL refuses it in text), a lone surrogate (not encodable as UTF-8), another
control character (Excel cannot store it), a number beyond 64 bits or not finite, a string of
a megabyte, a JSON body nested beyond reason: each answers 400 `bad_input`, as JSON under
`/api/` and as the Chinese error page elsewhere. Per-field limits (lengths, amounts) live in
the API schemas and forms; this is the floor under all of them, on every route, before login.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render

from fangpin.core.bounds import FORBIDDEN_CHARS, INT64_MAX
from fangpin.web.errors import bad_request

BAD_INPUT = "bad_input"
# The longest text any field takes is a few thousand characters; a megabyte is an attack.
MAX_TEXT = 65_536
MAX_DEPTH = 32
_DIGITS = re.compile(r"\d+")
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class BadInput(Exception):
    """What was wrong, in Chinese, for the answer's `detail`."""


def check_text(value: str, where: str) -> None:
    if len(value) > MAX_TEXT:
        raise BadInput(f"{where}过长(超过 {MAX_TEXT} 个字符)")
    if FORBIDDEN_CHARS.search(value):
        raise BadInput(f"{where}含有不允许的控制字符或无效字符")


def check_number(value: int | float, where: str) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise BadInput(f"{where}中的数值无效")
    if abs(value) > INT64_MAX:
        raise BadInput(f"{where}中的数值过大")


def check_json(value: Any, where: str = "请求体", depth: int = 0) -> None:
    """Walk a parsed JSON document: every key, string and number."""
    if depth > MAX_DEPTH:
        raise BadInput(f"{where}嵌套层次过深")
    if isinstance(value, str):
        check_text(value, where)
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int | float):
        check_number(value, where)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_text(key, where)
            check_json(item, where, depth + 1)
    elif isinstance(value, list):
        for item in value:
            check_json(item, where, depth + 1)


def _parse_int(text: str) -> int:
    # Refuse before converting: Python would spend quadratic time on a 100,000-digit number.
    if len(text.lstrip("-")) > 19:
        raise BadInput("请求体中的数值过大")
    return int(text)


def _parse_constant(name: str) -> float:
    raise BadInput("请求体中的数值无效(NaN 或 Infinity)")


def _json_body(request: HttpRequest) -> Any:
    """The body parsed as JSON, or None when it is not JSON (the API then answers 422)."""
    body = request.body
    if not body.strip():
        return None
    try:
        return json.loads(body, parse_int=_parse_int, parse_constant=_parse_constant)
    except RecursionError:
        raise BadInput("请求体嵌套层次过深") from None
    except ValueError:
        return None


def _pairs(items: Iterable[tuple[str, list[str]]], where: str) -> None:
    for key, values in items:
        check_text(key, where)
        for value in values:
            check_text(value, where)


def check_request(request: HttpRequest) -> None:
    """Raise BadInput for the first thing in the request no field could take."""
    check_text(request.path, "网址")
    for segment in _DIGITS.findall(request.path):
        if len(segment) > 18 and int(segment) > INT64_MAX:
            raise BadInput("网址中的编号过大")
    _pairs(request.GET.lists(), "查询参数")
    auth = request.META.get("HTTP_AUTHORIZATION", "")
    if auth:
        check_text(auth, "认证信息")
    # A cookie nobody could have set (a session key with a NUL) is dropped, not fatal.
    bad = [name for name, value in request.COOKIES.items() if FORBIDDEN_CHARS.search(name + value)]
    for name in bad:
        del request.COOKIES[name]
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return
    content_type = request.content_type or ""
    if content_type in _FORM_TYPES:
        _pairs(request.POST.lists(), "表单字段")
    else:
        check_json(_json_body(request))


def bad_input_response(request: HttpRequest, detail: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        body = {"detail": detail, "code": BAD_INPUT}
        return JsonResponse(body, status=400, json_dumps_params={"ensure_ascii": False})
    return render(request, "400.html", {"exception": detail}, status=400)


class BadInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            check_request(request)
        except BadInput as exc:
            return bad_input_response(request, str(exc))
        except (RequestDataTooBig, SuspiciousOperation) as exc:
            # Too large or suspicious: answered here (413/400), since Django parses a body once
            # and the view would find it empty instead of meeting the same error.
            return bad_request(request, exc)
        except MultiPartParserError:
            pass  # malformed: the view finds no fields and answers 422 as for any bad body
        return self.get_response(request)
