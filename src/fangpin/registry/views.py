"""HTML pages of the registry: household list, household page (户档), Excel import/export.

Thin views: reads come from `selectors`, writes go through `services` (or `importing`), and a
service's FangpinError is shown to the person as its Chinese `detail`. Pages answer htmx
requests with the part of the page that changed.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from fangpin.accounts.models import User
from fangpin.core import idcard
from fangpin.core.errors import FangpinError, Forbidden, NotFound
from fangpin.policy.services import monitoring_line
from fangpin.regions.models import PREFIX_LENGTH, Region
from fangpin.regions.selectors import region_children, region_get
from fangpin.web import uploads

from . import selectors, services
from .choices import WRITER_ROLES, Relation
from .forms import (
    DocumentForm,
    GuaranteeForm,
    ImportForm,
    IncomeForm,
    MemberAddForm,
    MemberEndForm,
)
from .importing import ImportResult, household_import
from .models import Household, Membership

PAGE_SIZE = 20


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def may_write(user: User) -> bool:
    return user.role in WRITER_ROLES


def _raise_http(exc: FangpinError) -> None:
    """Turn a service's scope and role refusals into the 404 and 403 pages."""
    if isinstance(exc, NotFound):
        raise Http404(exc.detail) from exc
    if isinstance(exc, Forbidden):
        raise PermissionDenied(exc.detail) from exc


# ---------------------------------------------------------------------------- list


def _region_path(user: User, region: Region) -> list[Region]:
    """The regions from the user's own down to `region` (for the breadcrumb), one query."""
    own = user.region_prefix or ""
    lengths = [
        n for n in sorted(set(PREFIX_LENGTH.values())) if len(own) <= n <= len(region.prefix)
    ]
    prefixes = [region.prefix[:n] for n in lengths]
    return list(Region.objects.filter(prefix__in=prefixes).order_by("prefix"))


def _row(household: Household, full: bool) -> dict[str, Any]:
    heads = getattr(household, "current_heads", [])
    head_id = heads[0].person.id_number if heads else ""
    return {
        "id": household.pk,
        "number": household.number,
        "head_name": household.head_name,
        "head_id": head_id if full else idcard.mask(head_id),
        "phone": household.phone if full else idcard.mask_phone(household.phone),
        "village": household.village.name,
        "member_count": household.member_count,
        "is_alleviated": household.is_alleviated,
    }


@login_required
@require_GET
def household_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    q = request.GET.get("q", "").strip()[:64]
    code = request.GET.get("region", "").strip()
    if user.region is None:
        raise PermissionDenied("您的账号未绑定区划")
    try:
        region = region_get(user=user, code=code) if code else user.region
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    households = selectors.household_list(
        user=user, region=region.code if code else None, q=q or None
    ).prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.filter(
                ended_on__isnull=True, relation=Relation.HEAD
            ).select_related("person"),
            to_attr="current_heads",
        )
    )
    page = Paginator(households, PAGE_SIZE).get_page(request.GET.get("page"))
    full = user.sees_personal_data
    context = {
        "q": q,
        "region": region,
        "region_path": _region_path(user, region),
        "children": list(region_children(user=user, code=region.code)),
        "page": page,
        "rows": [_row(h, full) for h in page.object_list],
        "may_write": may_write(user),
    }
    if _is_htmx(request) and request.headers.get("HX-Target") == "results":
        return render(request, "registry/_household_results.html", context)
    return render(request, "registry/household_list.html", context)


# ---------------------------------------------------------------------------- household page


def _income_rows(household: Household) -> list[dict[str, Any]]:
    lines: dict[int, Decimal | None] = {}
    rows = []
    for record in selectors.household_incomes(household=household):
        if record.year not in lines:
            lines[record.year] = monitoring_line(record.year)
        line = lines[record.year]
        rows.append(
            {
                "record": record,
                "line": line,
                "below": line is not None and record.per_capita_net <= line,
            }
        )
    return rows


