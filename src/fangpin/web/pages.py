"""What every HTML view of the apps shares: the signed-in user, refusals as error pages, and
a form handed to a service with its refusal shown on the form (`submit`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from fangpin.accounts.models import User
from fangpin.core.errors import FangpinError, Forbidden, NotFound

T = TypeVar("T")


def request_user(request: HttpRequest) -> User:
    """The signed-in user (views that call this are behind `login_required`)."""
    return cast(User, request.user)


def raise_refusal(exc: FangpinError) -> None:
    """A service's scope and role refusals become the 404 and 403 pages; other errors are left
    to the caller, to show next to its form."""
    if isinstance(exc, NotFound):
        raise Http404(exc.detail) from exc
    if isinstance(exc, Forbidden):
        raise PermissionDenied(exc.detail) from exc


@dataclass
class Outcome(Generic[T]):
    """What became of a form sent to a service: `ok` and the service's result, or the refusal
    (already on the form as a non-field error)."""

    ok: bool
    value: T | None = None
    refusal: FangpinError | None = None


def submit(
    form: forms.Form | None, call: Callable[[dict[str, Any]], T], *, on_form: bool = True
) -> Outcome[T]:
    """Validate `form` (None: nothing to validate), then hand its cleaned data to the service
    `call`. Scope and role refusals become the 404 and 403 pages; any other refusal is put on
    the form next to what the user typed (unless `on_form` is False: the page shows it)."""
    if form is not None and not form.is_valid():
        return Outcome(ok=False)
    try:
        value = call(form.cleaned_data if form is not None else {})
    except FangpinError as exc:
        raise_refusal(exc)
        if form is not None and on_form:
            form.add_error(None, exc.detail)
        return Outcome(ok=False, refusal=exc)
    return Outcome(ok=True, value=value)
