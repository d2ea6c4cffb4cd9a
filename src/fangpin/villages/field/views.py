"""Pages of the field work: the grid worker's page, the visit form, the farmers' report queue,
the policy catalogue, the login-free village page with its QR code, and the warm wall."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from fangpin.core.errors import FangpinError, NotFound
from fangpin.core.excel import write_sheet
from fangpin.core.files.download import bytes_download
from fangpin.core.scoping import covers, get_scoped
from fangpin.monitoring import clock
from fangpin.monitoring.models import Plan
from fangpin.registry.models import Household
from fangpin.web.pages import raise_refusal, request_user

from ..models import CHECKLIST, Liaison, Policy, SelfReport
from . import selectors, services
from .forms import (
    AcceptForm,
    DismissForm,
    GridForm,
    LiaisonForm,
    PolicyForm,
    PublicReportForm,
    VisitForm,
)
from .qr import qr_svg

LIST_LIMIT = 200


def _xlsx(headers: list[str], rows: list[list[Any]], filename: str, title: str) -> HttpResponse:
    buffer = io.BytesIO()
    write_sheet(buffer, headers=headers, rows=rows, title=title)
    return bytes_download(buffer.getvalue(), filename)


def _wants_xlsx(request: HttpRequest) -> bool:
    return request.GET.get("format") == "xlsx"


# ------------------------------------------------------------------- the grid worker's page


@login_required
def my_households(request: HttpRequest) -> HttpResponse:
    """The field app's first screen: my grids' households, what each needs, most first."""
    from .my_households import my_households as needs_of

    needs, total = needs_of(user=request_user(request))
    context = {"needs": needs, "total": total, "needing": sum(1 for n in needs if n.count)}
    return render(request, "villages/field/my_households.html", context)


@login_required
def grids(request: HttpRequest) -> HttpResponse:
    """My grids, who was not visited in N days, and one tap for an unchanged household."""
    user = request_user(request)
    mine = list(selectors.worker_grids(user))
    all_grids = selectors.grid_list(user=user)
    if _wants_xlsx(request):
        rows = [
            [
                g.name,
                g.get_level_display(),
                g.region.name,
                g.parent.name if g.parent else "",
                (g.worker.get_full_name() or g.worker.username) if g.worker else "",
                g.households,
            ]
            for g in all_grids.annotate(households=Count("links"))[:5000]
        ]
        headers = ["网格", "级别", "区划", "上级网格", "网格员", "农户数"]
        return _xlsx(headers, rows, "网格.xlsx", "网格")
    covered = [
        (g, selectors.coverage(user=user, grid=g, limit=LIST_LIMIT))
        for g in mine
        if g.level in services.HOUSEHOLD_GRID_LEVELS
    ]
    overall = None if covered else selectors.coverage(user=user, limit=LIST_LIMIT)
    parents = [(g.pk, f"{g.name}({g.get_level_display()})") for g in all_grids[:LIST_LIMIT]]
    form = GridForm(request.POST or None, parents=parents, initial={"region_code": user.region_id})
    if request.method == "POST" and form.is_valid():
        try:
            services.grid_create(user=user, **form.cleaned_data)
        except FangpinError as exc:
            raise_refusal(exc)
            form.add_error(None, exc.detail)
        else:
            messages.success(request, f"已建立网格「{form.cleaned_data['name']}」。")
            return redirect("villages:grids")
    unplaced = selectors.households_without_grid(user=user)
    return render(
        request,
        "villages/field/grids.html",
        {
            "mine": covered,
            "overall": overall,
            "grids": all_grids[:LIST_LIMIT],
            "grid_count": all_grids.count(),
            "form": form if user.role in services.FIELD_ROLES else None,
            "unplaced": unplaced[:50],
            "unplaced_count": unplaced.count(),
            "village_grids": _village_grids(user, {h.village_id for h in unplaced[:50]}),
        },
    )


def _village_grids(user: Any, villages: set[str]) -> dict[str, list[tuple[int, str]]]:
    """The village- and group-level grids of these villages (one query)."""
    out: dict[str, list[tuple[int, str]]] = {code: [] for code in villages}
    rows = selectors.grid_list(user=user).filter(
        region_id__in=villages, level__in=services.HOUSEHOLD_GRID_LEVELS
    )
    for g in rows:
        out[g.region_id].append((g.pk, g.name))
    return out


@login_required
@require_POST
def household_grid(request: HttpRequest, household_id: int) -> HttpResponse:
    household = _household(request, household_id)
    grid_id = request.POST.get("grid_id", "")
    try:
        link = services.household_grid_set(
            user=request_user(request),
            household_id=household.pk,
            grid_id=int(grid_id) if grid_id.isdigit() else 0,
        )
    except FangpinError as exc:
        raise_refusal(exc)
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"{household.head_name}户 已划入「{link.grid.name}」。")
    return redirect("villages:grids")


@login_required
def visits(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    household = request.GET.get("household")
    qs = selectors.visit_list(
        user=user, household_id=int(household) if household and household.isdigit() else None
    )
    if _wants_xlsx(request):
        rows = [
            [
                v.visited_on,
                v.household.village.name,
                v.household.head_name,
                v.household.number,
                v.met,
                "、".join(v.concerns) or "无",
                v.findings,
                "是" if v.case_id else "否",
                v.created_by.get_full_name() or v.created_by.username,
            ]
            for v in qs[:20000]
        ]
        headers = [
            "走访日期",
            "村",
            "户主",
            "户编号",
            "见到的人",
            "八必访情况",
            "走访情况",
            "上报风险",
            "走访人",
        ]
        return _xlsx(headers, rows, "走访记录.xlsx", "走访记录")
    return render(
        request,
        "villages/field/visits.html",
        {"visits": qs[:LIST_LIMIT], "count": qs.count(), "household": household or ""},
    )


def _household(request: HttpRequest, household_id: int) -> Household:
    try:
        return get_scoped(
            Household.objects.select_related("village"), request_user(request), pk=household_id
        )
    except NotFound as exc:
        raise Http404(exc.detail) from exc


@login_required
def visit_new(request: HttpRequest, household_id: int) -> HttpResponse:
    """The visit form, made for a phone."""
    household = _household(request, household_id)
    user = request_user(request)
    if user.role not in services.FIELD_ROLES:
        raise PermissionDenied("您的角色不能登记走访")
    form = VisitForm(request.POST or None, initial={"visited_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        report = (
            {
                "category": data["category"],
                "risk_types": data["risk_types"],
                "description": data["description"],
            }
            if data["report"]
            else None
        )
        try:
            visit = services.visit_record(
                user=user,
                household_id=household.pk,
                visited_on=data["visited_on"],
                met=data["met"],
                checklist={k: k not in data["concerns"] for k in CHECKLIST},
                findings=data["findings"],
                report_case=report,
            )
        except FangpinError as exc:
            raise_refusal(exc)
            form.add_error(None, exc.detail)
        else:
            if visit.case_id:
                messages.success(request, "走访已登记,风险已上报,进入监测对象办理。")
                return redirect("monitoring:case_detail", case_id=visit.case_id)
            messages.success(request, f"已登记 {household.head_name}户 的走访。")
            return redirect("villages:grids")
    last = selectors.visit_list(user=user, household_id=household.pk).first()
    return render(
        request,
        "villages/field/visit_form.html",
        {"form": form, "household": household, "last": last},
    )


@login_required
@require_POST
def visit_unchanged(request: HttpRequest, household_id: int) -> HttpResponse:
    """走访无变化: one tap on the grid page."""
    household = _household(request, household_id)
    try:
        services.visit_unchanged(user=request_user(request), household_id=household.pk)
    except FangpinError as exc:
        raise_refusal(exc)
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"{household.head_name}户:走访无变化,已记录。")
    return redirect("villages:grids")


# ------------------------------------------------------------------------------ self-reports


@login_required
def self_reports(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    status = request.GET.get("status", "pending")
    qs = selectors.self_report_list(user=user, status=status if status != "all" else None)
    today = clock.today()
    if _wants_xlsx(request):
        rows = [
            [
                r.receipt,
                r.village.name,
                r.name,
                r.phone,
                r.description,
                r.received_on,
                r.deadline,
                r.get_status_display(),
                r.reason,
            ]
            for r in qs[:20000]
        ]
        headers = [
            "回执号",
            "村",
            "申报人",
            "电话",
            "困难情况",
            "申报日期",
            "受理时限",
            "状态",
            "不予受理理由",
        ]
        return _xlsx(headers, rows, "农户自主申报.xlsx", "农户申报")
    return render(
        request,
        "villages/field/self_reports.html",
        {
            "reports": qs[:LIST_LIMIT],
            "count": qs.count(),
            "status": status,
            "today": today,
            "statuses": [
                ("pending", "待受理"),
                ("accepted", "已受理"),
                ("dismissed", "不予受理"),
                ("all", "全部"),
            ],
        },
    )


def _report(request: HttpRequest, report_id: int) -> SelfReport:
    try:
        return get_scoped(
            SelfReport.objects.select_related("village"), request_user(request), pk=report_id
        )
    except NotFound as exc:
        raise Http404(exc.detail) from exc


@login_required
def self_report_handle(request: HttpRequest, report_id: int) -> HttpResponse:
    """Accept (open a self_report case) or dismiss one report."""
    report = _report(request, report_id)
    user = request_user(request)
    households = [
        (h.pk, f"{h.head_name}户 · {h.number}")
        for h in Household.objects.filter(village_id=report.village_id).order_by("head_name")[:1000]
    ]
    suggested = selectors.reported_household(report)
    accept = AcceptForm(
        request.POST if request.POST.get("do") == "accept" else None,
        households=households,
        initial={"household": suggested.pk} if suggested else None,
    )
    dismiss = DismissForm(request.POST if request.POST.get("do") == "dismiss" else None)
    if request.method == "POST":
        try:
            if accept.is_bound and accept.is_valid():
                done = services.self_report_accept(
                    user=user,
                    report_id=report.pk,
                    household_id=accept.cleaned_data["household"],
                    category=accept.cleaned_data["category"],
                    risk_types=accept.cleaned_data["risk_types"],
                )
                messages.success(request, "已受理,进入监测对象办理。")
                return redirect("monitoring:case_detail", case_id=done.case_id)
            if dismiss.is_bound and dismiss.is_valid():
                services.self_report_dismiss(
                    user=user, report_id=report.pk, reason=dismiss.cleaned_data["reason"]
                )
                messages.success(request, "已记录不予受理。")
                return redirect("villages:self_reports")
        except FangpinError as exc:
            raise_refusal(exc)
            (accept if accept.is_bound else dismiss).add_error(None, exc.detail)
    return render(
        request,
        "villages/field/self_report.html",
        {
            "report": report,
            "accept": accept,
            "dismiss": dismiss,
            "today": clock.today(),
            "suggested": suggested,
        },
    )


# ------------------------------------------------------------------------------ catalogue


@login_required
def policies(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    region = request.GET.get("region") or None
    plist = selectors.policy_list(user=user, region=region)
    llist = selectors.liaison_list(user=user, region=region)
    if _wants_xlsx(request) and request.GET.get("what") == "liaisons":
        rows = [[x.sector, x.region.name, x.name, x.phone] for x in llist[:20000]]
        return _xlsx(["行业", "区划", "姓名", "电话"], rows, "行业政策联络员.xlsx", "联络员")
    if _wants_xlsx(request):
        rows = [
            [
                p.department,
                p.title,
                p.get_level_display(),
                p.eligibility,
                p.benefit,
                p.how_to_apply,
                "示例" if p.sample else "",
            ]
            for p in plist[:20000]
        ]
        headers = ["行业部门", "政策名称", "层级", "享受条件", "帮扶内容", "办理方式", "备注"]
        return _xlsx(headers, rows, "行业政策.xlsx", "行业政策")
    editor = user.role in services.CATALOGUE_ROLES
    policy_form = PolicyForm(request.POST if request.POST.get("do") == "policy" else None)
    liaison_form = LiaisonForm(
        request.POST if request.POST.get("do") == "liaison" else None,
        initial={"region_code": user.region_id},
    )
    if request.method == "POST":
        if not editor:
            raise PermissionDenied("您的角色不能维护政策目录")
        try:
            if policy_form.is_bound and policy_form.is_valid():
                made = services.policy_create(user=user, **policy_form.cleaned_data)
                messages.success(request, f"已登记政策「{made.title}」。")
                return redirect("villages:policies")
            if liaison_form.is_bound and liaison_form.is_valid():
                x = services.liaison_create(user=user, **liaison_form.cleaned_data)
                messages.success(request, f"已登记联络员 {x.name}。")
                return redirect("villages:policies")
        except FangpinError as exc:
            raise_refusal(exc)
            (policy_form if policy_form.is_bound else liaison_form).add_error(None, exc.detail)
    own = user.region_prefix or "-"
    return render(
        request,
        "villages/field/policies.html",
        {
            "policies": _marked(plist[:LIST_LIMIT], own),
            "liaisons": _marked(llist[:LIST_LIMIT], own),
            "region": region or "",
            "editor": editor,
            "policy_form": policy_form,
            "liaison_form": liaison_form,
        },
    )


def _marked(rows: Any, own: str) -> list[Any]:
    """The rows, each marked `editable` when it belongs to the user's own subtree."""
    out = list(rows)
    for row in out:
        row.editable = row.region.prefix.startswith(own)
    return out


