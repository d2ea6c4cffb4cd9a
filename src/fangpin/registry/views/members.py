"""Members joining and leaving a household, from the household page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from fangpin.web.pages import request_user, submit

from .. import selectors, services
from ..forms import AttentionForm, MemberAddForm, MemberEndForm
from .common import _household
from .households import _member_choices, _member_rows, _section_response


@login_required
@require_POST
def member_add(request: HttpRequest, household_id: int) -> HttpResponse:
    household = _household(request, household_id)
    form = MemberAddForm(request.POST)
    done = submit(
        form,
        lambda data: services.member_add(
            user=request_user(request),
            household_id=household.pk,
            member={k: data[k] for k in MEMBER_FIELDS},
            reason=data["reason"],
            started_on=data["started_on"],
        ),
    )
    if done.value is not None:
        messages.success(request, f"已登记新成员 {done.value.person.name}")
        form = MemberAddForm()
    household.refresh_from_db()
    return _section_response(
        request, household, "registry/_members_section.html", ok=done.ok, member_add_form=form
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
    done = submit(
        form,
        lambda data: services.member_end(
            user=request_user(request),
            household_id=household.pk,
            person_id=data["person"],
            reason=data["reason"],
            ended_on=data["ended_on"],
            new_head_person_id=data["new_head"],
        ),
    )
    if done.value is not None:
        ended = done.value
        messages.success(request, f"{ended.person.name} 已于 {ended.ended_on:%Y-%m-%d} 退出本户")
        form = None  # type: ignore[assignment]
    household.refresh_from_db()
    return _section_response(
        request, household, "registry/_members_section.html", ok=done.ok, member_end_form=form
    )


@login_required
@require_POST
def attention_set(request: HttpRequest, household_id: int) -> HttpResponse:
    """Record (or withdraw) a special-attention group for a current member."""
    household = _household(request, household_id)
    current = _member_rows(selectors.household_members(household=household), full=False)
    form = AttentionForm(request.POST, members=_member_choices(current))
    done = submit(
        form,
        lambda data: services.attention_flag_set(
            user=request_user(request),
            household_id=household.pk,
            person_id=data["person"],
            group=data["group"],
            on=data["on"],
        ),
    )
    if done.ok:
        messages.success(request, "已更新特殊关注登记")
    return _section_response(
        request, household, "registry/_members_section.html", ok=done.ok, attention_form=form
    )
