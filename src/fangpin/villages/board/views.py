"""Pages of the village board: problems, ratings, the village archive, rules. Thin."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from fangpin.accounts.models import Role
from fangpin.core.errors import FangpinError
from fangpin.core.files.download import bytes_download, file_download
from fangpin.regions.models import Region
from fangpin.regions.selectors import region_children, region_get
from fangpin.web.pages import raise_refusal, request_user, submit
from fangpin.web.templatetags.fangpin import short_region

from ..models import ProblemStatus, ProblemType
from . import exports, importing, selectors, services
from .rating import REASON_LABELS, criteria_active


def _region(request: HttpRequest) -> Region:
    """The region chosen on the page (default: the user's own); 404 outside it."""
    user = request_user(request)
    if not user.region_id:
        raise Http404()
    code = request.GET.get("region", "").strip() or str(user.region_id)
    try:
        return region_get(user=user, code=code)
    except FangpinError as exc:
        raise Http404(exc.detail) from exc


class ProblemForm(forms.Form):
    village_code = forms.CharField(label="村代码", max_length=12)
    household_id = forms.IntegerField(label="农户编号(可空)", required=False, min_value=1)
    round_id = forms.TypedChoiceField(
        label="普查轮次", required=False, coerce=int, empty_value=None
    )
    type = forms.ChoiceField(label="问题类型", choices=ProblemType.choices)
    description = forms.CharField(label="问题描述", max_length=5000, widget=forms.Textarea)
    responsible_unit = forms.CharField(label="责任单位", max_length=100)
    deadline = forms.DateField(label="整改时限", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, rounds: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["round_id"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "不属于普查轮次"), *rounds]


class RoundForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    region_code = forms.CharField(label="普查范围(区划代码)", max_length=12)
    starts_on = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label="结束日期", widget=forms.DateInput(attrs={"type": "date"}))


def _filters(request: HttpRequest) -> dict[str, Any]:
    status = request.GET.get("status", "")
    ptype = request.GET.get("type", "")
    round_raw = request.GET.get("round", "")
    return {
        "status": status if status in ProblemStatus.values else None,
        "type": ptype if ptype in ProblemType.values else None,
        "overdue": True if request.GET.get("overdue") == "1" else None,
        "round_id": int(round_raw) if round_raw.isdigit() and len(round_raw) < 18 else None,
    }


@login_required
def problem_list(request: HttpRequest) -> HttpResponse:
    """围村普查 problems: filters, counts by round, type, region and status, forms."""
    user = request_user(request)
    region = _region(request)
    filters = _filters(request)
    qs = selectors.problem_list(user=user, region=region.code, **filters)
    rounds = list(selectors.round_list(user=user))
    problem_form = ProblemForm(
        request.POST if request.POST.get("form") == "problem" else None,
        rounds=[(r.pk, r.name) for r in rounds],
        initial={"village_code": user.region_id if user.role == Role.VILLAGE else ""},
    )
    round_form = RoundForm(
        request.POST if request.POST.get("form") == "round" else None,
        initial={"region_code": user.region_id},
    )
    if request.method == "POST":
        if request.POST.get("form") == "round":
            done = submit(round_form, lambda d: services.round_create(user=user, **d))
            if done.ok:
                messages.success(request, "已创建普查轮次")
                return redirect("villages:problem_list")
        else:
            done_p = submit(problem_form, lambda d: services.problem_create(user=user, **d))
            if done_p.ok and done_p.value is not None:
                messages.success(request, "已登记问题")
                return redirect("villages:problem_detail", problem_id=done_p.value.pk)
    children = list(region_children(user=user, code=region.code))
    width = len(children[0].prefix) if children else 0
    names = {c.prefix: c.name for c in children}
    by_region = (
        [
            {**row, "label": names.get(row["key"], row["key"])}
            for row in _group_by_prefix(selectors.problem_counts(qs, by="village_id"), width)
        ]
        if width
        else []
    )
    round_names = {r.pk: r.name for r in rounds}
    type_labels = dict(ProblemType.choices)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    context = {
        "region": region,
        "children": children,
        "page": page,
        "today": selectors.today(),
        "filters": filters,
        "statuses": ProblemStatus.choices,
        "types": ProblemType.choices,
        "rounds": rounds,
        "by_status": selectors.problem_counts(qs, by="status"),
        "by_type": [
            {**r, "label": type_labels.get(r["key"], r["key"])}
            for r in selectors.problem_counts(qs, by="type")
        ],
        "by_round": [
            {**r, "label": round_names.get(r["key"], "未分轮次")}
            for r in selectors.problem_counts(qs, by="census_round_id")
        ],
        "by_region": by_region,
        "status_labels": dict(ProblemStatus.choices),
        "problem_form": problem_form,
        "round_form": round_form,
        "may_record": user.role in services.PROBLEM_ROLES,
        "may_start_round": user.role in services.ROUND_ROLES,
        "query": request.GET.urlencode(),
    }
    return render(request, "villages/board/problem_list.html", context)


