"""Members joining and leaving a household, from the household page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from fangpin.core.errors import FangpinError
from fangpin.web.pages import raise_refusal, request_user

from .. import selectors, services
from ..forms import MemberAddForm, MemberEndForm
from .common import _household
from .households import _member_choices, _member_rows, _section_response


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
                user=request_user(request),
                household_id=household.pk,
                member={k: data[k] for k in MEMBER_FIELDS},
                reason=data["reason"],
                started_on=data["started_on"],
            )
        except FangpinError as exc:
            raise_refusal(exc)
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
                user=request_user(request),
                household_id=household.pk,
                person_id=data["person"],
                reason=data["reason"],
                ended_on=data["ended_on"],
                new_head_person_id=data["new_head"],
            )
        except FangpinError as exc:
            raise_refusal(exc)
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
