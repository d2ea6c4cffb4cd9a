"""Pages of supervision (督导考核): task tree with values, reports and approval, ranking with
trend and bulletin, task-list import, post-assessment samples. Thin: services and selectors do
the work."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from fangpin.accounts.models import Role
from fangpin.core.errors import FangpinError
from fangpin.core.files.download import bytes_download
from fangpin.core.indicators import FORMULAS
from fangpin.monitoring import clock
from fangpin.regions.models import Level, Region
from fangpin.web.pages import raise_refusal, request_user

from . import exports, importing, pdf, scoring, selectors, services
from .models import ReportStatus
from .ranking import ranked_regions, ranking_for
from .sampling import STRATA

TREND_PERIODS = 6
ACTION_DONE = {"approve": "已审核通过(已锁定)", "return": "已退回修改", "reopen": "已撤销审核"}


def _period(request: HttpRequest) -> str:
    return selectors.check_period(request.GET.get("period") or f"{clock.today():%Y-%m}")


def _shown(value: Decimal | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "%":
        return f"{value:.2%}"
    return f"{value.normalize():f}"


def _regions_to_choose(region: Region) -> list[Region]:
    """The user's region and the counties (or townships) directly under it."""
    return [region, *Region.objects.filter(parent=region).order_by("code")[:200]]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The task tree for a region and period, each indicator with its value and points."""
    user = request_user(request)
    period = _period(request)
    year = int(period[:4])
    place = selectors.region_in_scope(user, request.GET.get("region"))
    scheme = scoring.scheme_for(year)
    values = scoring.Values()
    indicators = list(selectors.plan_indicators(place, year))
    values.load_reports([i.pk for i in indicators if not i.is_computed], [place.code], period)
    rows: list[dict[str, Any]] = []
    for indicator in indicators:
        value = values.value(indicator, place.code, period)
        report = None if indicator.is_computed else values.report(indicator, place.code, period)
        rows.append(
            {
                "indicator": indicator,
                "item": indicator.sub_item.parent,
                "value": _shown(value, indicator.unit),
                "target": _shown(indicator.target, indicator.unit),
                "points": scoring.points(indicator, value, scheme.mapping),
                "report": report,
            }
        )
    if request.GET.get("format") == "xlsx":
        content = exports.sheet(
            [
                "方面",
                "事项",
                "子项",
                "指标",
                "目标值",
                "权重",
                "责任单位",
                "数据来源",
                "本期值",
                "得分",
            ],
            [
                [
                    r["indicator"].aspect.name,
                    r["item"].name if r["item"] else "",
                    r["indicator"].sub_item.name,
                    r["indicator"].name,
                    r["target"],
                    float(r["indicator"].weight),
                    r["indicator"].owner,
                    r["indicator"].get_source_display(),
                    r["value"],
                    float(r["points"]),
                ]
                for r in rows
            ],
            "考核指标",
        )
        return bytes_download(content, f"考核指标_{place.name}_{period}.xlsx")
    context = {
        "rows": rows,
        "period": period,
        "place": place,
        "choices": _regions_to_choose(user.region) if user.region else [],
        "total": sum((r["points"] for r in rows), Decimal(0)),
        "may_import": user.role == Role.CITY,
        "query": request.GET.urlencode(),
    }
    return render(request, "supervision/home.html", context)


@login_required
def indicator_detail(request: HttpRequest, indicator_id: int) -> HttpResponse:
    """One indicator for a region and period: formula in words, value, the records behind it;
    the owner's report form and the reports awaiting approval."""
    user = request_user(request)
    indicator = selectors.indicator_get(user, indicator_id)
    place = selectors.region_in_scope(user, request.GET.get("region"))
    period = _period(request)
    error = ""
    if request.method == "POST":
        try:
            services.report_submit(
                user=user,
                indicator_id=indicator.pk,
                region_code=place.code,
                period=period,
                value=request.POST.get("value", ""),
                evidence=request.POST.get("evidence", ""),
            )
        except FangpinError as exc:
            raise_refusal(exc)
            error = exc.detail
        else:
            messages.success(request, "已报送,等待上级审核")
            return redirect(request.get_full_path())
    computed = None
    if indicator.is_computed and indicator.formula in FORMULAS:
        computed = FORMULAS[indicator.formula].compute(place.code, period)
    reports = selectors.reports(user).filter(indicator=indicator, period=period)
    own = reports.filter(region=place).first()
    context = {
        "indicator": indicator,
        "formula": FORMULAS.get(indicator.formula) if indicator.is_computed else None,
        "computed": computed,
        "value": _shown(computed.value if computed else None, indicator.unit),
        "place": place,
        "period": period,
        "own": own,
        "reports": reports,
        "may_report": (
            not indicator.is_computed
            and user.role in (Role.COUNTY, Role.TOWNSHIP)
            and place.code == user.region_id
            and (own is None or own.status != ReportStatus.APPROVED)
        ),
        "approver_region": user.region_id if user.role in (Role.CITY, Role.COUNTY) else None,
        "error": error,
    }
    return render(request, "supervision/indicator.html", context)


