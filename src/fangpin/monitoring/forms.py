"""Forms of the case pages: one per workflow action, the report form, plan and measures.

The forms only shape and type-check what a cadre typed; every rule (guards, roles, dates) is
the services' to decide, and their refusal is shown on the form.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from fangpin.core.bounds import INT32_MAX, INT64_MAX, LONG_TEXT, MAX_DAYS, MAX_YUAN
from fangpin.policy.services import parameter_int

from . import clock
from .models import Category, Channel, EliminationMode, MeasureStatus, MeasureType, RiskType

# <input type=date> takes ISO dates only, whatever the language of the page.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ActionForm(forms.Form):
    # The version the cadre saw: a change by someone else in between is refused (409).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, max_value=INT32_MAX)
    # The day the step happened (the paper trail is often entered later); the service checks it.
    done_on = forms.DateField(
        label="办理日期",
        widget=DATE,
        initial=lambda: clock.today(),
        required=False,
        help_text="按纸质材料上的实际日期填写,不能晚于今天,也不能早于上一环节",
    )

    def body(self) -> dict[str, Any]:
        """The action body the service takes (without the version; no day means today)."""
        return {
            k: v
            for k, v in self.cleaned_data.items()
            if k != "version" and not (k == "done_on" and v is None)
        }


class VerifyForm(ActionForm):
    findings = forms.CharField(
        label="核实情况",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=LONG_TEXT,
        required=False,
    )
    consent_signed = forms.BooleanField(
        label="农户已签署授权承诺书(同意查询家庭资产信息)", required=False
    )


class DeliberateForm(ActionForm):
    votes_total = forms.IntegerField(label="参会人数", min_value=1, max_value=INT32_MAX)
    votes_agree = forms.IntegerField(label="同意票", min_value=0, max_value=INT32_MAX)
    votes_disagree = forms.IntegerField(label="反对票", min_value=0, max_value=INT32_MAX)
    minutes = forms.CharField(
        label="评议记录",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LONG_TEXT,
        required=False,
    )


class PublicizeForm(ActionForm):
    done_on = None  # type: ignore[assignment]  # the notice's day is its start
    starts_on = forms.DateField(label="公示开始日期", widget=DATE)
    days = forms.IntegerField(label="公示天数", min_value=1, max_value=MAX_DAYS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["starts_on"].initial = clock.today()
        self.fields["days"].initial = parameter_int("notice_min_days")
        self.fields[
            "starts_on"
        ].help_text = "张贴纸质公示后补录的,填写实际开始日期(不能早于民主评议的日期)"


class ApproveForm(ActionForm):
    opinion = forms.CharField(
        label="审核意见",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LONG_TEXT,
        required=False,
    )


class RejectForm(ActionForm):
    reason = forms.CharField(
        label="退回理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=LONG_TEXT
    )


class ProposeEliminationForm(ActionForm):
    mode = forms.ChoiceField(
        label="消除方式", choices=EliminationMode.choices, widget=forms.RadioSelect
    )


class ObjectForm(ActionForm):
    summary = forms.CharField(
        label="异议内容", widget=forms.Textarea(attrs={"rows": 3}), max_length=LONG_TEXT
    )


class ResolveObjectionForm(ActionForm):
    resolution = forms.CharField(
        label="核实与处理结果", widget=forms.Textarea(attrs={"rows": 3}), max_length=LONG_TEXT
    )


class ReportForm(forms.Form):
    household = forms.IntegerField(widget=forms.HiddenInput, max_value=INT64_MAX)
    # A re-report: the refused case this one continues.
    previous = forms.IntegerField(widget=forms.HiddenInput, max_value=INT64_MAX, required=False)
    channel = forms.ChoiceField(label="发现渠道", choices=Channel.choices)
    category = forms.ChoiceField(label="监测对象类别", choices=Category.choices)
    risk_types = forms.MultipleChoiceField(
        label="风险类型(1–5 项)",
        choices=RiskType.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(
        label="情况说明",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LONG_TEXT,
        required=False,
    )
    reported_on = forms.DateField(
        label="上报日期",
        widget=DATE,
        initial=lambda: clock.today(),
        required=False,
        help_text="按实际发现、上报的日期填写;纳入时限由此起算",
    )


class PlanForm(forms.Form):
    helper_name = forms.CharField(label="帮扶责任人", max_length=64, required=False)
    helper_phone = forms.CharField(label="责任人电话", max_length=20, required=False)
    helper_unit = forms.CharField(label="责任人单位", max_length=100, required=False)
    contact_name = forms.CharField(label="监测联系人", max_length=64, required=False)
    contact_phone = forms.CharField(label="联系人电话", max_length=20, required=False)
    contact_unit = forms.CharField(label="联系人单位", max_length=100, required=False)
    summary = forms.CharField(
        label="帮扶计划(一户一策)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LONG_TEXT,
        required=False,
    )


class MeasureForm(forms.Form):
    type = forms.ChoiceField(label="帮扶类型", choices=MeasureType.choices)
    content = forms.CharField(
        label="帮扶内容", widget=forms.Textarea(attrs={"rows": 2}), max_length=LONG_TEXT
    )
    amount = forms.DecimalField(
        label="金额(元)",
        max_digits=12,
        decimal_places=2,
        min_value=0,
        max_value=MAX_YUAN,
        required=False,
    )
    starts_on = forms.DateField(label="开始日期", widget=DATE)
    ends_on = forms.DateField(label="结束日期", widget=DATE, required=False)
    status = forms.ChoiceField(label="状态", choices=MeasureStatus.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["starts_on"].initial = clock.today()


class AnnouncementForm(forms.Form):
    KIND_CHOICES = (("identified", "纳入监测对象"), ("eliminated", "风险消除"))
    kind = forms.ChoiceField(label="公告内容", choices=KIND_CHOICES, initial="identified")
    region = forms.ChoiceField(label="公告范围", required=False)
    date_from = forms.DateField(label="审定日期自", widget=DATE, required=False)
    date_to = forms.DateField(label="至", widget=DATE, required=False)

    def __init__(self, *args: Any, regions: list[tuple[str, str]], **kwargs: Any) -> None:
        """`regions`: (code, name) the user may announce for: their own and the next level."""
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = regions  # type: ignore[attr-defined]

    def period(self) -> tuple[dt.date, dt.date]:
        today = clock.today()
        start = self.cleaned_data.get("date_from") or today.replace(day=1)
        end = self.cleaned_data.get("date_to") or today
        return start, end
