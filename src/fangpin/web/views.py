from __future__ import annotations

from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_POST

from fangpin.accounts.services import login_check
from fangpin.core.errors import FangpinError


def login_view(request: HttpRequest) -> HttpResponse:
    error = ""
    status = 200
    headers: dict[str, str] = {}
    if request.method == "POST":
        try:
            user = login_check(
                username=request.POST.get("username", ""), password=request.POST.get("password", "")
            )
        except FangpinError as exc:
            error, status, headers = exc.detail, exc.status, exc.headers
        else:
            login(request, user)  # the backend that authenticated it
            target = request.GET.get("next") or "/"
            return redirect(
                target if target.startswith("/") and not target.startswith("//") else "/"
            )
    response = render(request, "web/login.html", {"error": error}, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    response = redirect("web:login")
    # The field app's copies on the phone go with the session: kept pages, the outbox, the
    # service worker (web/pwa.py).
    response["Clear-Site-Data"] = '"cache", "storage"'
    return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    from fangpin.accounts.reach import is_department
    from fangpin.web.home import home_context

    if is_department(request.user):
        # The home page counts the registry; a department's work is its uploads.
        return redirect("screening:batch_list")
    return render(request, "web/home.html", home_context(request.user))  # type: ignore[arg-type]


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's CSRF page is English; a cadre whose form expired needs to know what to do."""
    return render(
        request,
        "403.html",
        {"exception": "页面已过期或来源不明,请返回上一页、刷新后重新提交。"},
        status=403,
    )


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on their own (a PDF tab, say): the site's SVG icon."""
    return HttpResponsePermanentRedirect(static("web/favicon.svg"))
