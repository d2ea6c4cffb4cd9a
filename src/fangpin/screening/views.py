"""Pages: department batch upload with progress, and the village's warning queue. Thin."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from fangpin.accounts.models import User
from fangpin.core.errors import BadValue, FangpinError
from fangpin.core.excel import write_sheet
from fangpin.core.idcard import mask
from fangpin.regions.selectors import region_children, region_columns, region_get
from fangpin.web.pages import request_user

from . import selectors, services
from .models import Batch, Source, Warning
from .rules import rule_labels
from .sources import SOURCES


@login_required
def batch_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    error = ""
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise BadValue("请选择要上传的文件", code="file_required")
            batch = services.batch_upload(
                user=user,
                source=request.POST.get("source", ""),
                period=request.POST.get("period", ""),
                file=upload,
            )
        except FangpinError as exc:
            error, status = exc.detail, exc.status
        else:
            messages.success(request, "文件已接收,正在后台筛查")
            return redirect("screening:batch_detail", batch_id=batch.pk)
    services.batches_recover()  # a run that died shows as failed, not running for ever
    page = Paginator(selectors.batch_list(user=user), 30).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "sources": Source.choices,
        "specs": list(SOURCES.values()),
        "may_upload": user.role in services.UPLOAD_ROLES,
        "error": error,
        "form": request.POST,
    }
    return render(request, "screening/batch_list.html", context, status=status)


@login_required
@require_GET
def batch_template(request: HttpRequest, source: str) -> HttpResponse:
    """A source's file template (xlsx): the Chinese headers, one example row; the ID column is
    a text column so that Excel keeps all 18 digits."""
    spec = SOURCES.get(source)
    if spec is None:
        raise Http404("未知的数据来源")
    buffer = io.BytesIO()
    columns = spec.columns
    write_sheet(
        buffer,
        headers=[c.label for c in columns],
        rows=[[c.sample for c in columns]],
        title=spec.label,
        text_columns=[i for i, c in enumerate(columns) if c.type in ("id", "text")],
        widths={i: 22 if c.type == "id" else 14 for i, c in enumerate(columns)},
    )
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = quote(f"{spec.label}数据模板_{spec.code}.xlsx")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


@login_required
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = services.batch_refresh(
        selectors.batch_get(user=request_user(request), batch_id=batch_id)
    )
    template = (
        "screening/_batch_status.html"
        if request.headers.get("HX-Request")
        else "screening/batch_detail.html"
    )
    return render(request, template, {"batch": batch, "running": _running(batch)})


def _running(batch: Batch) -> bool:
    return batch.status in (Batch.Status.QUEUED, Batch.Status.RUNNING)


@login_required
@require_POST
def batch_rerun(request: HttpRequest, batch_id: int) -> HttpResponse:
    user = request_user(request)
    batch = selectors.batch_get(user=user, batch_id=batch_id)
    try:
        services.batch_rerun(user=user, batch=batch)
    except FangpinError as exc:
        messages.error(request, exc.detail)
    return redirect("screening:batch_detail", batch_id=batch.pk)


WARNING_SORTS = {
    "": ("deadline", "id"),
    "newest": ("-id",),
    "village": ("village_id", "deadline", "id"),
}
WARNING_SORT_CHOICES = (("", "核实时限最早"), ("newest", "最新"), ("village", "按村"))
REGION_HEADERS = {
    2: ["市", "县(市、区)", "乡镇", "村"],
    4: ["县(市、区)", "乡镇", "村"],
    6: ["乡镇", "村"],
    9: ["村"],
    12: [],
}


@login_required
def warning_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    status = request.GET.get("status", Warning.Status.OPEN)
    overdue = request.GET.get("overdue") == "1"
    batch = request.GET.get("batch", "")
    batch_id = int(batch) if batch.isdigit() and len(batch) < 19 else None
    region = user.region
    code = request.GET.get("region", "").strip()
    if code and region is not None:
        try:
            region = region_get(user=user, code=code)
        except FangpinError:
            code = ""
    sort = request.GET.get("sort", "")
    sort = sort if sort in WARNING_SORTS else ""
    try:
        qs = selectors.warning_list(
            user=user,
            region=code or None,
            status=status or None,
            overdue=True if overdue else None,
            batch=batch_id,
        )
    except FangpinError as exc:
        messages.error(request, exc.detail)
        qs = selectors.warning_list(user=user)
    page = Paginator(qs.order_by(*WARNING_SORTS[sort]), 30).get_page(request.GET.get("page"))
    today = timezone.localdate()
    warnings = list(page.object_list)
    own = user.region_prefix or ""
    columns = region_columns(above=own, villages=[w.household.village_id for w in warnings])
    rows = [_row(w, user, today) | {"regions": columns[w.household.village_id]} for w in warnings]
    context = {
        "page": page,
        "rows": rows,
        "status": status,
        "overdue": overdue,
        "batch": batch_id,
        "sort": sort,
        "sorts": WARNING_SORT_CHOICES,
        "statuses": Warning.Status.choices,
        "region": region,
        "children": list(region_children(user=user, code=region.code)) if region else [],
        "region_headers": REGION_HEADERS.get(len(own), []),
        "column_count": 6 + max(1, len(REGION_HEADERS.get(len(own), []))),
    }
    return render(request, "screening/warning_list.html", context)


def _row(warning: Warning, user: User, today: Any) -> dict[str, Any]:
    person = warning.person
    number = person.id_number if person else ""
    return {
        "w": warning,
        "title": "、".join(rule_labels(warning)),
        "person": person.name if person else "",
        "id_number": number if user.sees_personal_data else mask(number),
        "overdue": selectors.is_overdue(warning, today),
    }


@login_required
def warning_detail(request: HttpRequest, warning_id: int) -> HttpResponse:
    user = request_user(request)
    warning = selectors.warning_get(user=user, warning_id=warning_id)
    from fangpin.monitoring.models import Category, RiskType
    from fangpin.monitoring.precheck import suggested_category

    context = {
        "row": _row(warning, user, timezone.localdate()),
        "w": warning,
        "may_act": user.role in services.ACT_ROLES and warning.status == Warning.Status.OPEN,
        "categories": Category.choices,
        "suggested": suggested_category(warning.household),
        "risk_types": RiskType.choices,
        "cases": list(warning.cases.all()),
    }
    return render(request, "screening/warning_detail.html", context)


@login_required
@require_POST
def warning_action(request: HttpRequest, warning_id: int, action: str) -> HttpResponse:
    user = request_user(request)
    warning = selectors.warning_get(user=user, warning_id=warning_id)
    try:
        if action == "dismiss":
            services.warning_dismiss(
                user=user, warning=warning, reason=request.POST.get("reason", "")
            )
            messages.success(request, "预警已排除")
        elif action == "open_case":
            services.warning_open_case(
                user=user,
                warning=warning,
                category=request.POST.get("category", ""),
                risk_types=request.POST.getlist("risk_types") or [warning.risk_type],
            )
            messages.success(request, "已转入监测对象识别程序")
        else:
            messages.error(request, "未知的操作")
    except FangpinError as exc:
        messages.error(request, exc.detail)
    return redirect("screening:warning_detail", warning_id=warning.pk)
