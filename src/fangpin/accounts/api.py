from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from fangpin.auth import BearerToken, TokenRequest
from fangpin.core.bounds import Text150

from . import services

router = Router(tags=["认证"])


class TokenIn(Schema):
    username: Text150
    password: Annotated[str, Field(max_length=4096)]


class TokenOut(Schema):
    token: str


class ErrorOut(Schema):
    detail: str
    code: str


@router.post(
    "/token",
    response={200: TokenOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    auth=None,
    summary="用户名密码换取访问令牌",
    description="连续失败达到上限后锁定一段时间:429,`Retry-After` 给出还需等待的秒数。",
)
def token_create(request: HttpRequest, body: TokenIn) -> dict[str, str]:
    user = services.login_check(username=body.username, password=body.password)
    return {"token": services.token_issue(user=user)}


@router.delete(
    "/token",
    response={204: None, 401: ErrorOut},
    auth=BearerToken(),
    summary="吊销当前令牌",
    description="吊销请求所带的令牌;之后再用它访问答 401。修改密码会吊销该用户的全部令牌。",
)
def token_delete(request: TokenRequest) -> Status:
    services.token_revoke(token=request.bearer_token)
    return Status(204, None)
