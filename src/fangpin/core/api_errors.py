"""The error answers of the API in its OpenAPI schema: one shape, every status a route can give.

Every route may answer 400 (a value refused, or input refused at the edge), 401 (no or a bad
login), 403, 404 and 422; a write also 409 (a workflow guard or a concurrent change),
an upload also 413, and a route open without login 429 (the login lockout, throttling).
They are added to each operation of the generated schema, so a new route is covered without
repeating the list in its decorator; a status a route declares itself is kept.
"""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import ConfigDict

ERROR_REF = "#/components/schemas/ErrorOut"

DESCRIPTIONS = {
    400: "数据不合规(bad_value、bad_input 等)",
    401: "未登录或令牌无效(unauthenticated)",
    403: "角色无权执行此操作(forbidden)",
    404: "对象不存在或不在管辖范围内(not_found)",
    409: "办理条件不满足,或他人已先行办理(code 说明原因)",
    413: "上传的文件过大",
    422: "请求格式不正确(invalid_body),errors 逐项说明",
    429: "尝试次数过多,请稍后再试",
}
WRITES = {"post", "put", "patch", "delete"}


class ErrorOut(Schema):
    """Every error answer: a Chinese `detail` for people and a stable `code` for programs."""

    model_config = ConfigDict(extra="allow")
    detail: str
    code: str


def error_statuses(method: str, operation: dict[str, Any]) -> list[int]:
    """The error statuses an operation can answer, by what it is."""
    statuses = [400, 401, 403, 404, 422]
    if not operation.get("security"):
        statuses.append(429)
    if method in WRITES:
        statuses.append(409)
        content = operation.get("requestBody", {}).get("content", {})
        if "multipart/form-data" in content:
            statuses.append(413)
    return sorted(statuses)


def add_error_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """Declare ErrorOut and every operation's error answers in an OpenAPI document."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["ErrorOut"] = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    for item in schema.get("paths", {}).values():
        for method, operation in item.items():
            if method not in WRITES | {"get", "head", "options"}:
                continue
            responses = operation.setdefault("responses", {})
            for status in error_statuses(method, operation):
                responses.setdefault(
                    str(status),
                    {
                        "description": DESCRIPTIONS[status],
                        "content": {"application/json": {"schema": {"$ref": ERROR_REF}}},
                    },
                )
    return schema
