"""Tables of the employment pages (one definition gives the page's table and its Excel
file) and the employment panel's rows, charts and workbook."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from fangpin.registry.models import Membership

from .models import PublicWelfareJob, SchoolType, TrainingCourse, TrainingSchool, TransferEmployment
from .selectors import money
from .selectors_employment import CountyCompliance, EmploymentPanel, TransferCounty
from .tables import Table, _label, _table, figures_xlsx


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


def labour_table(members: Iterable[Membership], today: dt.date) -> Table:
    return _table(
        "labour_force",
        "劳动力",
        [
            "户编号",
            "村",
            "人员编号",
            "姓名",
            "年龄",
            "劳动技能",
            "就业状态",
            "就业地域",
            "务工地点",
            "年度",
            "务工月数",
        ],
        members,
        lambda m: [
            m.household.number,
            m.household.village.name,
            m.person_id,
            m.person.name,
            m.person.age_on(today),
            m.person.labour or "未登记",
            m.person.employment_status or "未登记",
            m.person.work_place,
            m.person.work_place_text,
            m.person.employment_year or "",
            "" if m.person.employment_months is None else m.person.employment_months,
        ],
        lambda m: m.person.can_work and not m.person.employment_status,
        "有劳动能力而未登记就业情况",
    )


def schools_table(qs: Iterable[TrainingSchool], minimum: int) -> Table:
    return _table(
        "schools",
        "培训学校",
        ["学校编号", "学校名称", "所在县", "类型", "开设专业", "专业数", "培训班数"],
        qs,
        lambda s: [
            s.pk,
            s.name,
            s.county.name,
            _label(SchoolType, s.type),
            "、".join(s.majors),
            len(s.majors),
            getattr(s, "n_courses", 0),
        ],
        lambda s: len(s.majors) < minimum,
        f"开设专业不足{minimum}个",
    )


def compliance_table(rows: list[CountyCompliance]) -> Table:
    return _table(
        "compliance",
        "各县培训学校达标情况",
        ["县", "学校数", "专业数达标的学校", "是否达标", "还缺什么"],
        rows,
        lambda c: [
            c.county_name,
            c.schools,
            c.qualified_schools,
            "达标" if c.compliant else "未达标",
            ";".join(c.missing),
        ],
        lambda c: not c.compliant,
        "未达标",
    )


def courses_table(qs: Iterable[TrainingCourse]) -> Table:
    return _table(
        "courses",
        "培训班",
        ["培训班编号", "学校", "专业", "开班日期", "结业日期", "计划人数", "已报名"],
        qs,
        lambda c: [
            c.pk,
            c.school.name,
            c.major,
            c.starts_on,
            c.ends_on,
            c.capacity,
            getattr(c, "n_enrolled", 0),
        ],
    )


def transfers_table(qs: Iterable[TransferEmployment]) -> Table:
    return _table(
        "transfers",
        "转移就业",
        [
            "姓名",
            "村",
            "务工地点",
            "用工单位",
            "开始日期",
            "结束日期",
            "点对点",
            "交通补贴(元)",
            "补贴发放日期",
        ],
        qs,
        lambda t: [
            t.person.name,
            t.household.village.name,
            t.destination,
            t.employer,
            t.starts_on,
            t.ends_on or "",
            _yes(t.point_to_point),
            money(t.subsidy),
            t.paid_on or "未发放",
        ],
        lambda t: t.paid_on is None and t.subsidy > 0,
        "交通补贴未发放",
    )


def transfer_counties_table(rows: list[TransferCounty], year: int) -> Table:
    return _table(
        "transfer_counties",
        f"{year}年转移就业分县",
        ["县", "转移就业人次", "点对点输送", "已发交通补贴(元)", "待发补贴人次"],
        rows,
        lambda r: [
            r.county_name,
            r.transfers,
            r.point_to_point,
            money(r.subsidy_paid),
            r.subsidy_unpaid,
        ],
    )


def public_jobs_table(qs: Iterable[PublicWelfareJob], today: dt.date) -> Table:
    return _table(
        "public_jobs",
        "公益岗",
        ["姓名", "脱贫户", "岗位", "所在村", "月补贴(元)", "上岗日期", "离岗日期", "今日在岗"],
        qs,
        lambda j: [
            j.person.name,
            _yes(j.household.is_alleviated),
            j.post,
            j.village.name,
            money(j.monthly_pay),
            j.starts_on,
            j.ends_on or "",
            _yes(j.starts_on <= today and (j.ends_on is None or j.ends_on >= today)),
        ],
    )


# ---------------------------------------------------------------- the employment panel


def panel_rows(p: EmploymentPanel) -> list[tuple[str, str, Any]]:
    """(section, label, value) of every figure the employment panel shows."""
    lf = p.labour
    return [
        ("劳动力", "劳动年龄人口", lf.persons),
        ("劳动力", "有劳动能力", lf.can_work),
        ("劳动力", "已就业", lf.employed),
        *[("劳动力", f"就业状态:{k}", v) for k, v in lf.by_status.items()],
        *[("劳动力", f"就业地域:{k}", v) for k, v in lf.by_place.items()],
        ("劳动力", "务工月数合计", lf.months_total),
        ("技能培训", "培训学校", p.schools),
        ("技能培训", "县数", p.counties),
        ("技能培训", "学校达标的县", p.counties_compliant),
        ("技能培训", "当年培训班", p.courses),
        ("技能培训", "当年报名人次", p.enrolments),
        ("技能培训", "当年发证", p.certificates),
        ("转移就业", "当年转移就业人次", p.transfers_total),
        ("转移就业", "点对点输送", p.point_to_point_total),
        ("转移就业", "已发交通补贴(元)", money(p.subsidy_paid_total)),
        *[("转移就业", f"{t.county_name}转移就业人次", t.transfers) for t in p.transfers],
        ("公益岗", "在岗人数", p.public_jobs),
        ("公益岗", "其中脱贫户", p.public_jobs_alleviated),
        ("公益岗", "月补贴合计(元)", money(p.public_jobs_monthly_pay)),
    ]


def panel_charts(p: EmploymentPanel) -> list[dict[str, Any]]:
    """ECharts options: the labour force by employment status, transfers by county."""
    status = p.labour.by_status
    return [
        {
            "key": "labour",
            "title": "劳动力就业状态(人)",
            "option": {
                "tooltip": {"trigger": "item"},
                "series": [
                    {
                        "type": "pie",
                        "radius": "60%",
                        "data": [{"name": k, "value": v} for k, v in status.items()],
                    }
                ],
            },
        },
        {
            "key": "transfers",
            "title": f"{p.year}年转移就业分县(人次)",
            "option": {
                "tooltip": {"trigger": "axis"},
                "legend": {"data": ["转移就业", "点对点"]},
                "xAxis": {"type": "category", "data": [t.county_name for t in p.transfers]},
                "yAxis": {"type": "value"},
                "series": [
                    {"name": "转移就业", "type": "bar", "data": [t.transfers for t in p.transfers]},
                    {
                        "name": "点对点",
                        "type": "bar",
                        "data": [t.point_to_point for t in p.transfers],
                    },
                ],
            },
        },
    ]


def panel_xlsx(p: EmploymentPanel) -> bytes:
    return figures_xlsx("就业帮扶看板", p.name, p.region, p.year, panel_rows(p))