def _guarantee_items(household: Household) -> tuple[Any, list[dict[str, Any]]]:
    g = selectors.household_guarantee(household=household)
    if g is None:
        return None, []
    items = [
        {"label": "不愁吃", "ok": g.food_ok, "value": "是" if g.food_ok else "否"},
        {"label": "不愁穿", "ok": g.clothing_ok, "value": "是" if g.clothing_ok else "否"},
        {
            "label": "义务教育",
            "ok": g.education_ok,
            "value": "有保障" if g.education_ok else "有失学辍学",
        },
        {
            "label": "基本医疗",
            "ok": g.medical_ok,
            "value": "有保障" if g.medical_ok else "有成员未参保",
        },
        {"label": "住房安全", "ok": g.housing_ok, "value": g.get_housing_grade_display()},
        {"label": "饮水安全", "ok": g.water_ok, "value": "有保障" if g.water_ok else "有问题"},
    ]
    return g, items


def _member_rows(memberships: list[Membership], full: bool) -> list[dict[str, Any]]:
    today = timezone.localdate()
    rows = []
    for m in memberships:
        p = m.person
        rows.append(
            {
                "membership": m,
                "person": p,
                "id_number": p.id_number if full else idcard.mask(p.id_number),
                "phone": p.phone if full else idcard.mask_phone(p.phone),
                "age": p.age_on(m.ended_on or today),
            }
        )
    return rows


def _household_context(request: HttpRequest, household: Household, **forms: Any) -> dict[str, Any]:
    user = _user(request)
    full = user.sees_personal_data
    guarantee, guarantee_items = _guarantee_items(household)
    writer = may_write(user)
    context: dict[str, Any] = {
        "household": household,
        "phone": household.phone if full else idcard.mask_phone(household.phone),
        "members": _member_rows(selectors.household_members(household=household), full),
        "past_members": _member_rows(selectors.household_past_members(household=household), full),
        "incomes": _income_rows(household),
        "current_line": monitoring_line(timezone.localdate().year),
        "guarantee": guarantee,
        "guarantee_items": guarantee_items,
        "guarantee_problem": any(not i["ok"] for i in guarantee_items),
        "documents": selectors.household_documents(household=household),
        "history": selectors.household_history(user=user, household=household),
        "may_write": writer,
        "open_case": selectors.household_open_case(household=household),
        "may_report_case": user.role == "village",
    }
    if writer:
        context["income_form"] = forms.get("income_form") or IncomeForm()
        context["guarantee_form"] = forms.get("guarantee_form") or GuaranteeForm(
            initial=_guarantee_initial(guarantee)
        )
        context["document_form"] = forms.get("document_form") or DocumentForm()
        context["member_add_form"] = forms.get("member_add_form") or MemberAddForm()
        context["member_end_form"] = forms.get("member_end_form") or MemberEndForm(
            members=_member_choices(context["members"])
        )
    return context


def _member_choices(rows: list[dict[str, Any]]) -> list[tuple[int, str]]:
    return [(r["person"].pk, f"{r['person'].name}({r['membership'].relation})") for r in rows]


def _guarantee_initial(guarantee: Any) -> dict[str, Any]:
    if guarantee is None:
        return {
            "food_ok": True,
            "clothing_ok": True,
            "education_ok": True,
            "medical_ok": True,
            "housing_grade": "A",
            "water_ok": True,
        }
    return {
        "food_ok": guarantee.food_ok,
        "clothing_ok": guarantee.clothing_ok,
        "education_ok": guarantee.education_ok,
        "medical_ok": guarantee.medical_ok,
        "housing_grade": guarantee.housing_grade,
        "water_ok": guarantee.water_ok,
        "assessed_on": guarantee.assessed_on,
    }


def _household(request: HttpRequest, household_id: int) -> Household:
    try:
        return selectors.household_get(user=_user(request), household_id=household_id)
    except NotFound as exc:
        raise Http404(exc.detail) from exc


@login_required
@require_GET
def household_detail(request: HttpRequest, household_id: int) -> HttpResponse:
    household = _household(request, household_id)
    return render(request, "registry/household_detail.html", _household_context(request, household))


def _section_response(
    request: HttpRequest,
    household: Household,
    template: str,
    *,
    ok: bool,
    status_if_full: int = 200,
    **forms: Any,
) -> HttpResponse:
    """htmx: the changed section (and the history, out of band); plain POST: the page."""
    if _is_htmx(request):
        context = _household_context(request, household, **forms)
        context["section_ok"] = ok
        return render(request, template, context)
    if ok:
        return redirect("registry:household_detail", household_id=household.pk)
    context = _household_context(request, household, **forms)
    return render(request, "registry/household_detail.html", context, status=status_if_full)


