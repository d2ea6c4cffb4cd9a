"""HTML forms of the registry pages. They only shape input; services check and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from fangpin.core.bounds import MAX_YUAN

from .attention import Attention
from .choices import (
    Education,
    EndReason,
    Health,
    HousingGrade,
    Labour,
    Relation,
    SchoolStatus,
)

ARCHIVE_KINDS = ["申请书", "承诺授权书", "入户核实表", "评议记录", "公示照片", "证明材料", "其他"]


def _this_year() -> int:
    return timezone.localdate().year


class MoneyField(forms.DecimalField):
    def __init__(self, label: str, **kwargs: object) -> None:
        super().__init__(
            label=label,
            min_value=0,
            max_value=MAX_YUAN,
            max_digits=12,
            decimal_places=2,
            required=False,
            initial=None,
            widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
            **kwargs,  # type: ignore[arg-type]
        )


class IncomeForm(forms.Form):
    year = forms.IntegerField(
        label="年度", min_value=2000, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    wage = MoneyField("工资性收入")
    operating = MoneyField("生产经营性收入")
    property = MoneyField("财产性收入")
    transfer = MoneyField("转移性收入")
    operating_cost = MoneyField("生产经营性支出")
    insurance_payout = MoneyField("理赔收入")
    out_of_pocket_medical = MoneyField("合规自付医疗支出")
    recorded_on = forms.DateField(
        label="核算日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["year"].initial = _this_year()
        self.fields["year"].max_value = _this_year() + 1  # type: ignore[attr-defined]


class ContactForm(forms.Form):
    """The household's own phone and address (the service checks the phone)."""

    prefix = "contact"  # shares the page with MemberAddForm (both have a phone)

    phone = forms.CharField(
        label="联系电话",
        max_length=32,
        required=False,
        help_text="手机号或带区号的固定电话",
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    address = forms.CharField(label="家庭住址", max_length=200, required=False)


class GuaranteeForm(forms.Form):
    food_ok = forms.BooleanField(label="不愁吃", required=False)
    clothing_ok = forms.BooleanField(label="不愁穿", required=False)
    education_ok = forms.BooleanField(label="义务教育有保障", required=False)
    medical_ok = forms.BooleanField(label="基本医疗有保障", required=False)
    housing_grade = forms.ChoiceField(label="住房鉴定等级", choices=HousingGrade.choices)
    water_ok = forms.BooleanField(label="饮水安全有保障", required=False)
    assessed_on = forms.DateField(
        label="评估日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=[(k, k) for k in ARCHIVE_KINDS])
    title = forms.CharField(label="标题", max_length=200)
    file = forms.FileField(label="文件")


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Excel 文件(.xlsx)",
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )


def _choices(values: list[str], blank: str = "(未填)") -> list[tuple[str, str]]:
    return [("", blank), *((v, v) for v in values)]


JOIN_REASONS = ["出生", "婚入", "迁入", "收养", "其他"]


class MemberAddForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=64)
    id_number = forms.CharField(
        label="身份证号",
        max_length=24,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    relation = forms.ChoiceField(label="与户主关系", choices=_choices(Relation.values, "请选择"))
    health = forms.ChoiceField(label="健康状况", choices=_choices(Health.values), required=False)
    labour = forms.ChoiceField(label="劳动技能", choices=_choices(Labour.values), required=False)
    education = forms.ChoiceField(
        label="文化程度", choices=_choices(Education.values), required=False
    )
    school_status = forms.ChoiceField(
        label="在校生情况", choices=_choices(SchoolStatus.values), required=False
    )
    disability_grade = forms.TypedChoiceField(
        label="残疾等级",
        choices=[("", "无"), *((str(g), f"{g}级") for g in range(1, 5))],
        coerce=int,
        empty_value=None,
        required=False,
    )
    phone = forms.CharField(
        label="联系电话",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    reason = forms.ChoiceField(label="加入原因", choices=[(r, r) for r in JOIN_REASONS])
    started_on = forms.DateField(
        label="加入日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class MemberEndForm(forms.Form):
    prefix = "end"  # shares the page with MemberAddForm (both have a reason)
    person = forms.TypedChoiceField(label="成员", coerce=int)
    reason = forms.ChoiceField(
        label="退出原因",
        choices=[
            (r, r)
            for r in (EndReason.DEATH, EndReason.MARRIAGE_OUT, EndReason.MOVED_OUT, EndReason.OTHER)
        ],
    )
    ended_on = forms.DateField(
        label="退出日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    new_head = forms.TypedChoiceField(
        label="新户主(户主退出时填写)", coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args: Any, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "请选择"), *members]  # type: ignore[attr-defined]
        self.fields["new_head"].choices = [("", "(不变)"), *members]  # type: ignore[attr-defined]


class AttentionForm(forms.Form):
    person = forms.TypedChoiceField(label="成员", coerce=int)
    group = forms.ChoiceField(label="关注类别", choices=Attention.choices)
    on = forms.TypedChoiceField(
        label="登记或取消",
        choices=(("1", "登记"), ("0", "取消登记")),
        coerce=lambda v: v == "1",
        initial="1",
    )

    def __init__(self, *args: Any, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = members  # type: ignore[attr-defined]
