"""Plan and measures of a case (posted from the case page)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from fangpin.web.pages import Outcome, request_user, submit

from .. import services
from ..forms import MeasureForm, PlanForm
from ..models import MeasureStatus
from .cases import _detail_context
from .common import _case


def _back(
    request: HttpRequest, case_id: int, anchor: str, done: Outcome[Any], ok: str, invalid: str
) -> HttpResponse:
    """Back to the case page with what happened as a message."""
    if done.ok:
        messages.success(request, ok)
    else:
        messages.error(request, done.refusal.detail if done.refusal else invalid)
    return redirect(reverse("monitoring:case_detail", args=[case_id]) + anchor)


@login_required
@require_POST
def plan_edit(request: HttpRequest, case_id: int) -> HttpResponse:
    form = PlanForm(request.POST)
    done = submit(
        form,
        lambda data: services.plan_set(user=request_user(request), case_id=case_id, **data),
    )
    if done.ok:
        return _back(request, case_id, "#plan", done, "帮扶计划已保存。", "")
    return _form_again(request, case_id, done, plan_form=form)


@login_required
@require_POST
def measure_add(request: HttpRequest, case_id: int) -> HttpResponse:
    """Register a measure; a form that does not go through comes back on the case page with
    what was typed and each error beside its field (400, or the refusal's status)."""
    form = MeasureForm(request.POST, prefix="m")
    done = submit(
        form,
        lambda data: services.measure_create(user=request_user(request), case_id=case_id, **data),
    )
    if done.ok:
        return _back(request, case_id, "#measures", done, "帮扶措施已登记。", "")
    return _form_again(request, case_id, done, measure_form=form)


def _form_again(
    request: HttpRequest, case_id: int, done: Outcome[Any], **forms: Any
) -> HttpResponse:
    """The case page again with the form as sent: what was typed, each error beside its field
    (400 for an invalid form, else the refusal's status)."""
    context = _detail_context(request, _case(request, case_id))
    context.update(forms)
    status = done.refusal.status if done.refusal else 400
    return render(request, "monitoring/case_detail.html", context, status=status)


@login_required
@require_POST
def measure_done(request: HttpRequest, case_id: int, measure_id: int) -> HttpResponse:
    """Mark a measure implemented (已落实)."""
    done = submit(
        None,
        lambda _: services.measure_update(
            user=request_user(request),
            case_id=case_id,
            measure_id=measure_id,
            status=MeasureStatus.IMPLEMENTED,
        ),
    )
    return _back(request, case_id, "#measures", done, "措施已标记为已落实。", "")
