"""Request and response shapes of the cases API (CONTRACT §4)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field, field_validator


class CaseIn(Schema):
    household_id: int
    channel: str = Field(description="self_report | cadre_visit | department_warning")
    category: str = Field(description="unstable | marginal | sudden")
    risk_types: list[str] = Field(description="1–5 项全国系统风险类型代码,如 01、0201、07")
    description: str = ""
    warning_id: int | None = None

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
    version: int | None = Field(None, description="客户端看到的版本号;与当前不一致时返回 409")

    @field_validator("findings", "minutes", "opinion", mode="before", check_fields=False)
    @classmethod
    def _null_is_empty(cls, value: Any) -> Any:
        # An optional text sent as null (`minutes?`, `opinion?`) means "none given".
        return "" if value is None else value


class VerifyIn(ActionBody):
    findings: str = ""
    consent_signed: bool = False


class DeliberateIn(ActionBody):
    votes_total: int
    votes_agree: int
    votes_disagree: int
    minutes: str = ""


class PublicizeIn(ActionBody):
    starts_on: dt.date
    days: int


class ApproveIn(ActionBody):
    opinion: str = ""


class ProposeEliminationIn(ActionBody):
    mode: str = Field(description="assisted | natural")


class RejectIn(ActionBody):
    reason: str


class ObjectIn(ActionBody):
    summary: str = Field(description="公示期间收到的异议内容")


class ResolveObjectionIn(ActionBody):
    resolution: str = Field(description="异议的核实与处理结果")


class ActionIn(Schema):
    """Any action's body (fields by action: see the workflow in the API description)."""

    model_config = ConfigDict(extra="allow")
    version: int | None = None
    findings: str | None = None
    consent_signed: bool | None = None
    votes_total: int | None = None
    votes_agree: int | None = None
    votes_disagree: int | None = None
    minutes: str | None = None
    starts_on: dt.date | None = None
    days: int | None = None
    opinion: str | None = None
    mode: str | None = None
    reason: str | None = None
    summary: str | None = None
    resolution: str | None = None


# --- plan and measures -------------------------------------------------------------------------


class PlanIn(Schema):
    summary: str = ""
    helper_name: str = ""
    helper_phone: str = ""
    helper_unit: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_unit: str = ""


class MeasureIn(Schema):
    type: str
    content: str
    amount: Decimal | None = None
    starts_on: dt.date
    ends_on: dt.date | None = None
    status: str = "planned"


class MeasureUpdateIn(Schema):
    status: str | None = None
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
    at: dt.datetime
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
    count: int


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


class CaseOut(CaseItemOut):
    description: str
    warning_id: int | None
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
