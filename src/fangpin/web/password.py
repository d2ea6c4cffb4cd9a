"""The in-app password change page (/password/), for every signed-in user: cadres never need
the back office for it. The current password is checked through the login lockout."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from fangpin.accounts.models import User
from fangpin.accounts.services import login_check, password_change, password_problems
from fangpin.core.errors import FangpinError, TooManyAttempts


class PasswordForm(forms.Form):
    old_password = forms.CharField(label="当前密码", strip=False, widget=forms.PasswordInput)
    new_password = forms.CharField(label="新密码", strip=False, widget=forms.PasswordInput)
    new_password_again = forms.CharField(
        label="再次输入新密码", strip=False, widget=forms.PasswordInput
    )

    def __init__(self, user: User, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.user = user

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        new, again = data.get("new_password"), data.get("new_password_again")
        if new and again and new != again:
            self.add_error("new_password_again", "两次输入的新密码不一致。")
        elif new:
            for problem in password_problems(str(new), user=self.user):
                self.add_error("new_password", problem)
        return data


@login_required
def password_view(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = PasswordForm(user, request.POST or None)
    status = 200
    headers: dict[str, str] = {}
    if request.method == "POST" and form.is_valid():
        try:
            login_check(username=user.username, password=form.cleaned_data["old_password"])
            password_change(user=user, password=form.cleaned_data["new_password"])
        except TooManyAttempts as exc:
            form.add_error(None, exc.detail)
            status, headers = exc.status, exc.headers
        except FangpinError as exc:
            form.add_error("old_password" if exc.status == 401 else None, _reason(exc))
            status = 400
        else:
            update_session_auth_hash(request, user)  # this session stays; the others end
            messages.success(request, "密码已修改。其他设备上的登录和全部接口令牌已失效。")
            return redirect("web:home")
    elif request.method == "POST":
        status = 400
    response = render(request, "web/password.html", {"form": form}, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


def _reason(exc: FangpinError) -> str:
    return "当前密码不正确。" if exc.status == 401 else exc.detail
