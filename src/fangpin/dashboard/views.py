"""The statistics page (统计): ECharts charts, each with its table and Excel download.

City and county users see their whole area with a breakdown by county or township.
Township, village and read-only users get the same page for their own region (with a
breakdown by village for a township): the figures are theirs and help them, and the scoping
layer already keeps them inside their region. Department users only upload data: 403.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from fangpin.accounts.models import Role, User
from fangpin.core.errors import FangpinError
from fangpin.core.files.download import bytes_download
from fangpin.regions.models import Region
from fangpin.regions.selectors import region_get

from .attention import attention_for
from .charts import Dashboard, dashboard_for
from .exports import chart_xlsx, dashboard_xlsx


def _board(request: HttpRequest) -> Dashboard:
    user = request.user
    assert isinstance(user, User)
    if user.role == Role.DEPARTMENT:
        raise PermissionDenied("行业部门用户只上报数据,不查看监测统计")
    code = request.GET.get("region") or user.region_id or ""
    if not code:
        raise Http404()
    try:
        region: Region = region_get(user=user, code=code)
    except FangpinError as exc:
        raise Http404(exc.detail) from exc
    return dashboard_for(user=user, region=region)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    board = _board(request)
    parents: list[Region] = []
    user = request.user
    assert isinstance(user, User)
    place = board.region
    # Breadcrumb back up to the user's own region.
    while place.code != user.region_id and place.parent is not None:
        place = place.parent
        parents.insert(0, place)
    return render(
        request,
        "dashboard/home.html",
        {
            "board": board,
            "s": board.summary,
            "parents": parents,
            # 36.12%: the rate as the summary gives it (4 decimals), shown as a percentage.
            "rate_households": f"{board.summary.elimination_rate_households:.2%}",
            "rate_persons": f"{board.summary.elimination_rate_persons:.2%}",
            "attention": attention_for(board.region, timezone.localdate()),
        },
    )


@login_required
def export(request: HttpRequest, chart: str) -> HttpResponse:
    board = _board(request)
    stamp = f"{timezone.localdate():%Y%m%d}"
    if chart == "all":
        return bytes_download(dashboard_xlsx(board), f"监测统计_{board.region.name}_{stamp}.xlsx")
    found = board.chart(chart)
    if found is None:
        raise Http404("没有这个图表")
    return bytes_download(chart_xlsx(found), f"{found.title}_{board.region.name}_{stamp}.xlsx")
