"""Request and response shapes of the cases API (CONTRACT §4)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field, field_validator

from fangpin.core.bounds import (
    Count,
    Id,
    LongText,
    Text16,
    Text20,
    Text32,
    Text64,
    Text100,
    Yuan,
)

RiskTypes = list[Text16]


class CaseIn(Schema):
    household_id: Id
    channel: Text32 = Field(description="self_report | cadre_visit | department_warning")
    category: Text16 = Field(description="unstable | marginal | sudden")
    risk_types: RiskTypes = Field(
        description="1–5 项全国系统风险类型代码,如 01、0201、07", max_length=10
    )
    description: LongText = ""
    warning_id: Id | None = None
    reported_on: dt.date | None = Field(
        None,
        description="上报日期(默认今天;不晚于今天,最多补录 backdate_max_days 天;时限由此起算)",
    )
    previous_case_id: Id | None = Field(
        None,
        description=(
            "重新上报:被退回(未纳入)的同一户记录的 id。新记录与之关联,并沿用其已登记的"
            "情况说明、入户核实情况、信息比对和部门证据"
        ),
    )

    @field_validator("description", mode="before")
    @classmethod
    def _null_is_empty(cls, value: Any) -> Any:
        # An optional text sent as null means "none given", as for households.
        return "" if value is None else value


class CaseCreatedOut(Schema):
    id: int
    state: str
    deadline: dt.date
    deadline_provisional: bool


# --- action bodies: one schema per action, checked before the service runs --------------------


class ActionBody(Schema):
    model_config = ConfigDict(extra="forbid")
    version: Count | None = Field(None, description="客户端看到的版本号;与当前不一致时返回 409")
    done_on: dt.date | None = Field(
        None,
        description=(
            "办理日期(默认今天):不晚于今天,最多补录 backdate_max_days 天,"
            "不早于上一环节的日期(否则 400 date_out_of_order);公示以 starts_on 为准"
        ),
    )

    @field_validator("findings", "minutes", "opinion", mode="before", check_fields=False)
    @classmethod
    def _null_is_empty(cls, value: Any) -> Any:
        # An optional text sent as null (`minutes?`, `opinion?`) means "none given".
        return "" if value is None else value


class VerifyIn(ActionBody):
    findings: LongText = ""
    consent_signed: bool = False


class DeliberateIn(ActionBody):
    votes_total: Count
    votes_agree: Count
    votes_disagree: Count
    minutes: LongText = ""


class PublicizeIn(ActionBody):
    starts_on: dt.date | None = Field(None, description="公示开始日期,即本环节的办理日期(默认今天)")
    days: int = Field(description="公示天数(不足或过长时 400 invalid_notice_days)")


class ApproveIn(ActionBody):
    opinion: LongText = ""


class ProposeEliminationIn(ActionBody):
    mode: Text16 = Field(description="assisted | natural")


class RejectIn(ActionBody):
    reason: LongText


class ObjectIn(ActionBody):
    summary: LongText = Field(description="公示期间收到的异议内容")


class ResolveObjectionIn(ActionBody):
    resolution: LongText = Field(description="异议的核实与处理结果")


class ActionIn(Schema):
    """Any action's body (fields by action: see the workflow in the API description)."""

    model_config = ConfigDict(extra="allow")
    version: Count | None = None
    done_on: dt.date | None = None
    findings: LongText | None = None
    consent_signed: bool | None = None
    votes_total: Count | None = None
    votes_agree: Count | None = None
    votes_disagree: Count | None = None
    minutes: LongText | None = None
    starts_on: dt.date | None = None
    days: int | None = None
    opinion: LongText | None = None
    mode: Text16 | None = None
    reason: LongText | None = None
    summary: LongText | None = None
    resolution: LongText | None = None


# --- plan and measures -------------------------------------------------------------------------


class PlanIn(Schema):
    summary: LongText = ""
    helper_name: Text64 = ""
    helper_phone: Text20 = ""
    helper_unit: Text100 = ""
    contact_name: Text64 = ""
    contact_phone: Text20 = ""
    contact_unit: Text100 = ""


