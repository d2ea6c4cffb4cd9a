"""Helpers shared by the monitoring pages: the scoped case lookup, refusals explained, PDF
responses (the acting user and refusals as error pages are in `fangpin.web.pages`)."""

from __future__ import annotations

from urllib.parse import quote

from django.http import Http404, HttpRequest, HttpResponse

from fangpin.core.errors import FangpinError, NotFound
from fangpin.web.pages import request_user

from .. import selectors
from ..guards import GuardCode
from ..models import Case

# What a cadre should do when the workflow refuses: the service says why, this says how on.
GUARD_ADVICE: dict[str, str] = {
    GuardCode.HOUSEHOLD_HAS_OPEN_CASE: "请在该户现有的监测记录上继续办理,不要重复上报。",
    GuardCode.ACTION_NOT_ALLOWED: "该记录已进入其他环节,请返回监测对象页面查看当前可办理的操作。",
    GuardCode.CASE_CHANGED: (
        "在您填写期间,他人已办理了该记录。请返回刷新页面,确认最新情况后再办理。"
    ),
    GuardCode.CONSENT_NOT_SIGNED: "请农户签署授权承诺书后勾选此项再提交;承诺书扫描件可上传到户档。",
    GuardCode.DELIBERATION_NOT_PASSED: (
        "同意票须超过参会人数的一半。未通过的,可选择「退回/不予纳入」。"
    ),
    GuardCode.NOTICE_TOO_SHORT: "请按规定的公示天数张贴公示,并按实际天数填写。",
    GuardCode.NOTICE_NOT_ENDED: "公示期满后才能审核,请到期后再办理。",
    GuardCode.CATEGORY_NEEDS_ALLEVIATED: "请退回村级,按正确的监测对象类别重新上报。",
    GuardCode.CATEGORY_NEEDS_ORDINARY: "请退回村级,按正确的监测对象类别重新上报。",
    GuardCode.INCOME_ABOVE_LINE: "请核实收入核算是否准确;确不符合条件的,请退回。",
    GuardCode.HOUSEHOLD_WITHOUT_LABOUR: "整户无劳动能力的家庭应继续落实兜底保障,保持监测帮扶。",
    GuardCode.NO_IMPLEMENTED_MEASURE: (
        "请先在帮扶措施中把已完成的措施标记为「已落实」,或选择「自然消除」。"
    ),
    GuardCode.INCOME_NOT_ABOVE_LINE: "请先录入最新收入核算;收入未稳定高于监测线的,继续帮扶。",
    GuardCode.GUARANTEE_NOT_MET: "请先解决两不愁三保障及饮水安全问题并在农户页面更新评估。",
    GuardCode.MONITORED_TOO_BRIEFLY: "纳入监测时间太短,请满规定月数后再提出风险消除。",
    GuardCode.INCOME_NOT_STABLE: "收入须连续稳定高于监测线达到规定月数,请继续监测。",
    "notice_start_too_early": "补录的公示开始日期不能早于 30 天前,请核对日期。",
    "invalid_votes": "请核对参会人数、同意票和反对票。",
    "reason_required": "请写明退回理由,便于村里和农户了解原因。",
    "invalid_risk_types": "请选择 1 至 5 项风险类型。",
}


def _case(request: HttpRequest, case_id: int) -> Case:
    try:
        return selectors.case_get(user=request_user(request), case_id=case_id)
    except NotFound as exc:
        raise Http404(exc.detail) from exc


def _refusal(exc: FangpinError) -> dict[str, str]:
    return {"detail": exc.detail, "advice": GUARD_ADVICE.get(exc.code, ""), "code": exc.code}


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
