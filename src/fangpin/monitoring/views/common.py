"""Helpers shared by the monitoring pages: the scoped case lookup, refusals explained, PDF
responses (the acting user and refusals as error pages are in `fangpin.web.pages`)."""

from __future__ import annotations

from urllib.parse import quote

from django.http import Http404, HttpRequest, HttpResponse

from fangpin.core.errors import FangpinError, NotFound
from fangpin.web.pages import request_user

from .. import selectors
from ..error_codes import ADVICE
from ..models import Case


def _case(request: HttpRequest, case_id: int) -> Case:
    try:
        return selectors.case_get(user=request_user(request), case_id=case_id)
    except NotFound as exc:
        raise Http404(exc.detail) from exc


def _refusal(exc: FangpinError) -> dict[str, str]:
    return {"detail": exc.detail, "advice": ADVICE.get(exc.code, ""), "code": exc.code}


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
