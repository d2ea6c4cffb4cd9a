"""Every error code the monitoring app answers with (the `code` of `{detail, code}`)."""

from __future__ import annotations

import enum


class MonitoringErrorCode(enum.StrEnum):
    # 409: the workflow refused (CONTRACT §4)
    HOUSEHOLD_HAS_OPEN_CASE = "household_has_open_case"
    ACTION_NOT_ALLOWED = "action_not_allowed"
    CASE_CHANGED = "case_changed"
    CONSENT_NOT_SIGNED = "consent_not_signed"
    DELIBERATION_NOT_PASSED = "deliberation_not_passed"
    NOTICE_TOO_SHORT = "notice_too_short"
    NOTICE_NOT_ENDED = "notice_not_ended"
    OBJECTION_OPEN = "objection_open"
    NO_OPEN_OBJECTION = "no_open_objection"
    CATEGORY_NEEDS_ALLEVIATED = "category_needs_alleviated"
    CATEGORY_NEEDS_ORDINARY = "category_needs_ordinary"
    GUARANTEES_NOT_ASSESSED = "guarantees_not_assessed"
    INCOME_ABOVE_LINE = "income_above_line"
    HOUSEHOLD_WITHOUT_LABOUR = "household_without_labour"
    NO_IMPLEMENTED_MEASURE = "no_implemented_measure"
    INCOME_NOT_ABOVE_LINE = "income_not_above_line"
    RIGID_SPENDING_NOT_RESOLVED = "rigid_spending_not_resolved"
    GUARANTEE_NOT_MET = "guarantee_not_met"
    MONITORED_TOO_BRIEFLY = "monitored_too_briefly"
    INCOME_NOT_STABLE = "income_not_stable"
    WARNING_NOT_OPEN = "warning_not_open"
    PREVIOUS_CASE_NOT_REFUSED = "previous_case_not_refused"
    PREVIOUS_CASE_CONTINUED = "previous_case_continued"
    # 400: a value given is wrong
    INVALID_CHANNEL = "invalid_channel"
    INVALID_CATEGORY = "invalid_category"
    INVALID_RISK_TYPES = "invalid_risk_types"
    RISK_TYPE_NEEDS_LABOUR = "risk_type_needs_labour"
    RISK_TYPE_NEEDS_STUDENT = "risk_type_needs_student"
    WARNING_HOUSEHOLD_MISMATCH = "warning_household_mismatch"
    PREVIOUS_CASE_MISMATCH = "previous_case_mismatch"
    INVALID_VOTES = "invalid_votes"
    DATE_IN_FUTURE = "date_in_future"
    DATE_TOO_FAR_BACK = "date_too_far_back"
    DATE_OUT_OF_ORDER = "date_out_of_order"
    INVALID_NOTICE_DAYS = "invalid_notice_days"
    REASON_REQUIRED = "reason_required"
    SUMMARY_REQUIRED = "summary_required"
    RESOLUTION_REQUIRED = "resolution_required"
    INVALID_MODE = "invalid_mode"
    INVALID_STATE = "invalid_state"
    INVALID_FIELD = "invalid_field"
    INVALID_DATES = "invalid_dates"
    CONTENT_REQUIRED = "content_required"
    INVALID_AMOUNT = "invalid_amount"
    INVALID_MEASURE_TYPE = "invalid_measure_type"
    INVALID_MEASURE_STATUS = "invalid_measure_status"
    INVALID_ATTACHMENT_KIND = "invalid_attachment_kind"
    # 404
    UNKNOWN_ACTION = "unknown_action"


_C = MonitoringErrorCode

# What a cadre should do when the workflow refuses: the service says why, this says how on.
ADVICE: dict[str, str] = {
    _C.HOUSEHOLD_HAS_OPEN_CASE: "请在该户现有的监测记录上继续办理,不要重复上报。",
    _C.ACTION_NOT_ALLOWED: "该记录已进入其他环节,请返回监测对象页面查看当前可办理的操作。",
    _C.CASE_CHANGED: ("在您填写期间,他人已办理了该记录。请返回刷新页面,确认最新情况后再办理。"),
    _C.CONSENT_NOT_SIGNED: "请农户签署授权承诺书后勾选此项再提交;承诺书扫描件可上传到户档。",
    _C.DELIBERATION_NOT_PASSED: ("同意票须超过参会人数的一半。未通过的,可选择「退回/不予纳入」。"),
    _C.NOTICE_TOO_SHORT: "请按规定的公示天数张贴公示,并按实际天数填写。",
    _C.NOTICE_NOT_ENDED: "公示期满后才能审核,请到期后再办理。",
    _C.CATEGORY_NEEDS_ALLEVIATED: "请退回村级,按正确的监测对象类别重新上报。",
    _C.CATEGORY_NEEDS_ORDINARY: "请退回村级,按正确的监测对象类别重新上报。",
    _C.INCOME_ABOVE_LINE: "请核实收入核算是否准确;确不符合条件的,请退回。",
    _C.HOUSEHOLD_WITHOUT_LABOUR: "整户无劳动能力的家庭应继续落实兜底保障,保持监测帮扶。",
    _C.NO_IMPLEMENTED_MEASURE: (
        "请先在帮扶措施中把已完成的措施标记为「已落实」,或选择「自然消除」。"
    ),
    _C.INCOME_NOT_ABOVE_LINE: "请先录入最新收入核算;收入未稳定高于监测线的,继续帮扶。",
    _C.GUARANTEE_NOT_MET: "请先解决两不愁三保障及饮水安全问题并在农户页面更新评估。",
    _C.MONITORED_TOO_BRIEFLY: "纳入监测时间太短,请满规定月数后再提出风险消除。",
    _C.INCOME_NOT_STABLE: "收入须连续稳定高于监测线达到规定月数,请继续监测。",
    _C.OBJECTION_OPEN: ("请村级先核实公示期间的异议,在监测对象页面登记「处理公示异议」后再审核。"),
    _C.NO_OPEN_OBJECTION: "该记录没有待处理的异议。",
    _C.GUARANTEES_NOT_ASSESSED: (
        "请在农户页面录入两不愁三保障及饮水安全评估;未评估不等于有问题,也不等于已达标。"
    ),
    _C.RIGID_SPENDING_NOT_RESOLVED: (
        "合规自付支出仍使家庭收入处于监测线以下,请继续落实医疗救助等帮扶,暂不消除风险。"
    ),
    _C.RISK_TYPE_NEEDS_LABOUR: "该户没有劳动力,请选择与家庭情况相符的风险类型。",
    _C.RISK_TYPE_NEEDS_STUDENT: "该户没有在校学生,请选择与家庭情况相符的风险类型。",
    _C.DATE_IN_FUTURE: "办理日期不能晚于今天:请在事情办完后再登记。",
    _C.DATE_TOO_FAR_BACK: "补录的办理日期超出规定的补录期限,请核对纸质材料上的日期。",
    _C.DATE_OUT_OF_ORDER: (
        "各环节须按顺序办理:办理日期不能早于上一环节的日期,请核对纸质材料上的日期。"
    ),
    _C.INVALID_VOTES: "请核对参会人数、同意票和反对票。",
    _C.REASON_REQUIRED: "请写明退回理由,便于村里和农户了解原因。",
    _C.INVALID_RISK_TYPES: "请选择 1 至 5 项风险类型。",
    _C.PREVIOUS_CASE_NOT_REFUSED: "只有未纳入(被退回)的记录可以重新上报。",
    _C.PREVIOUS_CASE_CONTINUED: "该记录已重新上报过,请在新的记录上继续办理。",
}