def _group_by_prefix(rows: list[dict[str, Any]], width: int) -> list[dict[str, Any]]:
    grouped: dict[str, dict[str, Any]] = {}
    for row in rows:
        key = row["key"][:width]
        into = grouped.setdefault(key, {"key": key, **{k: 0 for k in row if k != "key"}})
        for k, v in row.items():
            if k != "key":
                into[k] += v
    return [grouped[k] for k in sorted(grouped)]


@login_required
def problem_export(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    region = _region(request)
    qs = selectors.problem_list(user=user, region=region.code, **_filters(request))
    stamp = f"{selectors.today():%Y%m%d}"
    return bytes_download(
        exports.problems_xlsx(qs, selectors.today()), f"普查问题_{region.name}_{stamp}.xlsx"
    )


@login_required
def problem_detail(request: HttpRequest, problem_id: int) -> HttpResponse:
    user = request_user(request)
    try:
        problem = selectors.problem_get(user=user, problem_id=problem_id)
    except FangpinError as exc:
        raise Http404(exc.detail) from exc
    actions = [
        (name, services.ACTION_LABELS[name])
        for name, (role, sources, _target, _why) in services.PROBLEM_ACTIONS.items()
        if user.role == role and problem.status in sources
    ]
    context = {
        "problem": problem,
        "overdue": problem.is_overdue(selectors.today()),
        "history": selectors.problem_history(problem),
        "actions": actions,
        "photos": list(problem.photos.all()),
        "may_upload": user.role in services.PROBLEM_ROLES,
    }
    return render(request, "villages/board/problem_detail.html", context)


@login_required
@require_POST
def problem_action(request: HttpRequest, problem_id: int, action: str) -> HttpResponse:
    user = request_user(request)
    version = request.POST.get("version", "")
    try:
        services.problem_act(
            user=user,
            problem_id=problem_id,
            action=action,
            measures=request.POST.get("measures", "")[:5000],
            reason=request.POST.get("reason", "")[:5000],
            version=int(version) if version.isdigit() and len(version) < 10 else None,
        )
    except FangpinError as exc:
        raise_refusal(exc)
        messages.error(request, exc.detail)
    else:
        messages.success(request, "已办理")
    return redirect("villages:problem_detail", problem_id=problem_id)


@login_required
@require_POST
def problem_photo_add(request: HttpRequest, problem_id: int) -> HttpResponse:
    user = request_user(request)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择要上传的照片或文件")
    else:
        try:
            services.problem_photo_add(
                user=user,
                problem_id=problem_id,
                file=upload,
                title=request.POST.get("title", "")[:100],
                filename=upload.name,
            )
        except FangpinError as exc:
            raise_refusal(exc)
            messages.error(request, exc.detail)
        else:
            messages.success(request, "已上传")
    return redirect("villages:problem_detail", problem_id=problem_id)


@login_required
def problem_photo(request: HttpRequest, problem_id: int, photo_id: int) -> HttpResponseBase:
    try:
        photo = selectors.problem_photo_get(
            user=request_user(request), problem_id=problem_id, photo_id=photo_id
        )
    except FangpinError as exc:
        raise Http404(exc.detail) from exc
    name = (photo.file.name or "evidence").rsplit("/", 1)[-1]
    return file_download(photo.file.open("rb"), filename=name)


@login_required
def problem_import(request: HttpRequest) -> HttpResponse:
    """Import a round's problems from Excel: a dry run lists every wrong cell; a real import
    writes all rows or none."""
    user = request_user(request)
    result = None
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        dry_run = request.POST.get("dry_run") == "1"
        round_raw = request.POST.get("round", "")
        try:
            if upload is None:
                raise services.BadValue("请选择要导入的文件", code="file_required")
            result = importing.problems_import(
                user=user,
                source=upload,
                round_id=int(round_raw) if round_raw.isdigit() and len(round_raw) < 18 else None,
                dry_run=dry_run,
            )
        except FangpinError as exc:
            raise_refusal(exc)
            error = exc.detail
        else:
            if result.ok and not dry_run:
                messages.success(request, f"已导入 {result.written} 个问题")
                return redirect("villages:problem_list")
    context = {
        "rounds": list(selectors.round_list(user=user)),
        "result": result,
        "error": error,
        "may_import": user.role in services.PROBLEM_ROLES,
        "headers": importing.HEADERS,
    }
    return render(request, "villages/board/problem_import.html", context)


@login_required
def problem_import_template(request: HttpRequest) -> HttpResponse:
    return bytes_download(importing.template_xlsx(), "普查问题导入模板.xlsx")


@login_required
def ratings(request: HttpRequest) -> HttpResponse:
    """放心村 and 标杆村 shares by county and township: chart, table, Excel."""
    user = request_user(request)
    region = _region(request)
    overview = selectors.ratings_overview(user=user, region=region.code)
    not_safe = [v for v in overview.villages if not v.safe]
    option = {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": ["放心村占比", "标杆村占比"]},
        "grid": {"left": 40, "right": 10, "bottom": 80, "containLabel": True},
        "xAxis": {
            "type": "category",
            "data": [short_region(g.name) for g in overview.groups]
            or [short_region(overview.total.name)],
            "axisLabel": {"rotate": 40},
        },
        "yAxis": {"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"}},
        "series": [
            {
                "name": name,
                "type": "bar",
                "data": [
                    float(getattr(g, attr) * 100) for g in (overview.groups or [overview.total])
                ],
            }
            for name, attr in (("放心村占比", "safe_share"), ("标杆村占比", "benchmark_share"))
        ],
    }
    context = {
        "region": region,
        "overview": overview,
        "not_safe": not_safe[:200],
        "not_safe_count": len(not_safe),
        "chart_option": json.loads(json.dumps(option)),
        "reason_labels": REASON_LABELS,
        "parent": region.parent if region.parent_id and region.code != user.region_id else None,
    }
    return render(request, "villages/board/ratings.html", context)


