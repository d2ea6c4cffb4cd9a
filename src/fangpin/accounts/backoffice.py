"""The back office (/admin/) is for administrators (superusers) only, and its login goes
through the same lockout as every other way in (services.login_check).

Cadres work through the application's pages and the API, whose services enforce the
workflow; the back office edits rows directly and so is closed to them, even when signed in.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

from fangpin.core.errors import FangpinError, TooManyAttempts

from .services import login_check


class BackOfficeLoginForm(AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "not_superuser": "后台仅供系统管理员使用,请在系统页面中办理业务。",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.locked: TooManyAttempts | None = None
        self.refused = False

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = login_check(username=username, password=password)
            except TooManyAttempts as exc:
                self.locked = exc
                raise ValidationError(exc.detail, code=exc.code) from exc
            except FangpinError as exc:
                raise self.get_invalid_login_error() from exc
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data

    def confirm_login_allowed(self, user: Any) -> None:
        if not (user.is_active and user.is_superuser):
            self.refused = True
            raise ValidationError(self.error_messages["not_superuser"], code="not_superuser")


class BackOfficeSite(admin.AdminSite):
    login_form = BackOfficeLoginForm

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        response: HttpResponse = super().login(request, extra_context)
        form = (getattr(response, "context_data", None) or {}).get("form")
        if isinstance(form, BackOfficeLoginForm):
            if form.locked is not None:
                response.status_code = 429
                for name, value in form.locked.headers.items():
                    response[name] = value
            elif form.refused:
                response.status_code = 403
        return response
