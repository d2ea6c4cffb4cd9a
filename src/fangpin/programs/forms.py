"""Phone-friendly forms of the programs pages. They only check shapes (numbers, dates, choices);
the services check the rest and their refusals land on the form, next to what was typed."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms

from .models import (
    AssetClass,
    BenefitKind,
    Condition,
    DisposalKind,
    DistributionRule,
    EntityType,
    FundLevel,
    ProjectStatus,
    Purpose,
)
from .models.assets import RIGHTS
from .models.industry import EntityLevel

NUMERIC = {"inputmode": "numeric"}
DECIMAL = {"inputmode": "decimal"}
DATE = {"type": "date"}


def _year() -> forms.IntegerField:
    return forms.IntegerField(
        label="年度", min_value=2000, max_value=2200, widget=forms.NumberInput(attrs=NUMERIC)
    )


def _money(label: str, *, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={**DECIMAL, "step": "0.01"}),
    )


def _code(label: str) -> forms.CharField:
    return forms.CharField(label=label, max_length=12, widget=forms.TextInput(attrs=NUMERIC))


def _id(label: str, *, required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, required=required, min_value=1, widget=forms.NumberInput(attrs=NUMERIC)
    )


def _date(label: str) -> forms.DateField:
    return forms.DateField(label=label, required=False, widget=forms.DateInput(attrs=DATE))


class FundForm(forms.Form):
    year = _year()
    level = forms.ChoiceField(label="资金级别", choices=FundLevel.choices)
    county_code = _code("县代码")
    purpose = forms.ChoiceField(label="用途", choices=Purpose.choices)
    amount = _money("金额(元)")
    note = forms.CharField(label="文号或说明", max_length=200, required=False)


class ProjectForm(forms.Form):
    name = forms.CharField(label="项目名称", max_length=200)
    type = forms.ChoiceField(label="项目类型", choices=Purpose.choices)
    year = _year()
    village_code = _code("实施村代码")
    budget = _money("预算(元)")
    fund_allocation_id = _id("资金来源编号(可空)", required=False)
    status = forms.ChoiceField(label="状态", choices=ProjectStatus.choices)
    households_benefiting = forms.IntegerField(
        label="受益户数", min_value=0, max_value=1_000_000, initial=0, required=False
    )


class AssetForm(forms.Form):
    name = forms.CharField(label="资产名称", max_length=200)
    asset_class = forms.ChoiceField(label="资产类别", choices=AssetClass.choices)
    value = _money("资产价值(元)")
    village_code = _code("所在村代码")
    project_id = _id("来源项目编号(可空)", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in RIGHTS:
            self.fields[key] = forms.CharField(
                label=f"{label}责任方", max_length=100, required=False
            )

    def service_args(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["rights"] = {key: data.pop(key, "") for key, _ in RIGHTS}
        return data


class EntityForm(forms.Form):
    name = forms.CharField(label="名称", max_length=200)
    type = forms.ChoiceField(label="类型", choices=EntityType.choices)
    county_code = _code("县代码")
    level = forms.ChoiceField(
        label="级别", choices=[("", "无"), *EntityLevel.choices], required=False
    )
    industry = forms.CharField(label="主导产业", max_length=64, required=False)


class LinkForm(forms.Form):
    household_id = _id("农户编号(系统编号)")
    entity_id = _id("经营主体编号")
    kind = forms.ChoiceField(label="类型", choices=BenefitKind.choices)
    year = _year()
    amount = _money("金额(元)")


class IncomeForm(forms.Form):
    asset_id = _id("资产编号")
    year = _year()
    amount = _money("收益金额(元)")
    source = forms.CharField(label="收益来源", max_length=200)
    received_on = _date("收益日期(默认今天)")


SHARE_LINE = re.compile(r"^\s*(\d{1,18})\s*[,,\s]\s*(\d+(?:\.\d{1,2})?)\s*$")


class DistributeForm(forms.Form):
    income_id = _id("资产收益编号")
    rule = forms.ChoiceField(label="分配方式", choices=DistributionRule.choices)
    total = _money("平均分配总额(元,默认全部收益)", required=False)
    shares = forms.CharField(
        label="按名单分配:每行“农户编号 金额”",
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "1024 500\n1025 300"}),
    )

    def clean_shares(self) -> list[dict[str, Any]]:
        rows = []
        for n, line in enumerate(str(self.cleaned_data.get("shares") or "").splitlines(), 1):
            if not line.strip():
                continue
            found = SHARE_LINE.match(line)
            if found is None:
                raise forms.ValidationError(f"第 {n} 行应为“农户编号 金额”,如“1024 500”")
            rows.append({"household_id": int(found[1]), "amount": Decimal(found[2])})
        return rows


class DisposalForm(forms.Form):
    asset_id = _id("资产编号")
    kind = forms.ChoiceField(label="处置方式", choices=DisposalKind.choices)
    reason = forms.CharField(
        label="处置理由", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    value = _money("处置价值(元)")
    recipient = forms.CharField(label="受让或接收方(报废可空)", max_length=200, required=False)


class DisposalActForm(forms.Form):
    disposal_id = _id("处置申请编号")
    action = forms.ChoiceField(
        label="审核",
        choices=[
            ("approve_township", "乡镇审核通过"),
            ("approve_county", "县级批准"),
            ("reject", "不予批准"),
        ],
    )
    opinion = forms.CharField(label="审核意见(不予批准时必填)", max_length=500, required=False)


class RoundForm(forms.Form):
    year = _year()
    county_code = _code("县代码")


class CheckForm(forms.Form):
    round_id = _id("清查编号")
    asset_id = _id("资产编号")
    exists = forms.BooleanField(label="资产存在", required=False, initial=True)
    condition = forms.ChoiceField(label="状况", choices=Condition.choices)
    in_use = forms.BooleanField(label="正常使用", required=False, initial=True)
    rights_ok = forms.BooleanField(label="权属清晰", required=False, initial=True)
    notes = forms.CharField(label="备注", max_length=500, required=False)


CODES = re.compile(r"[\s,,、;;]+")


def _codes(text: str) -> list[str]:
    return [c for c in CODES.split(text or "") if c]


class GroupForm(forms.Form):
    name = forms.CharField(label="名称", max_length=200)
    county_code = _code("县代码")
    lead_village_code = _code("牵头村代码")
    village_codes = forms.CharField(
        label="成员村代码(空格或逗号分隔)",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    industry = forms.CharField(label="共建产业", max_length=64)
    year = _year()
    project_ids = forms.CharField(label="项目编号(可空,空格分隔)", max_length=2000, required=False)
    entity_ids = forms.CharField(
        label="经营主体编号(可空,空格分隔)", max_length=2000, required=False
    )

    def clean_village_codes(self) -> list[str]:
        return _codes(self.cleaned_data.get("village_codes", ""))

    def _ids(self, key: str) -> list[int]:
        out = []
        for text in _codes(self.cleaned_data.get(key, "")):
            if not text.isdigit() or len(text) > 18:
                raise forms.ValidationError(f"“{text}”不是编号")
            out.append(int(text))
        return out

    def clean_project_ids(self) -> list[int]:
        return self._ids("project_ids")

    def clean_entity_ids(self) -> list[int]:
        return self._ids("entity_ids")
