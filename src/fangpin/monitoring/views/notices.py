"""Printable notices: 村内公示, 明白卡 and the result announcement."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

from fangpin.core.errors import FangpinError
from fangpin.regions.selectors import region_children, region_get
from fangpin.web.pages import request_user

from .. import clock, notices, pdf, selectors
from ..forms import AnnouncementForm
from ..models import IDENTIFIED_STATES
from .common import _case, _pdf_response


@login_required
def case_notice(request: HttpRequest, case_id: int) -> HttpResponse:
    """村内公示 (A4, printable) of the case's identification or elimination."""
    case = _case(request, case_id)
    notice = notices.notice_for_case(case)
    if request.GET.get("format") == "pdf":
        return _pdf_response(pdf.notice_pdf(notice), f"{notice.title}_{notice.head_name}.pdf")
    return render(request, "monitoring/notice.html", {"case": case, "notice": notice})


@login_required
def case_card(request: HttpRequest, case_id: int) -> HttpResponse:
    """明白卡 of a monitored household."""
    case = _case(request, case_id)
    if case.state not in IDENTIFIED_STATES:
        raise Http404("尚未纳入监测,没有明白卡")
    card = notices.card_for_case(case)
    if request.GET.get("format") == "pdf":
        return _pdf_response(pdf.card_pdf(card), f"明白卡_{card.head_name}.pdf")
    return render(request, "monitoring/card.html", {"case": case, "card": card})


@login_required
def announcement(request: HttpRequest) -> HttpResponse:
    """乡镇/县级结果公告: households approved in a region over a period."""
    user = request_user(request)
    if not user.region_id:
        raise Http404()
    own = region_get(user=user, code=user.region_id)
    regions = [(own.code, own.name)] + [
        (r.code, r.name) for r in region_children(user=user, code=own.code)
    ]
    form = AnnouncementForm(request.GET or None, regions=regions)
    data = form.cleaned_data if request.GET and form.is_valid() else {}
    try:
        region = region_get(user=user, code=data.get("region") or own.code)
    except FangpinError as exc:
        raise Http404(exc.detail) from exc
    date_to = data.get("date_to") or clock.today()
    date_from = data.get("date_from") or date_to.replace(day=1)
    kind = data.get("kind") or "identified"
    result = notices.announcement(
        region=region,
        kind=kind,
        cases=selectors.case_list(user=user, region=region.code),
        date_from=date_from,
        date_to=date_to,
    )
    if request.GET.get("format") == "pdf":
        return _pdf_response(pdf.announcement_pdf(result), f"{result.title}.pdf")
    shown = {
        "kind": kind,
        "region": region.code,
        "date_from": date_from.isoformat(),
        "date_to": date_to.isoformat(),
    }
    query = QueryDict(mutable=True)
    query.update({**shown, "format": "pdf"})
    return render(
        request,
        "monitoring/announcement.html",
        {
            "form": AnnouncementForm(shown, regions=regions),
            "ann": result,
            "pdf_query": query.urlencode(),
        },
    )