@login_required
@require_POST
def report_action(request: HttpRequest, report_id: int, action: str) -> HttpResponse:
    user = request_user(request)
    try:
        services.report_act(
            user=user, report_id=report_id, action=action, comment=request.POST.get("comment", "")
        )
    except FangpinError as exc:
        raise_refusal(exc)
        messages.error(request, exc.detail)
    else:
        messages.success(request, ACTION_DONE.get(action, "已处理"))
    return redirect(request.POST.get("next") or reverse("supervision:reports"))


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    status = request.GET.get("status") or None
    reports = list(selectors.reports(user, status=status)[:500])
    if request.GET.get("format") == "xlsx":
        content = exports.sheet(
            ["期间", "地区", "指标", "填报值", "状态", "佐证材料", "审核意见", "报送时间"],
            [
                [
                    r.period,
                    r.region.name,
                    r.indicator.name,
                    float(r.value),
                    r.get_status_display(),
                    r.evidence,
                    r.comment,
                    f"{r.submitted_at:%Y-%m-%d %H:%M}",
                ]
                for r in reports
            ],
            "指标填报",
        )
        return bytes_download(content, "指标填报.xlsx")
    context = {
        "reports": reports,
        "status": status or "",
        "statuses": ReportStatus.choices,
        "approver_region": user.region_id if user.role in (Role.CITY, Role.COUNTY) else None,
        "query": request.GET.urlencode(),
    }
    return render(request, "supervision/reports.html", context)


@login_required
def rankings(request: HttpRequest) -> HttpResponse:
    """Counties (or townships) by score, with the breakdown by aspect and the trend."""
    user = request_user(request)
    period = _period(request)
    level = request.GET.get("level") or Level.COUNTY
    place = selectors.region_in_scope(user, request.GET.get("region"))
    values = scoring.Values()
    result = ranking_for(place, period, level, values=values)
    aspects = list(result.standings[0].by_aspect) if result.standings else []
    fmt = request.GET.get("format")
    if fmt == "pdf":
        content = pdf.bulletin_pdf(
            region=place,
            period=period,
            standings=result.standings,
            aspects=aspects,
            today=clock.today(),
            follow_ups=list(
                selectors.follow_ups(user, region=place.code, overdue=True).order_by("deadline")[
                    :200
                ]
            ),
        )
        return bytes_download(content, f"督导考核通报_{place.name}_{period}.pdf", "application/pdf")
    if fmt == "xlsx":
        content = exports.sheet(
            ["名次", "地区", *aspects, "扣分", "总分"],
            [
                [
                    s.rank,
                    s.name,
                    *[s.by_aspect[a] for a in aspects],
                    float(s.deduction),
                    float(s.score),
                ]
                for s in result.standings
            ],
            "考核排名",
        )
        return bytes_download(content, f"考核排名_{place.name}_{period}.xlsx")
    trend_periods = scoring.previous_periods(period, TREND_PERIODS)
    trend: dict[str, list[str]] = {s.region_code: [] for s in result.standings}
    for earlier in trend_periods:
        by_code = {
            s.region_code: s for s in ranking_for(place, earlier, level, values=values).standings
        }
        for code, scores in trend.items():
            s = by_code.get(code)
            scores.append(f"{s.score:.2f}(第{s.rank})" if s else "—")
    context = {
        "standings": [(s, trend[s.region_code]) for s in result.standings],
        "aspects": aspects,
        "trend_periods": trend_periods,
        "scheme": result.scheme,
        "period": period,
        "level": level,
        "place": place,
        "regions": len(ranked_regions(place, level)),
        "query": request.GET.urlencode(),
    }
    return render(request, "supervision/rankings.html", context)