@login_required
def policy_edit(request: HttpRequest, policy_id: int) -> HttpResponse:
    user = request_user(request)
    if user.role not in services.CATALOGUE_ROLES:
        raise PermissionDenied("您的角色不能维护政策目录")
    try:
        policy = get_scoped(Policy.objects.all(), user, pk=policy_id)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    form = PolicyForm(
        request.POST or None, initial={k: getattr(policy, k) for k in services.POLICY_FIELDS}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_update(user=user, policy_id=policy.pk, **form.cleaned_data)
        except FangpinError as exc:
            raise_refusal(exc)
            form.add_error(None, exc.detail)
        else:
            messages.success(request, "政策已修改。")
            return redirect("villages:policies")
    return render(
        request, "villages/field/edit.html", {"form": form, "title": f"修改政策:{policy.title}"}
    )


@login_required
def liaison_edit(request: HttpRequest, liaison_id: int) -> HttpResponse:
    user = request_user(request)
    if user.role not in services.CATALOGUE_ROLES:
        raise PermissionDenied("您的角色不能维护联络员")
    try:
        liaison = get_scoped(Liaison.objects.select_related("region"), user, pk=liaison_id)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    initial = {
        "sector": liaison.sector,
        "region_code": liaison.region_id,
        "name": liaison.name,
        "phone": liaison.phone,
    }
    form = LiaisonForm(request.POST or None, initial=initial)
    form.fields["region_code"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.liaison_update(
                user=user,
                liaison_id=liaison.pk,
                sector=form.cleaned_data["sector"],
                name=form.cleaned_data["name"],
                phone=form.cleaned_data["phone"],
            )
        except FangpinError as exc:
            raise_refusal(exc)
            form.add_error(None, exc.detail)
        else:
            messages.success(request, "联络员已修改。")
            return redirect("villages:policies")
    return render(
        request, "villages/field/edit.html", {"form": form, "title": f"修改联络员:{liaison.name}"}
    )


# ------------------------------------------------------------------- public (no login)


def public_url(request: HttpRequest, code: str) -> str:
    return request.build_absolute_uri(reverse("villages:public", args=[code]))


def public(request: HttpRequest, code: str) -> HttpResponse:
    """The village's login-free page: its policies, liaisons and the report form."""
    from ..api_field import public_village_data, rate_limit

    try:
        village = public_village_data(code)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    form = PublicReportForm(request.POST or None)
    receipt = None
    if request.method == "POST" and form.is_valid():
        try:
            rate_limit(request)
            report = services.self_report_receive(village_code=code, **form.cleaned_data)
        except FangpinError as exc:
            if exc.status == 429:
                return render(
                    request,
                    "villages/field/public.html",
                    {"village": village, "form": form, "refused": exc.detail},
                    status=429,
                )
            form.add_error(None, exc.detail)
        else:
            receipt = report.receipt
            form = PublicReportForm()
    return render(
        request,
        "villages/field/public.html",
        {"village": village, "form": form, "receipt": receipt},
    )


def qr(request: HttpRequest, code: str) -> HttpResponse:
    """The QR code (SVG) of the village's public page."""
    if selectors.public_village(code) is None:
        raise Http404("没有这个村")
    response = HttpResponse(qr_svg(public_url(request, code)), content_type="image/svg+xml")
    response["Content-Disposition"] = f"inline; filename=qr-{code}.svg"
    return response


def _village_in_scope(request: HttpRequest, code: str) -> dict[str, Any]:
    from ..api_field import public_village_data

    user = request_user(request)
    if not covers(user, code):
        raise Http404("对象不存在或不在您的管辖范围内")
    try:
        return public_village_data(code)
    except NotFound as exc:
        raise Http404(exc.detail) from exc


@login_required
def board(request: HttpRequest, code: str) -> HttpResponse:
    """The village's policy board (政策明白墙): policies, liaisons and the QR code."""
    village = _village_in_scope(request, code)
    return render(
        request,
        "villages/field/board.html",
        {"village": village, "public_url": public_url(request, code), "size": "a3"},
    )


@login_required
def warm_wall(request: HttpRequest, code: str) -> HttpResponse:
    """暖心墙: monitored households' helpers and phones (never an ID), policies, liaisons, QR."""
    village = _village_in_scope(request, code)
    user = request_user(request)
    watched = selectors.MONITORED_NOW
    plans = (
        Plan.objects.filter(household__village_id=code, household__cases__state__in=watched)
        .select_related("household")
        .distinct()
        .order_by("household__number")
    )
    rows = [
        {
            "head_name": p.household.head_name,
            "helper_name": p.helper_name,
            "helper_unit": p.helper_unit,
            "helper_phone": p.helper_phone,
            "contact_name": p.contact_name,
            "contact_phone": p.contact_phone,
        }
        for p in plans
        if covers(user, p.household.village_id)
    ]
    size = "a3" if request.GET.get("size") == "a3" else "a4"
    return render(
        request,
        "villages/field/warm_wall.html",
        {"village": village, "rows": rows, "public_url": public_url(request, code), "size": size},
    )
