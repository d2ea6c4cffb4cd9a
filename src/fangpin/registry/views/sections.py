"""Forms posted from the household page: income, guarantees and archive documents."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_GET, require_POST

from fangpin.core.files.download import file_download

from .. import selectors, services
from ..forms import ContactForm, DocumentForm, GuaranteeForm, IncomeForm
from .common import _household
from .households import section_post


@login_required
@require_POST
def income_add(request: HttpRequest, household_id: int) -> HttpResponse:
    return section_post(
        request,
        household_id,
        template="registry/_income_section.html",
        form_name="income_form",
        make_form=lambda hh: IncomeForm(request.POST),
        # The form's fields are named as the service's arguments.
        call=lambda user, hh, data: services.income_record(user=user, household_id=hh.pk, **data),
        said=lambda r: f"已记录 {r.year} 年收入,人均纯收入 {r.per_capita_net} 元",
        after=IncomeForm,
    )


@login_required
@require_POST
def contact_update(request: HttpRequest, household_id: int) -> HttpResponse:
    """The household's phone and address, through the service (history kept)."""
    return section_post(
        request,
        household_id,
        template="registry/_contact_section.html",
        form_name="contact_form",
        make_form=lambda hh: ContactForm(request.POST),
        call=lambda user, hh, data: services.household_update(
            user=user, household_id=hh.pk, phone=data["phone"], address=data["address"]
        ),
        said=lambda _: "已更新联系电话和家庭住址",
    )


@login_required
@require_POST
def guarantees_update(request: HttpRequest, household_id: int) -> HttpResponse:
    return section_post(
        request,
        household_id,
        template="registry/_guarantee_section.html",
        form_name="guarantee_form",
        make_form=lambda hh: GuaranteeForm(request.POST),
        call=lambda user, hh, data: services.guarantees_set(user=user, household_id=hh.pk, **data),
        said=lambda _: "已更新两不愁三保障及饮水情况",
    )


@login_required
@require_POST
def document_add(request: HttpRequest, household_id: int) -> HttpResponse:
    return section_post(
        request,
        household_id,
        template="registry/_documents_section.html",
        form_name="document_form",
        make_form=lambda hh: DocumentForm(request.POST, request.FILES),
        call=lambda user, hh, data: services.archive_document_add(
            user=user,
            household_id=hh.pk,
            kind=data["kind"],
            title=data["title"],
            file=data["file"],
            filename=data["file"].name,
        ),
        said=lambda _: "资料已归入户档",
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
            return file_download(document.file.open("rb"), filename=name)
    raise Http404("资料不存在")
