"""Members joining and leaving a household, and their special-attention groups, from the
household page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..forms import AttentionForm, MemberAddForm, MemberEndForm
from ..models import Household
from .households import _member_choices, _member_rows, section_post

MEMBERS = "registry/_members_section.html"

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


def _choices(household: Household) -> list[tuple[int, str]]:
    current = _member_rows(selectors.household_members(household=household), full=False)
    return _member_choices(current)


@login_required
@require_POST
def member_add(request: HttpRequest, household_id: int) -> HttpResponse:
    return section_post(
        request,
        household_id,
        template=MEMBERS,
        form_name="member_add_form",
        make_form=lambda hh: MemberAddForm(request.POST),
        call=lambda user, hh, data: services.member_add(
            user=user,
            household_id=hh.pk,
            member={k: data[k] for k in MEMBER_FIELDS},
            reason=data["reason"],
            started_on=data["started_on"],
        ),
        said=lambda membership: f"已登记新成员 {membership.person.name}",
        after=MemberAddForm,
    )


@login_required
@require_POST
def member_end(request: HttpRequest, household_id: int) -> HttpResponse:
    return section_post(
        request,
        household_id,
        template=MEMBERS,
        form_name="member_end_form",
        make_form=lambda hh: MemberEndForm(request.POST, members=_choices(hh)),
        call=lambda user, hh, data: services.member_end(
            user=user,
            household_id=hh.pk,
            person_id=data["person"],
            reason=data["reason"],
            ended_on=data["ended_on"],
            new_head_person_id=data["new_head"],
        ),
        said=lambda ended: f"{ended.person.name} 已于 {ended.ended_on:%Y-%m-%d} 退出本户",
    )


@login_required
@require_POST
def attention_set(request: HttpRequest, household_id: int) -> HttpResponse:
    """Record (or withdraw) a special-attention group for a current member."""
    return section_post(
        request,
        household_id,
        template=MEMBERS,
        form_name="attention_form",
        make_form=lambda hh: AttentionForm(request.POST, members=_choices(hh)),
        call=lambda user, hh, data: services.attention_flag_set(
            user=user,
            household_id=hh.pk,
            person_id=data["person"],
            group=data["group"],
            on=data["on"],
        ),
        said=lambda _: "已更新特殊关注登记",
    )
