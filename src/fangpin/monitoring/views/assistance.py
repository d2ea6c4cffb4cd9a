"""Plan and measures of a case (posted from the case page)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from fangpin.core.errors import FangpinError
from fangpin.web.pages import raise_refusal, request_user

from .. import services
from ..forms import MeasureForm, PlanForm
from ..models import MeasureStatus


@login_required
@require_POST
def plan_edit(request: HttpRequest, case_id: int) -> HttpResponse:
    form = PlanForm(request.POST)
    if form.is_valid():
        try:
            services.plan_set(user=request_user(request), case_id=case_id, **form.cleaned_data)
        except FangpinError as exc:
            raise_refusal(exc)
            messages.error(request, exc.detail)
        else:
            messages.success(request, "帮扶计划已保存。")
    else:
        messages.error(request, "帮扶计划填写有误,请检查。")
    return redirect(reverse("monitoring:case_detail", args=[case_id]) + "#plan")


@login_required
@require_POST
def measure_add(request: HttpRequest, case_id: int) -> HttpResponse:
    form = MeasureForm(request.POST, prefix="m")
    if form.is_valid():
        try:
            services.measure_create(
                user=request_user(request), case_id=case_id, **form.cleaned_data
            )
        except FangpinError as exc:
            raise_refusal(exc)
            messages.error(request, exc.detail)
        else:
            messages.success(request, "帮扶措施已登记。")
    else:
        problems = "；".join(
            f"{form.fields[name].label}:{' '.join(str(e) for e in errs)}"
            for name, errs in form.errors.items()
        )
        messages.error(request, f"帮扶措施填写有误:{problems}")
    return redirect(reverse("monitoring:case_detail", args=[case_id]) + "#measures")


@login_required
@require_POST
def measure_done(request: HttpRequest, case_id: int, measure_id: int) -> HttpResponse:
    """Mark a measure implemented (已落实)."""
    try:
        services.measure_update(
            user=request_user(request),
            case_id=case_id,
            measure_id=measure_id,
            status=MeasureStatus.IMPLEMENTED,
        )
    except FangpinError as exc:
        raise_refusal(exc)
        messages.error(request, exc.detail)
    else:
        messages.success(request, "措施已标记为已落实。")
    return redirect(reverse("monitoring:case_detail", args=[case_id]) + "#measures")
