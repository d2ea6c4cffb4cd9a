"""Pages of the programs app (Chinese, phone friendly): the panel and one list per module,
each list with its Excel download (`?format=xlsx`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from fangpin.accounts.models import User
from fangpin.core.errors import FangpinError
from fangpin.core.files.download import bytes_download

from . import selectors, tables

PAGE_ROWS = 500


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _year(request: HttpRequest) -> int | None:
    text = request.GET.get("year", "").strip()
    return int(text) if text.isdigit() and 2000 <= int(text) <= 2200 else None


def _region(request: HttpRequest) -> str | None:
    return request.GET.get("region", "").strip() or None


@login_required
def panel(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    today = timezone.localdate()
    year = _year(request) or today.year
    try:
        board = selectors.panel(
            user=user, region=_region(request), year=year, today=today, kept=True
        )
    except FangpinError as exc:
        raise Http404(exc.detail) from exc
    if request.GET.get("format") == "xlsx":
        return bytes_download(tables.panel_xlsx(board), f"项目资金看板-{board.name}-{year}.xlsx")
    return render(
        request,
        "programs/panel.html",
        {
            "p": board,
            "rows": tables.panel_rows(board),
            "change": tables.pct(board.funds.change_rate),
            "charts": tables.panel_charts(board),
            "years": list(range(today.year, today.year - 5, -1)),
        },
    )


def _list_page(
    request: HttpRequest,
    *,
    title: str,
    build: Callable[[User], tables.Table],
    with_year: bool = False,
    flag_filter: str = "",
) -> HttpResponse:
    user = _user(request)
    table = build(user)
    if request.GET.get("format") == "xlsx":
        return bytes_download(table.xlsx(), f"{table.title}.xlsx")
    total = len(table.rows)
    context: dict[str, Any] = {
        "title": title,
        "table": table,
        "lines": table.lines[:PAGE_ROWS],
        "total": total,
        "truncated": total > PAGE_ROWS,
        "flags": sum(table.flagged),
        "with_year": with_year,
        "flag_filter": flag_filter,
        "query": request.GET.urlencode(),
        "region": request.GET.get("region", ""),
        "year": request.GET.get("year", ""),
        "flagged_only": request.GET.get("flagged") == "1",
    }
    return render(request, "programs/list.html", context)


@login_required
def funds(request: HttpRequest) -> HttpResponse:
    return _list_page(
        request,
        title="衔接资金",
        with_year=True,
        build=lambda u: tables.funds_table(
            selectors.fund_allocation_list(user=u, region=_region(request), year=_year(request))
        ),
    )


@login_required
def projects(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()

    def build(user: User) -> tables.Table:
        qs = selectors.project_list(user=user, region=_region(request), year=_year(request))
        table = tables.projects_table(qs, today)
        return _only_flagged(request, table)

    return _list_page(
        request, title="帮扶项目", with_year=True, build=build, flag_filter="只看支出滞后"
    )


@login_required
def assets(request: HttpRequest) -> HttpResponse:
    def build(user: User) -> tables.Table:
        complete = False if request.GET.get("flagged") == "1" else None
        qs = selectors.asset_list(user=user, region=_region(request), rights_complete=complete)
        return tables.assets_table(qs)

    return _list_page(request, title="项目资产", build=build, flag_filter="只看六权未明确")


@login_required
def workshops(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()

    def build(user: User) -> tables.Table:
        qs = selectors.workshop_list(user=user, region=_region(request), today=today)
        return _only_flagged(request, tables.workshops_table(qs))

    return _list_page(request, title="帮扶车间", build=build, flag_filter="只看脱贫人口不足")


@login_required
def talents(request: HttpRequest) -> HttpResponse:
    return _list_page(
        request,
        title="人才库",
        build=lambda u: tables.talents_table(
            selectors.talent_list(user=u, region=_region(request))
        ),
    )


def _only_flagged(request: HttpRequest, table: tables.Table) -> tables.Table:
    if request.GET.get("flagged") != "1":
        return table
    keep = [i for i, f in enumerate(table.flagged) if f]
    table.rows = [table.rows[i] for i in keep]
    table.flagged = [True] * len(keep)
    return table


@login_required
def three_haves(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()

    def build(user: User) -> tables.Table:
        rows = selectors.three_haves_list(user=user, region=_region(request), today=today)
        return _only_flagged(request, tables.three_haves_table(rows))

    return _list_page(request, title="三有一持续", build=build, flag_filter="只看未达到")
