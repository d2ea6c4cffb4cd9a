"""Excel import (upload, dry run, confirm), the blank template and the export."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from fangpin.accounts.models import User
from fangpin.core import files
from fangpin.core.errors import FangpinError
from fangpin.regions.selectors import region_get
from fangpin.web import uploads
from fangpin.web.pages import raise_refusal, request_user

from ..forms import ImportForm
from ..importing import ImportResult, household_import
from .common import XLSX, _attachment, may_write


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
    user = request_user(request)
    _require_import_role(user)
    if request.method != "POST":
        return _import_page(request)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, form=form, status=400)
    upload = form.cleaned_data["file"]
    try:
        files.refuse_oversize(upload.size, limits=files.SPREADSHEET_IMPORT)
    except FangpinError as exc:
        form.add_error("file", exc.detail)
        return _import_page(request, form=form, status=exc.status)
    kept = uploads.keep(upload, user_id=user.pk)
    try:
        result = _run_import(user, kept.path, dry_run=True)
    except FangpinError as exc:
        uploads.forget(kept.path)
        raise_refusal(exc)
        form.add_error("file", exc.detail)
        return _import_page(request, form=form, status=exc.status)
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
    user = request_user(request)
    _require_import_role(user)
    kept = uploads.find(request.POST.get("token", ""), user_id=user.pk)
    if kept is None:
        messages.error(request, "上传的文件已失效,请重新上传")
        return redirect("registry:import")
    try:
        result = _run_import(user, kept.path, dry_run=False)
    except FangpinError as exc:
        raise_refusal(exc)
        uploads.forget(kept.path)
        return _import_page(
            request, error=exc.detail, file_name=kept.original_name, status=exc.status
        )
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


TEMPLATE_TEXT_ROWS = 500  # rows pre-formatted as text in the blank template


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    """The blank import template; ID, code and phone columns are already text cells."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from ..exporting import TEXT_COLUMNS, WIDTHS
    from ..importing import HEADERS

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
    from ..exporting import household_export

    user = request_user(request)
    if user.region is None:
        raise PermissionDenied("您的账号未绑定区划")
    code = request.GET.get("region", "").strip()
    try:
        region = region_get(user=user, code=code) if code else user.region
        buffer = io.BytesIO()
        household_export(user=user, region=region.code, file=buffer)
    except FangpinError as exc:
        raise_refusal(exc)
        raise
    stamp = timezone.localdate().strftime("%Y%m%d")
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = _attachment(f"农户_{region.name}_{stamp}.xlsx")
    return response