@login_required
@require_POST
def income_add(request: HttpRequest, household_id: int) -> HttpResponse:
    household = _household(request, household_id)
    form = IncomeForm(request.POST)
    ok = False
    if form.is_valid():
        try:
            # The form's fields are named as the service's arguments.
            record = services.income_record(
                user=_user(request), household_id=household.pk, **form.cleaned_data
            )
        except FangpinError as exc:
            _raise_http(exc)
            form.add_error(None, exc.detail)
        else:
            ok = True
            messages.success(
                request, f"已记录 {record.year} 年收入,人均纯收入 {record.per_capita_net} 元"
            )
            form = IncomeForm()
    return _section_response(
        request,
        household,
        "registry/_income_section.html",
        ok=ok,
        status_if_full=400,
        income_form=form,
    )


@login_required
@require_POST
def guarantees_update(request: HttpRequest, household_id: int) -> HttpResponse:
    household = _household(request, household_id)
    form: GuaranteeForm | None = GuaranteeForm(request.POST)
    ok = False
    if form is not None and form.is_valid():
        try:
            services.guarantees_set(
                user=_user(request), household_id=household.pk, **form.cleaned_data
            )
        except FangpinError as exc:
            _raise_http(exc)
            form.add_error(None, exc.detail)
        else:
            ok = True
            messages.success(request, "已更新两不愁三保障及饮水情况")
            form = None
    return _section_response(
        request,
        household,
        "registry/_guarantee_section.html",
        ok=ok,
        status_if_full=400,
        guarantee_form=form,
    )


@login_required
@require_POST
def document_add(request: HttpRequest, household_id: int) -> HttpResponse:
    household = _household(request, household_id)
    form: DocumentForm | None = DocumentForm(request.POST, request.FILES)
    assert form is not None
    ok = False
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.archive_document_add(
                user=_user(request),
                household_id=household.pk,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                file=upload,
                filename=upload.name,
            )
        except FangpinError as exc:
            _raise_http(exc)
            form.add_error(None, exc.detail)
        else:
            ok = True
            messages.success(request, "资料已归入户档")
            form = None
    return _section_response(
        request,
        household,
        "registry/_documents_section.html",
        ok=ok,
        status_if_full=400,
        document_form=form,
    )


@login_required
@require_POST
def member_add(request: HttpRequest, household_id: int) -> HttpResponse:
    household = _household(request, household_id)
    form = MemberAddForm(request.POST)
    ok = False
    if form.is_valid():
        data = form.cleaned_data
        try:
            membership = services.member_add(
                user=_user(request),
                household_id=household.pk,
                member={k: data[k] for k in MEMBER_FIELDS},
                reason=data["reason"],
                started_on=data["started_on"],
            )
        except FangpinError as exc:
            _raise_http(exc)
            form.add_error(None, exc.detail)
        else:
            ok = True
            messages.success(request, f"已登记新成员 {membership.person.name}")
            form = MemberAddForm()
    household.refresh_from_db()
    return _section_response(
        request,
        household,
        "registry/_members_section.html",
        ok=ok,
        status_if_full=400,
        member_add_form=form,
    )


MEMBER_FIELDS = (
    "name",
    "id_number",
    "relation",
    "health",
    "labour",
    "education",
    "school_status",
    "disability_grade",
    "phone",
)


@login_required
@require_POST
def member_end(request: HttpRequest, household_id: int) -> HttpResponse:
    household = _household(request, household_id)
    current = _member_rows(selectors.household_members(household=household), full=False)
    form = MemberEndForm(request.POST, members=_member_choices(current))
    ok = False
    if form.is_valid():
        data = form.cleaned_data
        try:
            membership = services.member_end(
                user=_user(request),
                household_id=household.pk,
                person_id=data["person"],
                reason=data["reason"],
                ended_on=data["ended_on"],
                new_head_person_id=data["new_head"],
            )
        except FangpinError as exc:
            _raise_http(exc)
            form.add_error(None, exc.detail)
        else:
            ok = True
            messages.success(
                request, f"{membership.person.name} 已于 {membership.ended_on:%Y-%m-%d} 退出本户"
            )
            form = None  # type: ignore[assignment]
    household.refresh_from_db()
    return _section_response(
        request,
        household,
        "registry/_members_section.html",
        ok=ok,
        status_if_full=400,
        member_end_form=form,
    )


