"""The import page: pick a module, download its template, upload, check or import."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fangpin.accounts.models import User
from fangpin.core import files
from fangpin.core.errors import FangpinError
from fangpin.core.files.download import bytes_download

from . import services
from .importing import KINDS, ImportResult, kind_get, programs_import, template_xlsx


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label="导入内容", choices=[(k.key, k.title) for k in KINDS.values()])
    file = forms.FileField(label="Excel 文件(.xlsx)")
    dry_run = forms.BooleanField(label="只检查,不写入", required=False, initial=True)


def _writer(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    try:
        services.require_writer(user)
    except FangpinError as exc:
        raise PermissionDenied(exc.detail) from exc
    return user


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    user = _writer(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    result: ImportResult | None = None
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            files.refuse_oversize(upload.size, limits=files.SPREADSHEET_IMPORT)
            result = programs_import(
                user=user,
                kind=form.cleaned_data["kind"],
                file=upload.read(),
                dry_run=form.cleaned_data["dry_run"],
            )
            status = 200 if result.ok else 400
        except FangpinError as exc:
            form.add_error("file", exc.detail)
            status = exc.status
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "programs/import.html",
        {"form": form, "result": result, "kinds": KINDS.values()},
        status=status,
    )


@login_required
def template_view(request: HttpRequest, kind: str) -> HttpResponse:
    try:
        spec = kind_get(kind)
    except FangpinError as exc:
        from django.http import Http404

        raise Http404(exc.detail) from exc
    return bytes_download(template_xlsx(kind), f"{spec.title}导入模板.xlsx")
