"""Excel import templates of the employment half (training schools, certificates, transfer
employment, public-welfare jobs), registered into `importing.KINDS`: the same all-or-nothing
import, dry run and row-level problems as every programs template. Persons are named by their
ID number, which must be in the registry of the user's region."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fangpin.core import idcard
from fangpin.core.errors import NotFound
from fangpin.registry.models import Person

from . import services_employment as services
from .error_codes import ProgramsErrorCode as Code
from .importing import Kind, _date

if TYPE_CHECKING:
    from fangpin.accounts.models import User

YES = ("是", "1", "true", "True", "TRUE")


def _person(value: str) -> int:
    number = idcard.normalise(value)
    person = Person.objects.with_id_number(number).first() if number else None
    if person is None:
        raise NotFound("身份证号不在农户名册中", code=Code.PERSON_NOT_FOUND)
    return person.pk


def _optional_date(value: str, label: str) -> Any:
    return _date(value, label) if value else None


def _schools(user: User, r: dict[str, str]) -> Any:
    return services.school_create(
        user=user,
        name=r["学校名称"],
        county_code=r["县代码"],
        type=r["类型"],
        majors=services.majors_list(r["开设专业"]),
    )


def _certificates(user: User, r: dict[str, str]) -> Any:
    return services.certificate_add(
        user=user,
        person_id=_person(r["身份证号"]),
        kind=r["证书名称"],
        issued_on=_date(r["发证日期"], "发证日期"),
    )


def _transfers(user: User, r: dict[str, str]) -> Any:
    return services.transfer_create(
        user=user,
        person_id=_person(r["身份证号"]),
        destination=r["务工地点"],
        employer=r["用工单位"],
        starts_on=_date(r["务工开始日期"], "务工开始日期"),
        point_to_point=r.get("点对点输送", "") in YES,
        subsidy=r.get("交通补贴(元)") or 0,
        paid_on=_optional_date(r.get("补贴发放日期", ""), "补贴发放日期"),
    )


def _public_jobs(user: User, r: dict[str, str]) -> Any:
    return services.public_job_create(
        user=user,
        person_id=_person(r["身份证号"]),
        post=r["岗位"],
        village_code=r["村代码"],
        monthly_pay=r["月补贴(元)"],
        starts_on=_date(r["上岗日期"], "上岗日期"),
        ends_on=_optional_date(r.get("离岗日期", ""), "离岗日期"),
    )


KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        Kind(
            "schools",
            "培训学校",
            ("学校名称", "县代码", "类型", "开设专业"),
            frozenset({"学校名称", "县代码", "类型", "开设专业"}),
            (1,),
            _schools,
        ),
        Kind(
            "certificates",
            "技能证书",
            ("身份证号", "证书名称", "发证日期"),
            frozenset({"身份证号", "证书名称", "发证日期"}),
            (0,),
            _certificates,
        ),
        Kind(
            "transfers",
            "转移就业",
            (
                "身份证号",
                "务工地点",
                "用工单位",
                "务工开始日期",
                "点对点输送",
                "交通补贴(元)",
                "补贴发放日期",
            ),
            frozenset({"身份证号", "务工地点", "用工单位", "务工开始日期"}),
            (0,),
            _transfers,
        ),
        Kind(
            "public_jobs",
            "公益岗",
            ("身份证号", "岗位", "村代码", "月补贴(元)", "上岗日期", "离岗日期"),
            frozenset({"身份证号", "岗位", "村代码", "月补贴(元)", "上岗日期"}),
            (0, 2),
            _public_jobs,
        ),
    )
}