@login_required
def ratings_export(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    region = _region(request)
    overview = selectors.ratings_overview(user=user, region=region.code)
    stamp = f"{selectors.today():%Y%m%d}"
    return bytes_download(
        exports.ratings_xlsx(overview), f"放心村标杆村_{region.name}_{stamp}.xlsx"
    )


@login_required
def village_archive(request: HttpRequest, code: str) -> HttpResponse:
    """村档: the village's figures, rating with every reason, criteria, notices, rules."""
    user = request_user(request)
    try:
        archive = selectors.village_archive(user=user, code=code)
    except FangpinError as exc:
        raise Http404(exc.detail) from exc
    village = archive.village
    criteria = [(c, archive.rating.criteria.get(c.key)) for c in criteria_active()]
    context = {
        "a": archive,
        "village": village,
        "criteria": criteria,
        "reason_labels": REASON_LABELS,
        "status_labels": dict(ProblemStatus.choices),
        "rules": selectors.rules_for(user=user, village=village),
        "announcements": selectors.announcements_for(user=user, village=village)[:20],
        "may_confirm": user.role == Role.TOWNSHIP,
        "may_announce": user.role in services.BOARD_ROLES,
        "today": selectors.today(),
    }
    return render(request, "villages/board/village_archive.html", context)


@login_required
@require_POST
def criterion_confirm(request: HttpRequest, code: str) -> HttpResponse:
    user = request_user(request)
    try:
        services.criterion_confirm(
            user=user,
            village_code=code,
            key=request.POST.get("key", "")[:32],
            met=request.POST.get("met") == "1",
            note=request.POST.get("note", "")[:5000],
        )
    except FangpinError as exc:
        raise_refusal(exc)
        messages.error(request, exc.detail)
    else:
        messages.success(request, "已确认")
    return redirect("villages:village_archive", code=code)


class AnnouncementForm(forms.Form):
    title = forms.CharField(label="标题", max_length=100)
    body = forms.CharField(label="内容", max_length=5000, widget=forms.Textarea)
    starts_on = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(
        label="结束日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


@login_required
@require_POST
def announcement_add(request: HttpRequest, code: str) -> HttpResponse:
    user = request_user(request)
    form = AnnouncementForm(request.POST)
    done = submit(form, lambda d: services.announcement_create(user=user, village_code=code, **d))
    if done.ok:
        messages.success(request, "公告已发布")
    else:
        messages.error(
            request,
            "公告未发布:" + "; ".join(str(e) for errors in form.errors.values() for e in errors),
        )
    return redirect("villages:village_archive", code=code)


class RuleForm(forms.Form):
    region_code = forms.CharField(label="适用区划代码", max_length=12)
    title = forms.CharField(label="标题", max_length=100)
    body = forms.CharField(label="正文", max_length=20000, widget=forms.Textarea)
    effective_on = forms.DateField(
        label="施行日期", widget=forms.DateInput(attrs={"type": "date"}), initial=dt.date.today
    )
    rule_id = forms.IntegerField(label="", required=False, min_value=1, widget=forms.HiddenInput)


@login_required
def rule_list(request: HttpRequest) -> HttpResponse:
    """The rules library (制度): the user's region's and those above, every version kept."""
    user = request_user(request)
    chosen = request.GET.get("rule", "")
    rule = None
    versions: list[Any] = []
    if chosen.isdigit() and len(chosen) < 18:
        try:
            rule = selectors.rule_get(user=user, rule_id=int(chosen))
        except FangpinError as exc:
            raise Http404(exc.detail) from exc
        versions = list(rule.history.order_by("-version", "-history_date"))  # type: ignore[attr-defined]
    initial: dict[str, Any] = {"region_code": user.region_id}
    if rule is not None:
        initial = {
            "region_code": rule.region_id,
            "title": rule.title,
            "body": rule.body,
            "effective_on": rule.effective_on,
            "rule_id": rule.pk,
        }
    form = RuleForm(request.POST or None, initial=initial)
    if request.method == "POST":
        done = submit(form, lambda d: services.rule_save(user=user, **d))
        if done.ok:
            messages.success(request, "制度已保存")
            return redirect("villages:rule_list")
    rules = selectors.rule_list(user=user)
    context = {
        "rules": rules,
        "rule": rule,
        "versions": versions,
        "form": form,
        "may_edit": user.role in services.BOARD_ROLES,
    }
    return render(request, "villages/board/rule_list.html", context)


@login_required
def rule_export(request: HttpRequest) -> HttpResponse:
    rules = selectors.rule_list(user=request_user(request))
    return bytes_download(exports.rules_xlsx(rules), f"制度_{selectors.today():%Y%m%d}.xlsx")