@login_required
def task_import(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    error = ""
    problems: list[dict[str, Any]] = []
    if user.role != Role.CITY:
        return render(request, "supervision/import.html", {"refused": True}, status=403)
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            year = int(request.POST.get("year") or clock.today().year)
            if upload is None:
                raise FangpinError("请选择要上传的文件", code="task_import_invalid")
            counts = services.tasks_import(user=user, file=upload, year=year)
        except ValueError:
            error = "年度不正确"
        except FangpinError as exc:
            raise_refusal(exc)
            error = exc.detail
            problems = exc.extra or []
        else:
            messages.success(
                request,
                f"已导入{year}年任务清单:{counts['aspects']}个方面、{counts['items']}个事项、"
                f"{counts['sub_items']}个子项、{counts['indicators']}项指标",
            )
            return redirect(f"{reverse('supervision:home')}?period={year}-01")
    context = {
        "error": error,
        "problems": problems,
        "headers": importing.HEADERS,
        "optional": importing.OPTIONAL_HEADERS,
        "formulas": sorted(FORMULAS.values(), key=lambda f: f.key),
        "year": clock.today().year,
    }
    return render(request, "supervision/import.html", context)


@login_required
def task_template(request: HttpRequest) -> HttpResponse:
    content = exports.sheet(
        [*importing.HEADERS, *importing.OPTIONAL_HEADERS], importing.template_rows(), "任务清单"
    )
    return bytes_download(content, "考核任务清单模板.xlsx")


@login_required
def sample_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    error = ""
    if request.method == "POST":
        try:
            sample = services.sample_create(
                user=user,
                year=int(request.POST.get("year") or clock.today().year),
                villages_per_county=int(request.POST.get("villages_per_county") or 10),
                households_per_county=int(request.POST.get("households_per_county") or 300),
                seed=int(request.POST.get("seed") or 0),
                region_code=request.POST.get("region") or None,
            )
        except ValueError:
            error = "年度、村数、户数和随机种子都应为整数"
        except FangpinError as exc:
            raise_refusal(exc)
            error = exc.detail
        else:
            return redirect("supervision:sample_detail", sample_id=sample.pk)
    samples = list(selectors.samples(user)[:200])
    if request.GET.get("format") == "xlsx":
        content = exports.sheet(
            ["编号", "范围", "年度", "每县村数", "每县户数", "随机种子", "抽样时间"],
            [
                [
                    s.pk,
                    s.region.name,
                    s.year,
                    s.villages_per_county,
                    s.households_per_county,
                    s.seed,
                    f"{s.created_at:%Y-%m-%d %H:%M}",
                ]
                for s in samples
            ],
            "后评估抽样",
        )
        return bytes_download(content, "后评估抽样.xlsx")
    context = {
        "samples": samples,
        "may_draw": user.role in (Role.CITY, Role.COUNTY),
        "error": error,
        "year": clock.today().year,
    }
    return render(request, "supervision/samples.html", context)


@login_required
def sample_detail(request: HttpRequest, sample_id: int) -> HttpResponse:
    sample = selectors.sample_get(request_user(request), sample_id)
    if request.GET.get("format") == "xlsx":
        return bytes_download(exports.sample_xlsx(sample), f"后评估抽样_{sample.pk}.xlsx")
    households = [
        (entry, STRATA.get(entry.stratum, (entry.stratum, ""))[0])
        for entry in sample.households.select_related("household__village").order_by("position")[
            :2000
        ]
    ]
    context = {
        "sample": sample,
        "villages": sample.villages.select_related("village").order_by("position"),
        "households": households,
        "strata": sample.strata,
    }
    return render(request, "supervision/sample.html", context)


DECISION_ROWS = 5


@login_required
def meetings(request: HttpRequest) -> HttpResponse:
    """Dispatch meetings with their decisions, and the follow-ups tracked to closure."""
    user = request_user(request)
    error = ""
    if request.method == "POST":
        try:
            decisions = []
            for n in range(DECISION_ROWS):
                text = request.POST.get(f"decision_{n}", "").strip()
                if not text:
                    continue
                decisions.append(
                    services.Decision(
                        decision=text,
                        owner=request.POST.get(f"owner_{n}", ""),
                        deadline=dt.date.fromisoformat(request.POST.get(f"deadline_{n}", "")),
                        region_code=request.POST.get(f"region_{n}") or None,
                    )
                )
            services.meeting_create(
                user=user,
                title=request.POST.get("title", ""),
                held_on=dt.date.fromisoformat(request.POST.get("held_on", "")),
                minutes=request.POST.get("minutes", ""),
                decisions=decisions,
            )
        except ValueError:
            error = "日期格式不正确"
        except FangpinError as exc:
            raise_refusal(exc)
            error = exc.detail
        else:
            messages.success(request, "调度会已登记,议定事项已分解到责任单位")
            return redirect("supervision:meetings")
    status = request.GET.get("status") or None
    overdue = request.GET.get("overdue") == "1"
    items = list(selectors.follow_ups(user, status=status, overdue=overdue)[:500])
    today = clock.today()
    if request.GET.get("format") == "xlsx":
        content = exports.sheet(
            ["会议", "会议日期", "议定事项", "责任单位", "地区", "完成时限", "状态", "办理情况"],
            [
                [
                    f.meeting.title,
                    f"{f.meeting.held_on:%Y-%m-%d}",
                    f.decision,
                    f.owner,
                    f.region.name,
                    f"{f.deadline:%Y-%m-%d}",
                    f.get_status_display()
                    + ("(逾期)" if f.deadline < today and f.status == "open" else ""),
                    f.note,
                ]
                for f in items
            ],
            "议定事项",
        )
        return bytes_download(content, "调度会议定事项.xlsx")
    context = {
        "follow_ups": [(f, f.status == "open" and f.deadline < today) for f in items],
        "meetings": selectors.meetings(user)[:20],
        "may_hold": user.role in (Role.CITY, Role.COUNTY),
        "regions": _regions_to_choose(user.region) if user.region else [],
        "rows": range(DECISION_ROWS),
        "error": error,
        "status": status or "",
        "overdue": overdue,
        "today": today,
    }
    return render(request, "supervision/meetings.html", context)


@login_required
@require_POST
def follow_up_action(request: HttpRequest, follow_up_id: int, action: str) -> HttpResponse:
    try:
        services.follow_up_act(
            user=request_user(request),
            follow_up_id=follow_up_id,
            action=action,
            note=request.POST.get("note", ""),
        )
    except FangpinError as exc:
        raise_refusal(exc)
        messages.error(request, exc.detail)
    else:
        messages.success(request, "已办结" if action == "close" else "已要求重新办理")
    return redirect("supervision:meetings")
