"""API authentication: bearer tokens for programs, the session for the web UI's own calls."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from fangpin.accounts.models import User
from fangpin.accounts.services import token_user


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_user(token)
        if user is not None:
            request.bearer_token = token  # type: ignore[attr-defined]
        return user


class Session(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if user.is_authenticated:
            return user
        return None


API_AUTH = [BearerToken(), Session()]


class AuthedRequest(HttpRequest):
    """What an API view receives once authenticated: `auth` is the acting user."""

    auth: User


class TokenRequest(AuthedRequest):
    """An API request authenticated by a bearer token (`BearerToken` only)."""

    bearer_token: str
