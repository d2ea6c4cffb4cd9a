"""Pages with forms: create funds, projects, assets, entities and benefit links; asset income
and its distribution, disposals and their approval, the yearly check, 联村共建. Thin: every
form goes through `fangpin.web.pages.submit` to a service; each list has its Excel download."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from fangpin.accounts.models import Role, User
from fangpin.core.errors import BadValue, NotFound
from fangpin.core.files.download import bytes_download
from fangpin.web.pages import request_user, submit

from . import forms as f
from . import selectors_assets as selectors
from . import services, services_assets
from . import tables_assets as tables
from .models import DisposalState

if TYPE_CHECKING:
    from .tables import Table


def _own(user: User) -> dict[str, str]:
    """Initial place codes: the user's county and, for a village user, the village."""
    code = str(user.region_id or "")
    return {
        "county_code": code[:6] if len(code) >= 6 else "",
        "village_code": code if user.role == Role.VILLAGE else "",
    }


def _typed(call: Callable[[], Any]) -> Any:
    """A code typed on the form that names nothing in the user's region is the user's typing
    to correct, not a page to hide: it goes on the form (a 400 there) instead of a 404 page."""
    try:
        return call()
    except NotFound as exc:
        raise BadValue(exc.detail, code=exc.code) from exc


@dataclass(frozen=True)
class Creator:
    title: str
    form: type[forms.Form]
    call: Callable[..., Any]
    done: str  # the list page to go to
    message: str


CREATORS: dict[str, Creator] = {
    "fund": Creator(
        "登记衔接资金",
        f.FundForm,
        services.fund_allocation_create,
        "programs:funds",
        "已登记衔接资金",
    ),
    "project": Creator(
        "项目入库", f.ProjectForm, services.project_create, "programs:projects", "项目已入库"
    ),
    "asset": Creator(
        "登记项目资产", f.AssetForm, services.asset_create, "programs:assets", "已登记资产"
    ),
    "entity": Creator(
        "登记经营主体",
        f.EntityForm,
        services.entity_create,
        "programs:new_entity",
        "已登记经营主体",
    ),
    "link": Creator(
        "登记联农带农",
        f.LinkForm,
        services.benefit_link_create,
        "programs:new_link",
        "已登记,已计入该户当年收入",
    ),
}


def _args(form: forms.Form, data: dict[str, Any]) -> dict[str, Any]:
    service_args = getattr(form, "service_args", None)
    return service_args() if service_args else dict(data)


def _create(request: HttpRequest, kind: str) -> HttpResponse:
    user = request_user(request)
    spec = CREATORS[kind]
    form = spec.form(request.POST or None, initial=_own(user))
    if request.method == "POST":
        done = submit(form, lambda d: _typed(lambda: spec.call(user=user, **_args(form, d))))
        if done.ok:
            messages.success(request, spec.message)
            return redirect(spec.done)
    return render(
        request,
        "programs/work.html",
        {
            "title": spec.title,
            "forms": [("create", spec.title, form)],
            "creators": [(k, c.title) for k, c in CREATORS.items()],
            "kind": kind,
        },
    )


@login_required
def new_fund(request: HttpRequest) -> HttpResponse:
    return _create(request, "fund")


@login_required
def new_project(request: HttpRequest) -> HttpResponse:
    return _create(request, "project")


@login_required
def new_asset(request: HttpRequest) -> HttpResponse:
    return _create(request, "asset")


@login_required
def new_entity(request: HttpRequest) -> HttpResponse:
    return _create(request, "entity")


@login_required
def new_link(request: HttpRequest) -> HttpResponse:
    return _create(request, "link")


# ---------------------------------------------------------------- pages with a list and forms


def _region(request: HttpRequest) -> str | None:
    return request.GET.get("region", "").strip()[:12] or None


def _year(request: HttpRequest) -> int | None:
    text = request.GET.get("year", "").strip()
    return int(text) if text.isdigit() and 2000 <= int(text) <= 2200 else None


