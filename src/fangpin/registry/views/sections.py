"""Forms posted from the household page: income, guarantees and archive documents."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_GET, require_POST

from fangpin.web.pages import request_user, submit

from .. import selectors, services
from ..forms import DocumentForm, GuaranteeForm, IncomeForm
from .common import _household
from .households import _section_response


@login_required
@require_POST
def income_add(request: HttpRequest, household_id: int) -> HttpResponse:
    household = _household(request, household_id)
    form = IncomeForm(request.POST)
    # The form's fields are named as the service's arguments.
    done = submit(
        form,
        lambda data: services.income_record(
            user=request_user(request), household_id=household.pk, **data
        ),
    )
    if done.value is not None:
        record = done.value
        messages.success(
            request, f"已记录 {record.year} 年收入,人均纯收入 {record.per_capita_net} 元"
        )
        form = IncomeForm()
    return _section_response(
        request, household, "registry/_income_section.html", ok=done.ok, income_form=form
    )


@login_required
@require_POST
def guarantees_update(request: HttpRequest, household_id: int) -> HttpResponse:
    household = _household(request, household_id)
    form: GuaranteeForm | None = GuaranteeForm(request.POST)
    done = submit(
        form,
        lambda data: services.guarantees_set(
            user=request_user(request), household_id=household.pk, **data
        ),
    )
    if done.ok:
        messages.success(request, "已更新两不愁三保障及饮水情况")
        form = None
    return _section_response(
        request, household, "registry/_guarantee_section.html", ok=done.ok, guarantee_form=form
    )


@login_required
@require_POST
def document_add(request: HttpRequest, household_id: int) -> HttpResponse:
    household = _household(request, household_id)
    form: DocumentForm | None = DocumentForm(request.POST, request.FILES)
    done = submit(
        form,
        lambda data: services.archive_document_add(
            user=request_user(request),
            household_id=household.pk,
            kind=data["kind"],
            title=data["title"],
            file=data["file"],
            filename=data["file"].name,
        ),
    )
    if done.ok:
        messages.success(request, "资料已归入户档")
        form = None
    return _section_response(
        request, household, "registry/_documents_section.html", ok=done.ok, document_form=form
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