class MeasureIn(Schema):
    type: Text32
    content: LongText
    amount: Yuan | None = None
    starts_on: dt.date
    ends_on: dt.date | None = None
    status: Text16 = "planned"


class MeasureUpdateIn(Schema):
    status: Text16 | None = None
    ends_on: dt.date | None = None


class MeasureOut(Schema):
    id: int
    case_id: int | None
    type: str
    type_label: str
    content: str
    amount: Decimal | None
    starts_on: dt.date
    ends_on: dt.date | None
    status: str
    status_label: str


class InconsistencyOut(Schema):
    code: str
    message: str


class PlanOut(Schema):
    summary: str
    helper_name: str
    helper_phone: str
    helper_unit: str
    contact_name: str
    contact_phone: str
    contact_unit: str
    warnings: list[InconsistencyOut]


class EventOut(Schema):
    action: str
    action_label: str
    from_state: str
    to_state: str
    actor: str | None
    actor_role: str | None
    done_on: dt.date = Field(description="该环节实际办理的日期(上报日期、办理日期或公示开始日期)")
    at: dt.datetime = Field(description="录入系统的时间")
    time: dt.datetime  # the same instant under the contract's name ("actor, time, body")
    body: dict[str, Any]


class AttachmentOut(Schema):
    id: int
    kind: str
    title: str
    url: str
    uploaded_at: dt.datetime


class CaseItemOut(Schema):
    id: int
    household_id: int
    household_number: str
    head_name: str
    village_code: str
    village_name: str
    state: str
    state_label: str
    channel: str
    category: str
    category_label: str
    risk_types: list[str]
    risk_labels: list[str]
    discovered_on: dt.date
    deadline: dt.date
    deadline_provisional: bool
    overdue: bool
    version: int
    allowed_actions: list[str]


class CaseListOut(Schema):
    items: list[CaseItemOut]
    count: int = Field(description="符合条件的数量;超过 10000 时为 10000,且 count_capped 为 true")
    count_capped: bool = Field(False, description="count 是否为上限值(实际更多)")
    next_cursor: str | None = Field(
        None, description="下一页的游标(作为 cursor= 传回,按时限、编号顺序);最后一页为 null"
    )


class FieldOut(Schema):
    label: str
    value: str


class ComparisonOut(Schema):
    source: str
    source_label: str
    period: str
    batch_id: int
    date: dt.date | None
    person_id: int
    person: str
    says: str
    fields: list[FieldOut]


class PrecheckOut(Schema):
    code: str = Field(description="该环节届时拒绝的代码(与 409 的 code 相同)")
    detail: str
    step: str = Field(description="届时拒绝的环节(操作名),如 approve_county")


class CaseOut(CaseItemOut):
    description: str
    warning_id: int | None
    previous_case_id: int | None = Field(description="重新上报时:被退回的前次记录")
    next_case_id: int | None = Field(description="被退回后重新上报的记录(无则为空)")
    precheck: list[PrecheckOut] = Field(
        description="提前预审(仅提示,不拒绝):按今天的数据,后续环节将不予通过的原因"
    )
    suggested_category: str = Field(description="按该户数据建议的监测对象类别")
    notice_starts_on: dt.date | None
    notice_ends_on: dt.date | None
    identified_on: dt.date | None
    eliminated_on: dt.date | None
    elimination_mode: str
    rejected_reason: str
    objection: str = Field(description="公示期间尚未处理的异议(无则为空)")
    comparison: list[ComparisonOut] | None = Field(
        description="信息比对:入户核实后查到的成员近12个月部门数据(无则为空列表,核实前为 null)"
    )
    members_at_approval: int | None
    members_snapshot: list[dict[str, Any]]
    income_snapshot: dict[str, Any] | None
    plan: PlanOut | None
    measures: list[MeasureOut]
    consistency_warnings: list[InconsistencyOut]
    attachments: list[AttachmentOut]
    history: list[EventOut]
