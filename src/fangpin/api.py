"""The HTTP API at /api/v1/ (CONTRACT §4). Each app contributes a thin router."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema

from fangpin.accounts.api import router as auth_router
from fangpin.accounts.reach import api_gate
from fangpin.auth import API_AUTH
from fangpin.core.api_errors import add_error_responses
from fangpin.core.errors import FangpinError
from fangpin.core.idempotency import add_idempotency_header
from fangpin.dashboard.api import router as stats_router
from fangpin.monitoring.api import cases_router
from fangpin.policy.api import router as policy_router
from fangpin.programs.api import router as programs_router
from fangpin.regions.api import router as regions_router
from fangpin.registry.api import router as households_router
from fangpin.screening.api import batches_router, warnings_router
from fangpin.supervision.api import router as supervision_router
from fangpin.villages.api_board import router as villages_board_router
from fangpin.villages.api_field import router as villages_field_router


class FangpinAPI(NinjaAPI):
    """Ninja, with every operation's error answers in the schema (core/api_errors)."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        add_error_responses(schema)
        add_idempotency_header(schema)
        return schema


api = FangpinAPI(
    title="防贫 Fangpin API",
    version="1",
    description="防止返贫动态监测和帮扶系统接口。错误统一为 {detail, code}。",
    auth=API_AUTH,
    urls_namespace="api",
)


def _error(
    request: HttpRequest, status: int, detail: str, code: str, **extra: object
) -> HttpResponse:
    body: dict[str, object] = {"detail": detail, "code": code, **extra}
    return api.create_response(request, body, status=status)


@api.exception_handler(FangpinError)
def on_fangpin_error(request: HttpRequest, exc: FangpinError) -> HttpResponse:
    extra = {"errors": exc.extra} if exc.extra is not None else {}
    response = _error(request, exc.status, exc.detail, exc.code, **extra)
    for name, value in exc.headers.items():
        response[name] = value
    return response


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "未登录或令牌无效,请先获取令牌", "unauthenticated")


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = []
    for err in exc.errors:
        where = ".".join(str(p) for p in err.get("loc", []) if p not in ("body", "payload"))
        problems.append({"field": where, "message": err.get("msg", "")})
    fields = "、".join(p["field"] for p in problems if p["field"]) or "请求体"
    return _error(request, 422, f"请求格式不正确:{fields}", "invalid_body", errors=problems)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        # Ninja's answer to a body that is not JSON: the contract calls that malformed (422).
        return _error(request, 422, "请求体不是合法的 JSON", "invalid_body")
    codes = {401: "unauthenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}
    details = {
        401: "未登录或令牌无效,请先获取令牌",
        403: "您的角色无权执行此操作",
        404: "对象不存在或不在您的管辖范围内",
        405: "不支持该请求方法",
    }
    detail = details.get(exc.status_code, str(exc))
    return _error(request, exc.status_code, detail, codes.get(exc.status_code, "error"))


api.add_router("/auth", auth_router)
api.add_router("/regions", regions_router)
api.add_router("/households", households_router)
api.add_router("/cases", cases_router)
api.add_router("/warnings", warnings_router)
api.add_router("/screening", batches_router)
api.add_router("/stats", stats_router)
api.add_router("/policy", policy_router)
# Village work (CONTRACT §7) names its own paths (/grids, /visits, /problems, ...).
api.add_router("", villages_field_router)
api.add_router("", villages_board_router)
# Programs (CONTRACT §8): /fund-allocations, /projects, /assets, /workshops, ...
api.add_router("", programs_router)
# Supervision (CONTRACT §9): /tasks/import, /indicators, /indicator-reports, /rankings, ...
api.add_router("", supervision_router)
# Departments reach only their uploads (CONTRACT §3): every operation not listed in
# accounts.reach answers them 403, whichever router it comes from. ("operation" wraps the
# view function, so it runs once the caller is authenticated and the input parsed.)
api.add_decorator(api_gate, mode="operation")
