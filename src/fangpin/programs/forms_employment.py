"""HTML forms of the employment pages (phone friendly). They only shape input; the services
check and write, and their refusals are shown on the form in Chinese."""

from __future__ import annotations

from django import forms

from fangpin.core.bounds import MAX_YUAN
from fangpin.registry.choices import EmploymentStatus, WorkPlace

from .models import SchoolType, WorkshopType

DATE = forms.DateInput(attrs={"type": "date"})
NUMBER = forms.NumberInput(attrs={"inputmode": "numeric"})


def _money(label: str, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_value=MAX_YUAN,
        max_digits=12,
        decimal_places=2,
        required=required,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
    )


def _id(label: str) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=1, widget=NUMBER)


def _blank(choices: list[tuple[str, str]], blank: str) -> list[tuple[str, str]]:
    return [("", blank), *choices]


class EmploymentForm(forms.Form):
    household_id = _id("农户编号(系统内编号)")
    person_id = _id("人员编号")
    status = forms.ChoiceField(label="就业状态", choices=EmploymentStatus.choices)
    work_place = forms.ChoiceField(
        label="就业地域", choices=_blank(WorkPlace.choices, "(未就业不填)"), required=False
    )
    work_place_text = forms.CharField(label="务工地点", max_length=100, required=False)
    months = forms.IntegerField(
        label="本年务工月数", min_value=0, max_value=12, required=False, widget=NUMBER
    )


class SchoolForm(forms.Form):
    name = forms.CharField(label="学校名称", max_length=200)
    county_code = forms.CharField(label="所在县代码", max_length=20, widget=NUMBER)
    type = forms.ChoiceField(label="类型", choices=SchoolType.choices)
    majors = forms.CharField(label="开设专业(用顿号分隔)", max_length=1000)


class CourseForm(forms.Form):
    school_id = _id("学校编号")
    major = forms.CharField(label="专业", max_length=64)
    starts_on = forms.DateField(label="开班日期", widget=DATE)
    ends_on = forms.DateField(label="结业日期", widget=DATE)
    capacity = forms.IntegerField(label="计划人数", min_value=1, max_value=10_000, widget=NUMBER)


class EnrolForm(forms.Form):
    course_id = _id("培训班编号")
    person_id = _id("人员编号")
    enrolled_on = forms.DateField(label="报名日期", required=False, widget=DATE)


class CertificateForm(forms.Form):
    person_id = _id("人员编号")
    kind = forms.CharField(label="证书名称", max_length=100)
    issued_on = forms.DateField(label="发证日期", widget=DATE)
    course_id = forms.IntegerField(
        label="培训班编号(可空)", min_value=1, required=False, widget=NUMBER
    )


class TransferForm(forms.Form):
    person_id = _id("人员编号")
    destination = forms.CharField(label="务工地点", max_length=100)
    employer = forms.CharField(label="用工单位", max_length=200)
    starts_on = forms.DateField(label="务工开始日期", widget=DATE)
    ends_on = forms.DateField(label="务工结束日期(可空)", required=False, widget=DATE)
    point_to_point = forms.BooleanField(label="点对点输送", required=False)
    subsidy = _money("交通补贴(元)", required=False)
    paid_on = forms.DateField(label="补贴发放日期(可空)", required=False, widget=DATE)


class PublicJobForm(forms.Form):
    person_id = _id("人员编号")
    post = forms.CharField(label="岗位", max_length=100)
    village_code = forms.CharField(label="所在村代码", max_length=20, widget=NUMBER)
    monthly_pay = _money("月补贴(元)")
    starts_on = forms.DateField(label="上岗日期", widget=DATE)
    ends_on = forms.DateField(label="离岗日期(可空)", required=False, widget=DATE)


class WorkshopForm(forms.Form):
    name = forms.CharField(label="车间名称", max_length=200)
    type = forms.ChoiceField(label="类型", choices=WorkshopType.choices)
    village_code = forms.CharField(label="所在村代码", max_length=20, widget=NUMBER)
    owner = forms.CharField(label="经营主体", max_length=200)


class WorkerForm(forms.Form):
    workshop_id = _id("车间编号")
    person_id = _id("人员编号")
    starts_on = forms.DateField(label="上岗日期", widget=DATE)
    monthly_wage = _money("月工资(元)")


class TalentForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=64)
    origin_village_code = forms.CharField(label="籍贯村代码", max_length=20, widget=NUMBER)
    skill = forms.CharField(label="专长", max_length=100)
    location = forms.CharField(label="现所在地", max_length=100, required=False)
    returned = forms.BooleanField(label="已返乡创业", required=False)
    phone = forms.CharField(
        label="联系电话",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    project = forms.CharField(label="创业项目", max_length=200, required=False)