def _work_page(
    request: HttpRequest,
    *,
    title: str,
    table: Table,
    forms_: Sequence[tuple[str, str, forms.Form]],
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    if request.GET.get("format") == "xlsx":
        return bytes_download(table.xlsx(), f"{table.title}.xlsx")
    return render(
        request,
        "programs/work.html",
        {
            "title": title,
            "table": table,
            "lines": table.lines[:500],
            "total": len(table.rows),
            "flags": sum(table.flagged),
            "forms": forms_,
            "query": request.GET.urlencode(),
            "region": request.GET.get("region", ""),
            "year": request.GET.get("year", ""),
            **(extra or {}),
        },
    )


def _posted(request: HttpRequest, key: str) -> Any:
    return request.POST if request.method == "POST" and request.POST.get("form") == key else None


@login_required
def asset_incomes(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    year = _year(request) or timezone.localdate().year
    record = f.IncomeForm(_posted(request, "income"), initial={"year": year})
    share = f.DistributeForm(_posted(request, "distribute"))
    if request.method == "POST":
        if request.POST.get("form") == "income":
            done = submit(
                record,
                lambda d: _typed(lambda: services_assets.asset_income_record(user=user, **d)),
            )
            message = "已登记资产收益"
        else:
            done = submit(
                share,
                lambda d: _typed(lambda: services_assets.asset_income_distribute(user=user, **d)),
            )
            message = "已分配到户,已计入各户当年财产性收入"
        if done.ok:
            messages.success(request, message)
            return redirect(request.get_full_path())
    qs = selectors.asset_income_list(user=user, region=_region(request), year=_year(request))
    return _work_page(
        request,
        title="资产收益与分配",
        table=tables.incomes_table(qs),
        forms_=[("income", "登记资产收益", record), ("distribute", "分配到户", share)],
        extra={"with_year": True},
    )


@login_required
def disposals(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    ask = f.DisposalForm(_posted(request, "request"))
    act = f.DisposalActForm(_posted(request, "act"))
    if request.method == "POST":
        if request.POST.get("form") == "request":
            done = submit(
                ask,
                lambda d: _typed(lambda: services_assets.asset_disposal_request(user=user, **d)),
            )
            message = "已提出处置申请,等待乡镇审核"
        else:
            done = submit(
                act, lambda d: _typed(lambda: services_assets.asset_disposal_act(user=user, **d))
            )
            message = "已办理"
        if done.ok:
            messages.success(request, message)
            return redirect(request.get_full_path())
    state = request.GET.get("state", "")
    qs = selectors.disposal_list(
        user=user, region=_region(request), state=state if state in DisposalState.values else None
    )
    # Each role sees the form it can use: the village asks, the township and county decide.
    shown: list[tuple[str, str, forms.Form]] = []
    if user.role == Role.VILLAGE:
        shown.append(("request", "提出处置申请", ask))
    if user.role in (Role.TOWNSHIP, Role.COUNTY):
        shown.append(("act", "审核处置申请", act))
    return _work_page(request, title="资产处置", table=tables.disposals_table(qs), forms_=shown)


@login_required
def checks(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    year = _year(request) or timezone.localdate().year
    rounds = list(selectors.check_round_list(user=user, region=_region(request), year=year))
    chosen = rounds[0] if rounds else None
    initial = {"round_id": chosen.pk} if chosen else {}
    open_round = f.RoundForm(_posted(request, "round"), initial={"year": year, **_own(user)})
    check = f.CheckForm(_posted(request, "check"), initial=initial)
    if request.method == "POST":
        if request.POST.get("form") == "round":
            done = submit(
                open_round,
                lambda d: _typed(lambda: services_assets.check_round_create(user=user, **d)),
            )
        else:
            done = submit(
                check, lambda d: _typed(lambda: services_assets.asset_check_record(user=user, **d))
            )
        if done.ok:
            messages.success(request, "已保存")
            return redirect(request.get_full_path())
    rows = (
        selectors.check_rows(user=user, check_round=chosen, region=_region(request))
        if chosen
        else []
    )
    shown: list[tuple[str, str, forms.Form]] = [("check", "登记清查结果", check)]
    if user.role in (Role.COUNTY, Role.CITY):
        shown.append(("round", "开始年度清查", open_round))
    figures = selectors.check_round_figures(user=user, check_round=chosen) if chosen else None
    return _work_page(
        request,
        title=f"{year}年资产年度清查",
        table=tables.check_table(rows),
        forms_=shown,
        extra={"with_year": True, "rounds": rounds, "figures": figures},
    )


@login_required
def groups(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = f.GroupForm(
        _posted(request, "group"), initial={**_own(user), "year": timezone.localdate().year}
    )
    if request.method == "POST":
        done = submit(
            form, lambda d: _typed(lambda: services_assets.village_group_create(user=user, **d))
        )
        if done.ok:
            messages.success(request, "已登记联村共建")
            return redirect(request.get_full_path())
    qs = selectors.village_group_list(user=user, region=_region(request), year=_year(request))
    counts = tables.group_counts_table(selectors.group_counts(qs))
    if request.GET.get("format") == "counts.xlsx":
        return bytes_download(counts.xlsx(), f"{counts.title}.xlsx")
    shown = [("group", "登记联村共建", form)] if user.role in (Role.COUNTY, Role.CITY) else []
    return _work_page(
        request,
        title="联村共建",
        table=tables.groups_table(qs),
        forms_=shown,
        extra={"with_year": True, "counts": counts},
    )
