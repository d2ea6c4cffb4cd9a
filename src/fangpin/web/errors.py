"""Answers for failures that never reach a view's own handling: JSON `{detail, code}` under
/api/, a Chinese page elsewhere. Used by Django's handler400/handler500 (fangpin.urls) and by
the fault middleware (fangpin.web.faults)."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

# Standalone templates (no base.html): they render without the database or the user.
_PAGES = {413: "413.html", 500: "500.html", 503: "503.html"}


def error_response(request: HttpRequest, *, status: int, detail: str, code: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": detail, "code": code},
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    template = loader.get_template(_PAGES.get(status, "500.html"))
    return HttpResponse(template.render({"detail": detail}), status=status)


TOO_LARGE = "提交的内容过大,超过系统允许的上限。请拆分文件或减少内容后重试。"
BAD_REQUEST = "请求无法处理,请检查后重试。"
SERVER_ERROR = "系统内部错误,请稍后再试;如果一直出现,请联系系统管理员。"


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: Django's answer to a suspicious or oversized request."""
    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        return error_response(request, status=413, detail=TOO_LARGE, code="payload_too_large")
    if request.path.startswith("/api/"):
        return error_response(request, status=400, detail=BAD_REQUEST, code="bad_request")
    template = loader.get_template("400.html")
    return HttpResponse(template.render({"exception": BAD_REQUEST}, request), status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: an unexpected error; the details are in the server log only."""
    return error_response(request, status=500, detail=SERVER_ERROR, code="server_error")
