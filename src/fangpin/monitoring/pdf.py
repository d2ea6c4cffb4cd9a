"""A4 PDFs of the notices (reportlab), with a Chinese font that is really in the file.

A TrueType CJK font installed on the machine is always embedded (as a subset), so the PDF
shows the same on a phone viewer that has no Chinese font of its own. There is no fallback to a
non-embedded font (such a PDF shows blank boxes on those viewers): without a font the PDF is
refused with a clear error. `make demo` and `make test` install fonts-wqy-zenhei (Debian);
FANGPIN_PDF_FONT names another TrueType (.ttf/.ttc) CJK font file.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .notices import Announcement, PublicNotice, UnderstandingCard

# TrueType (glyf) CJK fonts reportlab can embed; the first that exists wins. (Noto CJK is
# CFF-flavoured OpenType, which reportlab cannot embed, so it is not listed.)
TTF_CANDIDATES: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
)
FONT_ENV = "FANGPIN_PDF_FONT"


class MissingCJKFont(RuntimeError):
    """No TrueType Chinese font to embed: the PDF would be unreadable on some viewers."""


def _candidates() -> tuple[tuple[str, int], ...]:
    chosen = os.environ.get(FONT_ENV, "")
    return ((chosen, 0), *TTF_CANDIDATES) if chosen else TTF_CANDIDATES


@cache
def cjk_font() -> str:
    """Register and return the name of the embedded Chinese font the PDFs use."""
    for path, index in _candidates():
        if Path(path).exists():
            try:
                pdfmetrics.registerFont(TTFont("FangpinCJK", path, subfontIndex=index))
            except Exception:  # noqa: S112 - a broken font file: try the next one
                continue
            return "FangpinCJK"
    raise MissingCJKFont(
        "未找到可嵌入 PDF 的中文字体:请安装 fonts-wqy-zenhei(apt-get install fonts-wqy-zenhei)"
        f",或用环境变量 {FONT_ENV} 指定一个 TrueType 中文字体文件"
    )


def _styles() -> dict[str, ParagraphStyle]:
    font = cjk_font()
    base = ParagraphStyle(
        "body", fontName=font, bulletFontName=font, fontSize=11.5, leading=19, wordWrap="CJK"
    )
    return {
        "title": ParagraphStyle(
            "title", parent=base, fontSize=20, leading=28, alignment=TA_CENTER, spaceAfter=6
        ),
        "body": base,
        "indent": ParagraphStyle("indent", parent=base, firstLineIndent=23),
        "small": ParagraphStyle("small", parent=base, fontSize=9.5, leading=14),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "cell": ParagraphStyle("cell", parent=base, fontSize=10, leading=14),
    }


def _p(text: object, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text if text is not None else "")).replace("\n", "<br/>"), style)


def _day(value: object) -> str:
    return f"{value:%Y年%m月%d日}" if value else "____年__月__日"


def _table(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    size: float = 10,
) -> Table:
    st = _styles()
    cell = ParagraphStyle("sized", parent=st["cell"], fontSize=size, leading=size * 1.4)
    data = [[_p(h, cell) for h in headers]]
    data += [[_p(c, cell) for c in row] for row in rows]
    table = Table(data, colWidths=list(widths), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), cjk_font()),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _build(title: str, story: list[Flowable]) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=title,
        author="防贫监测帮扶系统",
        initialFontName=cjk_font(),  # not Helvetica: every font in the file is embedded
    )
    doc.build(story)
    return buffer.getvalue()


def notice_pdf(notice: PublicNotice) -> bytes:
    st = _styles()
    what = "风险消除" if notice.elimination else f"纳入{notice.object_label}"
    story: list[Flowable] = [
        _p(notice.title, st["title"]),
        Spacer(1, 4 * mm),
        _p(
            f"根据防止返贫动态监测和帮扶工作有关规定,经农户申请(或干部排查、部门预警)、"
            f"入户核实、村级民主评议,拟将下列农户{what},现予以公示。",
            st["indent"],
        ),
        Spacer(1, 3 * mm),
    ]
    rows: list[list[object]] = [
        ["户主姓名", notice.head_name, "身份证号", notice.head_id],
        ["家庭人口", f"{notice.members} 人", "监测对象类别", notice.category],
        ["风险类型", "、".join(notice.risk_types), "所在村", notice.village],
    ]
    if notice.elimination:
        rows.append(["消除方式", notice.mode, "民主评议", notice.votes])
    else:
        rows.append(["情况说明", notice.reason, "民主评议", notice.votes])
    story.append(
        _table(["项目", "内容", "项目", "内容"], rows, [24 * mm, 55 * mm, 28 * mm, 63 * mm])
    )
    story += [
        Spacer(1, 4 * mm),
        _p(
            f"公示期:{_day(notice.starts_on)}至{_day(notice.ends_on)}"
            + (f"(共 {notice.days} 天)" if notice.days else ""),
            st["body"],
        ),
        Spacer(1, 2 * mm),
        _p(notice.objection, st["indent"]),
        Spacer(1, 12 * mm),
        _p(f"{notice.township}{notice.committee}", st["right"]),
        _p(_day(notice.issued_on), st["right"]),
    ]
    return _build(notice.title, story)


def announcement_pdf(ann: Announcement) -> bytes:
    st = _styles()
    eliminated = ann.kind == "eliminated"
    story: list[Flowable] = [
        _p(ann.title, st["title"]),
        Spacer(1, 3 * mm),
        _p(
            f"经村级民主评议和公示、乡镇审核、县级审定,{_day(ann.date_from)}至{_day(ann.date_to)},"
            f"{ann.region_name}共有 {len(ann.rows)} 户 {ann.persons} 人"
            f"{'标注风险消除' if eliminated else '纳入' + ann.object_label},名单公告如下。",
            st["indent"],
        ),
        Spacer(1, 3 * mm),
    ]
    last = "消除方式" if eliminated else "风险类型"
    rows = [
        [
            i,
            f"{r.township}{r.village}",
            r.head_name,
            r.head_id,
            r.members,
            r.category,
            r.mode if eliminated else r.risk_types,
            f"{r.decided_on:%Y-%m-%d}" if r.decided_on else "",
        ]
        for i, r in enumerate(ann.rows, 1)
    ]
    story.append(
        _table(
            ["序号", "乡镇村", "户主", "身份证号", "人口", "类别", last, "审定日期"],
            rows,
            [8 * mm, 24 * mm, 20 * mm, 37 * mm, 11 * mm, 26 * mm, 22 * mm, 22 * mm],
            size=9,
        )
    )
    story += [
        Spacer(1, 4 * mm),
        _p("如有异议,请向当地乡镇(街道)反映,或拨打热线 12317。", st["indent"]),
        Spacer(1, 10 * mm),
        _p(ann.issuer, st["right"]),
        _p(_day(ann.date_to), st["right"]),
    ]
    return _build(ann.title, story)


def card_pdf(card: UnderstandingCard) -> bytes:
    st = _styles()
    story: list[Flowable] = [
        _p(card.title, st["title"]),
        _p(f"{card.county}{card.township}{card.village}", st["right"]),
        Spacer(1, 3 * mm),
        _table(
            ["项目", "内容", "项目", "内容"],
            [
                ["户主", card.head_name, "身份证号", card.head_id],
                ["家庭人口", f"{card.members} 人", "类别", card.category],
                ["风险类型", "、".join(card.risk_types), "纳入日期", _day(card.identified_on)],
                ["帮扶责任人", card.helper_name, "电话", card.helper_phone],
                ["责任人单位", card.helper_unit, "监测联系人", card.contact_name],
                ["联系人电话", card.contact_phone, "联系人单位", card.contact_unit],
            ],
            [24 * mm, 55 * mm, 28 * mm, 63 * mm],
        ),
        Spacer(1, 4 * mm),
        _p("帮扶计划(一户一策)", st["body"]),
        _p(card.plan_summary or "(待制定)", st["indent"]),
        Spacer(1, 3 * mm),
        _p("帮扶措施", st["body"]),
        _table(
            ["类型", "内容", "金额(元)", "时间", "状态"],
            [[m.type, m.content, m.amount, m.period, m.status] for m in card.measures]
            or [["(暂无)", "", "", "", ""]],
            [28 * mm, 62 * mm, 22 * mm, 40 * mm, 18 * mm],
        ),
        Spacer(1, 4 * mm),
        _p(
            f"遇到困难请及时联系帮扶责任人或监测联系人,也可拨打防止返贫监测帮扶热线 "
            f"{card.hotline}。",
            st["small"],
        ),
    ]
    return _build(card.title, story)
