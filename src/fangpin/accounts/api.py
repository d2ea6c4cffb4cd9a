from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router, Schema

from fangpin.core.bounds import Text150

from . import services

router = Router(tags=["认证"])


class TokenIn(Schema):
    username: Text150
    password: Annotated[str, Field(max_length=4096)]


class TokenOut(Schema):
    token: str


@router.post("/token", response=TokenOut, auth=None, summary="用户名密码换取访问令牌")
def token_create(request: HttpRequest, body: TokenIn) -> dict[str, str]:
    user = services.login_check(username=body.username, password=body.password)
    return {"token": services.token_issue(user=user)}
