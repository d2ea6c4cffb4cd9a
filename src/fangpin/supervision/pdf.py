"""The bulletin (通报): an A4 PDF in Chinese with the ranking and the overdue list, made with
the project's embedded CJK font (monitoring.pdf)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from fangpin.monitoring.pdf import _build, _p, _styles, _table
from fangpin.regions.models import Region

from .models import FollowUp
from .scoring import Standing


def bulletin_pdf(
    *,
    region: Region,
    period: str,
    standings: list[Standing],
    aspects: list[str],
    today: dt.date,
    follow_ups: Sequence[FollowUp] = (),
) -> bytes:
    st = _styles()
    year, month = period.split("-")
    title = f"{region.name}巩固拓展脱贫攻坚成果督导考核通报({year}年{int(month)}月)"
    story: list[Flowable] = [_p(title, st["title"]), Spacer(1, 4 * mm)]
    story.append(
        _p(
            f"根据{year}年度考核任务清单和评分办法,现将{year}年{int(month)}月各地考核得分和排名"
            "通报如下。得分由系统根据业务数据和已审核的填报数据计算,逾期未报事项按评分办法扣分。",
            st["indent"],
        )
    )
    story.append(Spacer(1, 3 * mm))
    story.append(_p("一、得分和排名", st["body"]))
    headers = ["名次", "地区", *aspects, "扣分", "总分"]
    rows = [
        [
            s.rank,
            s.name,
            *[f"{s.by_aspect.get(a, 0):.2f}" for a in aspects],
            f"{s.deduction:.2f}",
            f"{s.score:.2f}",
        ]
        for s in standings
    ]
    rest = 170 * mm - 12 * mm - 28 * mm - 18 * mm - 20 * mm
    each = rest / max(1, len(aspects))
    widths = [12 * mm, 28 * mm, *([each] * len(aspects)), 18 * mm, 20 * mm]
    story.append(_table(headers, rows, widths, size=9.5))
    story.append(Spacer(1, 4 * mm))
    story.append(_p("二、逾期未报事项", st["body"]))
    late = [(s.name, o["name"], o["due"]) for s in standings for o in s.overdue]
    if late:
        story.append(_table(["地区", "指标", "报送期限"], late, [35 * mm, 100 * mm, 35 * mm]))
    else:
        story.append(_p("本期无逾期未报事项。", st["indent"]))
    story.append(Spacer(1, 4 * mm))
    story.append(_p("三、逾期未办结的调度会议定事项", st["body"]))
    if follow_ups:
        rows_late = [
            [f.region.name, f.decision, f.owner, f"{f.deadline:%Y-%m-%d}"] for f in follow_ups
        ]
        story.append(
            _table(
                ["地区", "议定事项", "责任单位", "完成时限"],
                rows_late,
                [25 * mm, 80 * mm, 40 * mm, 25 * mm],
            )
        )
    else:
        story.append(_p("无逾期未办结事项。", st["indent"]))
    story.append(Spacer(1, 8 * mm))
    story.append(_p(f"{region.name}乡村振兴工作领导小组办公室", st["right"]))
    story.append(_p(f"{today:%Y年%m月%d日}", st["right"]))
    return _build(title, story)