@login_required
@require_GET
def document_download(
    request: HttpRequest, household_id: int, document_id: int
) -> HttpResponseBase:
    # Files are served through the household's scope, never from a public media URL.
    household = _household(request, household_id)
    for document in selectors.household_documents(household=household):
        if document.pk == document_id:
            name = (document.file.name or "document").rsplit("/", 1)[-1]
            return FileResponse(document.file.open("rb"), filename=name)
    raise Http404("资料不存在")


# ---------------------------------------------------------------------------- Excel import


def _require_import_role(user: User) -> None:
    if not may_write(user):
        raise PermissionDenied("您的角色只能查看农户信息,不能导入")


def _run_import(user: User, path: Path, *, dry_run: bool) -> ImportResult:
    with path.open("rb") as handle:
        return household_import(user=user, file=handle, dry_run=dry_run)


def _import_page(request: HttpRequest, *, status: int = 200, **context: Any) -> HttpResponse:
    context.setdefault("form", ImportForm())
    if context.get("result") is not None:
        context["summary"] = import_summary(context["result"])
    return render(request, "registry/import.html", context, status=status)


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    """Upload an .xlsx and see what a dry run finds; nothing is written here."""
    user = _user(request)
    _require_import_role(user)
    if request.method != "POST":
        return _import_page(request)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, form=form, status=400)
    upload = form.cleaned_data["file"]
    kept = uploads.keep(upload, user_id=user.pk)
    try:
        result = _run_import(user, kept.path, dry_run=True)
    except FangpinError as exc:
        uploads.forget(kept.path)
        _raise_http(exc)
        form.add_error("file", exc.detail)
        return _import_page(request, form=form, status=400)
    if result.problems:
        uploads.forget(kept.path)  # a file with problems is fixed and uploaded again
    return _import_page(
        request,
        form=ImportForm(),
        result=result,
        problems=result.problems,
        token="" if result.problems else kept.token,
        file_name=kept.original_name,
    )


@login_required
@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    """Import the kept file after checking it again; all or nothing."""
    user = _user(request)
    _require_import_role(user)
    kept = uploads.find(request.POST.get("token", ""), user_id=user.pk)
    if kept is None:
        messages.error(request, "上传的文件已失效,请重新上传")
        return redirect("registry:import")
    try:
        result = _run_import(user, kept.path, dry_run=False)
    except FangpinError as exc:
        _raise_http(exc)
        uploads.forget(kept.path)
        return _import_page(request, error=exc.detail, file_name=kept.original_name, status=400)
    uploads.forget(kept.path)
    if result.problems:
        return _import_page(
            request,
            result=result,
            problems=result.problems,
            file_name=kept.original_name,
            confirmed=True,
            status=400,
        )
    messages.success(request, f"导入完成:{import_summary(result)}")
    return redirect("registry:household_list")


def import_summary(result: ImportResult) -> str:
    return result.summary()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE_TEXT_ROWS = 500  # rows pre-formatted as text in the blank template


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    """The blank import template; ID, code and phone columns are already text cells."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from .exporting import TEXT_COLUMNS, WIDTHS
    from .importing import HEADERS

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "农户信息"
    sheet.append(list(HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, width in WIDTHS.items():
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    for index in TEXT_COLUMNS:
        for row in range(2, TEMPLATE_TEXT_ROWS + 2):
            sheet.cell(row=row, column=index + 1).number_format = "@"
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = _attachment("农户导入模板.xlsx")
    return response


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """The user's region (or `?region=` inside it) in the import template."""
    from .exporting import household_export

    user = _user(request)
    if user.region is None:
        raise PermissionDenied("您的账号未绑定区划")
    code = request.GET.get("region", "").strip()
    try:
        region = region_get(user=user, code=code) if code else user.region
        buffer = io.BytesIO()
        household_export(user=user, region=region.code, file=buffer)
    except FangpinError as exc:
        _raise_http(exc)
        raise
    stamp = timezone.localdate().strftime("%Y%m%d")
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = _attachment(f"农户_{region.name}_{stamp}.xlsx")
    return response


def _attachment(filename: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(filename)}"
