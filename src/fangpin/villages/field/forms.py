"""Forms of the field pages (phone first): the visit, the farmer's report, the queue."""

from __future__ import annotations

from django import forms

from fangpin.monitoring.models import Category, RiskType

from ..models import CHECKLIST, GridLevel, PolicyLevel


class VisitForm(forms.Form):
    visited_on = forms.DateField(
        label="走访日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    met = forms.CharField(label="见到的人", max_length=64, initial="户主本人")
    concerns = forms.MultipleChoiceField(
        label="八必访:有以下情况的请勾选",
        choices=list(CHECKLIST.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    findings = forms.CharField(
        label="走访情况", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    report = forms.BooleanField(label="发现风险,上报监测对象", required=False)
    category = forms.ChoiceField(
        label="类别", choices=[("", "—"), *list(Category.choices)], required=False
    )
    risk_types = forms.MultipleChoiceField(
        label="风险类型",
        choices=RiskType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(
        label="风险说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("report"):
            if not data.get("category"):
                self.add_error("category", "上报风险请选择类别")
            if not data.get("risk_types"):
                self.add_error("risk_types", "上报风险请选择风险类型")
        return data


class GridForm(forms.Form):
    name = forms.CharField(label="网格名称", max_length=64)
    level = forms.ChoiceField(label="级别", choices=GridLevel.choices, initial=GridLevel.GROUP)
    region_code = forms.CharField(label="区划代码", max_length=12)
    parent_id = forms.TypedChoiceField(
        label="上级网格", coerce=int, required=False, empty_value=None
    )
    worker_username = forms.CharField(label="网格员账号", max_length=150, required=False)

    def __init__(self, *args: object, parents: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["parent_id"].choices = [("", "—"), *parents]  # type: ignore[attr-defined]


class PublicReportForm(forms.Form):
    name = forms.CharField(label="您的姓名", max_length=32)
    phone = forms.CharField(label="联系电话", max_length=20)
    id_number = forms.CharField(label="身份证号(可不填)", max_length=18, required=False)
    description = forms.CharField(
        label="遇到的困难", max_length=1000, widget=forms.Textarea(attrs={"rows": 4})
    )


class AcceptForm(forms.Form):
    household = forms.TypedChoiceField(label="申报农户", coerce=int)
    category = forms.ChoiceField(label="类别", choices=Category.choices)
    risk_types = forms.MultipleChoiceField(
        label="风险类型", choices=RiskType.choices, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: object, households: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["household"].choices = households  # type: ignore[attr-defined]


class DismissForm(forms.Form):
    reason = forms.CharField(label="不予受理理由", max_length=500)


class PolicyForm(forms.Form):
    department = forms.CharField(label="行业部门", max_length=64)
    title = forms.CharField(label="政策名称", max_length=200)
    level = forms.ChoiceField(label="层级", choices=PolicyLevel.choices)
    eligibility = forms.CharField(
        label="享受条件", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    benefit = forms.CharField(
        label="帮扶内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    how_to_apply = forms.CharField(
        label="办理方式", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class LiaisonForm(forms.Form):
    sector = forms.CharField(label="行业", max_length=64)
    region_code = forms.CharField(label="区划代码", max_length=12)
    name = forms.CharField(label="姓名", max_length=32)
    phone = forms.CharField(label="电话", max_length=20)
