"""The household list and the household page (户档) with its sections."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from fangpin.accounts.models import User
from fangpin.core import idcard
from fangpin.core.errors import NotFound
from fangpin.core.keyset import MAX_PAGE
from fangpin.policy.services import monitoring_line
from fangpin.regions.models import PREFIX_LENGTH, Region
from fangpin.regions.selectors import region_children, region_columns, region_get
from fangpin.web.pages import request_user, submit

from .. import attention, selectors
from ..choices import Relation
from ..forms import (
    AttentionForm,
    ContactForm,
    DocumentForm,
    GuaranteeForm,
    IncomeForm,
    MemberAddForm,
    MemberEndForm,
)
from ..models import AttentionFlag, Household, Membership
from .common import _household, _is_htmx, may_write

PAGE_SIZE = 20
T = TypeVar("T")


def _page_number(raw: str | None) -> int:
    try:
        return min(max(int(raw or 1), 1), MAX_PAGE)
    except ValueError:
        return 1


def _region_path(user: User, region: Region) -> list[Region]:
    """The regions from the user's own down to `region` (for the breadcrumb), one query."""
    own = user.region_prefix or ""
    lengths = [
        n for n in sorted(set(PREFIX_LENGTH.values())) if len(own) <= n <= len(region.prefix)
    ]
    prefixes = [region.prefix[:n] for n in lengths]
    return list(Region.objects.filter(prefix__in=prefixes).order_by("prefix"))


_COLUMN_HEADERS = {
    2: ["市", "县(市、区)", "乡镇", "村"],
    4: ["县(市、区)", "乡镇", "村"],
    6: ["乡镇", "村"],
    9: ["村"],
    12: [],
}


def _choice(request: HttpRequest, name: str, choices: Any) -> str:
    value = request.GET.get(name, "")
    return value if value in dict(choices) else ""


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
    user = request_user(request)
    q = request.GET.get("q", "").strip()[:64]
    code = request.GET.get("region", "").strip()
    if user.region is None:
        raise PermissionDenied("您的账号未绑定区划")
    try:
        region = region_get(user=user, code=code) if code else user.region
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    group = _choice(request, "attention", attention.Attention.choices)
    filters = {
        "category": _choice(request, "category", selectors.CATEGORY_CHOICES),
        "status": _choice(request, "status", selectors.status_choices()),
        "problem": _choice(request, "problem", selectors.PROBLEM_CHOICES),
        "sort": _choice(request, "sort", selectors.SORT_CHOICES),
    }
    number = _page_number(request.GET.get("page"))
    found = selectors.household_page(
        user=user,
        size=PAGE_SIZE,
        cursor=request.GET.get("cursor") or None,
        page=number,
        near=request.GET.get("near") or None,
        region=region.code if code else None,
        q=q or None,
        attention=group or None,
        **{k: v or None for k, v in filters.items()},
    )
    households = found.rows
    prefetch_related_objects(
        households,
        Prefetch(
            "memberships",
            queryset=Membership.objects.filter(
                ended_on__isnull=True, relation=Relation.HEAD
            ).select_related("person"),
            to_attr="current_heads",
        ),
    )
    full = user.sees_personal_data
    rows = [_row(h, full) for h in households]
    own = user.region_prefix or ""
    columns = region_columns(above=own, villages=[h.village_id for h in households])
    for row, h in zip(rows, households, strict=True):
        row["regions"] = columns.get(h.village_id, [])
    context = {
        "q": q,
        "attention": group,
        "attention_choices": attention.Attention.choices,
        **filters,
        "category_choices": selectors.CATEGORY_CHOICES,
        "status_choices": selectors.status_choices(),
        "problem_choices": selectors.PROBLEM_CHOICES,
        "sort_choices": selectors.SORT_CHOICES,
        "region_headers": _COLUMN_HEADERS.get(len(own), []),
        "region": region,
        "region_path": _region_path(user, region),
        "children": list(region_children(user=user, code=region.code)),
        # Pages go forward by cursor (下一页), back by number (上一页: an OFFSET only as deep
        # as the user clicked); the total is capped, so the page count is shown below it.
        "page": number,
        "count": found.count,
        "count_capped": found.count_capped,
        "num_pages": None if found.count_capped else max(1, -(-found.count // PAGE_SIZE)),
        "next_cursor": found.next_cursor,
        "rows": rows,
        "may_write": may_write(user),
    }
    if _is_htmx(request) and request.headers.get("HX-Target") == "results":
        return render(request, "registry/_household_results.html", context)
    return render(request, "registry/household_list.html", context)


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
    recorded: dict[int, list[str]] = {}
    for person_id, group in AttentionFlag.objects.filter(
        person_id__in=[m.person_id for m in memberships]
    ).values_list("person_id", "group"):
        recorded.setdefault(person_id, []).append(group)
    rows = []
    for m in memberships:
        p = m.person
        rows.append(
            {
                "membership": m,
                "person": p,
                "id_number": p.id_number if full else idcard.mask(p.id_number),
                "phone": p.phone if full else idcard.mask_phone(p.phone),
                # Beside a masked ID number an exact age would give the hidden birth year.
                "age": p.age_on(m.ended_on or today)
                if full
                else idcard.age_band(p.birth_date, m.ended_on or today),
                "attention": attention.groups_of(p, today, recorded.get(p.pk, ())),
            }
        )
    return rows


def _household_context(request: HttpRequest, household: Household, **forms: Any) -> dict[str, Any]:
    user = request_user(request)
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
        context["contact_form"] = forms.get("contact_form") or ContactForm(
            initial={"phone": household.phone, "address": household.address}
        )
        context["member_add_form"] = forms.get("member_add_form") or MemberAddForm()
        context["member_end_form"] = forms.get("member_end_form") or MemberEndForm(
            members=_member_choices(context["members"])
        )
        context["attention_form"] = forms.get("attention_form") or AttentionForm(
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
    status_if_full: int = 400,
    **forms: Any,
) -> HttpResponse:
    """htmx: the changed section (and the history, out of band); plain POST: the page (with
    `status_if_full` when the form did not go through)."""
    if _is_htmx(request):
        context = _household_context(request, household, **forms)
        context["section_ok"] = ok
        return render(request, template, context)
    if ok:
        return redirect("registry:household_detail", household_id=household.pk)
    context = _household_context(request, household, **forms)
    return render(request, "registry/household_detail.html", context, status=status_if_full)


def section_post(
    request: HttpRequest,
    household_id: int,
    *,
    template: str,
    form_name: str,
    make_form: Callable[[Household], forms.Form],
    call: Callable[[User, Household, dict[str, Any]], T],
    said: Callable[[T], str],
    after: Callable[[], forms.Form | None] = lambda: None,
) -> HttpResponse:
    """A form posted from a section of the household page: the service gets its data (as the
    signed-in user), a refusal shows on the form, success is said and the form replaced by
    `after()`; the answer is the section (htmx) or the page."""
    household = _household(request, household_id)
    form: forms.Form | None = make_form(household)
    user = request_user(request)
    done = submit(form, lambda data: call(user, household, data))
    if done.ok:
        messages.success(request, said(done.value))  # type: ignore[arg-type]
        form = after()
    household.refresh_from_db()
    shown: dict[str, Any] = {form_name: form}
    return _section_response(request, household, template, ok=done.ok, **shown)
