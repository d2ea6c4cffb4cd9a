"""Pages of the employment half of the programs app (Chinese, phone friendly): the labour
force, training, transfer employment, public-welfare jobs and the employment panel; and the
create forms of these and of workshops, workers and talents. Each list downloads as Excel
(`?format=xlsx`); each form posts to its page and goes through `fangpin.web.pages.submit`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from fangpin.accounts.models import User
from fangpin.core.errors import FangpinError
from fangpin.core.files.download import bytes_download
from fangpin.policy.services import parameter_int
from fangpin.registry import services as registry
from fangpin.web.pages import request_user, submit

from . import forms_employment as f
from . import selectors_employment as selectors
from . import services, services_employment, tables_employment
from .services import COUNTY_WRITERS, FIELD_WRITERS
from .tables import Table

PAGE_ROWS = 500


@dataclass
class FormSpec:
    """One create form of a page: who may use it, what it is called, what it does."""

    key: str
    title: str
    form: type[forms.Form]
    call: Callable[[User, dict[str, Any]], Any]
    said: str
    roles: frozenset[str] = FIELD_WRITERS


def _region(request: HttpRequest) -> str | None:
    return request.GET.get("region", "").strip() or None


def _year(request: HttpRequest) -> int | None:
    text = request.GET.get("year", "").strip()
    return int(text) if text.isdigit() and 2000 <= int(text) <= 2200 else None


def _page(
    request: HttpRequest,
    *,
    title: str,
    table: Table | None,
    specs: Sequence[FormSpec] = (),
    figures: Sequence[tuple[str, Any]] = (),
    extra: Sequence[Table] = (),
    with_year: bool = False,
) -> HttpResponse:
    """A list page with its figures, further tables, and the create forms the user may use."""
    user = request_user(request)
    if table is not None and request.GET.get("format") == "xlsx":
        return bytes_download(table.xlsx(), f"{table.title}.xlsx")
    usable = [s for s in specs if user.role in s.roles]
    posted = request.POST.get("form") if request.method == "POST" else None
    bound: dict[str, forms.Form] = {}
    for spec in usable:
        data = request.POST if posted == spec.key else None
        bound[spec.key] = spec.form(data, prefix=spec.key)
    if posted is not None:
        chosen = next((s for s in usable if s.key == posted), None)
        if chosen is None:
            raise Http404("没有这个表单")
        done = submit(bound[chosen.key], lambda d: chosen.call(user, d))
        if done.ok:
            messages.success(request, chosen.said)
            return redirect(request.get_full_path())
    total = len(table.rows) if table is not None else 0
    context = {
        "title": title,
        "table": table,
        "lines": table.lines[:PAGE_ROWS] if table is not None else [],
        "total": total,
        "truncated": total > PAGE_ROWS,
        "flags": sum(table.flagged) if table is not None else 0,
        "figures": figures,
        "extra": extra,
        "forms": [(s.key, s.title, bound[s.key]) for s in usable],
        "with_year": with_year,
        "query": request.GET.urlencode(),
        "region": request.GET.get("region", ""),
        "year": request.GET.get("year", ""),
    }
    return render(request, "programs/employment_list.html", context)


# ---------------------------------------------------------------- the labour force


def _employment_set(user: User, d: dict[str, Any]) -> Any:
    return registry.person_employment_set(
        user=user,
        household_id=d["household_id"],
        person_id=d["person_id"],
        status=d["status"],
        work_place=d["work_place"],
        work_place_text=d["work_place_text"],
        months=d["months"],
    )


@login_required
def labour_force(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    today = timezone.localdate()
    try:
        where, lf, members = selectors.labour_force(
            user=user, region=_region(request), today=today, status=request.GET.get("status")
        )
    except FangpinError as exc:
        raise Http404(exc.detail) from exc
    figures = [
        ("劳动年龄人口", lf.persons),
        ("有劳动能力", lf.can_work),
        ("已就业", lf.employed),
        *[(f"{k}", v) for k, v in lf.by_status.items()],
        *[(f"就业地域 {k}", v) for k, v in lf.by_place.items()],
    ]
    spec = FormSpec(
        "employment",
        "登记成员就业情况",
        f.EmploymentForm,
        _employment_set,
        "已更新就业情况",
        roles=frozenset({"village", "township", "county"}),
    )
    return _page(
        request,
        title=f"{where.name} 劳动力",
        table=tables_employment.labour_table(members, today),
        specs=[spec],
        figures=figures,
    )


# ---------------------------------------------------------------- training


@login_required
def training(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    minimum = parameter_int("training_min_majors")
    try:
        compliance = selectors.compliance(user=user, region=_region(request))
    except FangpinError as exc:
        raise Http404(exc.detail) from exc
    specs = [
        FormSpec(
            "school",
            "登记培训学校",
            f.SchoolForm,
            lambda u, d: services_employment.school_create(user=u, **d),
            "已登记培训学校",
            roles=COUNTY_WRITERS,
        ),
        FormSpec(
            "course",
            "开设培训班",
            f.CourseForm,
            lambda u, d: services_employment.course_create(user=u, **d),
            "已开设培训班",
            roles=COUNTY_WRITERS,
        ),
    ]
    return _page(
        request,
        title="培训学校",
        table=tables_employment.schools_table(
            selectors.school_list(user=user, region=_region(request)), minimum
        ),
        specs=specs,
        extra=[tables_employment.compliance_table(compliance)],
        figures=[
            ("县数", len(compliance)),
            ("达标的县", sum(1 for c in compliance if c.compliant)),
        ],
    )


@login_required
def courses(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    specs = [
        FormSpec(
            "enrol",
            "培训报名",
            f.EnrolForm,
            lambda u, d: services_employment.enrol(user=u, **d),
            "已报名",
        ),
        FormSpec(
            "certificate",
            "登记技能证书",
            f.CertificateForm,
            lambda u, d: services_employment.certificate_add(user=u, **d),
            "已登记证书",
        ),
    ]
    year = _year(request)
    certificates = selectors.certificate_list(user=user, region=_region(request), year=year)
    enrolments = selectors.enrolment_list(user=user, region=_region(request), year=year)
    return _page(
        request,
        title="培训班",
        table=tables_employment.courses_table(
            selectors.course_list(user=user, region=_region(request), year=year)
        ),
        specs=specs,
        figures=[("报名人次", enrolments.count()), ("发证", certificates.count())],
        with_year=True,
    )


# ---------------------------------------------------------------- transfer and public jobs


@login_required
def transfers(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    year = _year(request) or timezone.localdate().year
    try:
        where = selectors.place(user=user, code=_region(request))
    except FangpinError as exc:
        raise Http404(exc.detail) from exc
    counties = selectors.transfer_figures(selectors._prefix(user, where), year)
    spec = FormSpec(
        "transfer",
        "登记转移就业",
        f.TransferForm,
        lambda u, d: services_employment.transfer_create(
            user=u, **{**d, "subsidy": d["subsidy"] or 0}
        ),
        "已登记转移就业",
    )
    return _page(
        request,
        title="转移就业",
        table=tables_employment.transfers_table(
            selectors.transfer_list(user=user, region=_region(request), year=year)
        ),
        specs=[spec],
        extra=[tables_employment.transfer_counties_table(counties, year)],
        figures=[
            ("转移就业人次", sum(c.transfers for c in counties)),
            ("点对点输送", sum(c.point_to_point for c in counties)),
        ],
        with_year=True,
    )


@login_required
def public_jobs(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    today = timezone.localdate()
    qs = selectors.public_job_list(user=user, region=_region(request))
    spec = FormSpec(
        "public_job",
        "登记公益岗",
        f.PublicJobForm,
        lambda u, d: services_employment.public_job_create(user=u, **d),
        "已登记公益岗",
    )
    active = selectors.public_job_list(user=user, region=_region(request), active_on=today)
    return _page(
        request,
        title="公益岗",
        table=tables_employment.public_jobs_table(qs, today),
        specs=[spec],
        figures=[("今日在岗", active.count())],
    )


# ---------------------------------------------------------------- forms for workshops, talents


@login_required
def workshop_new(request: HttpRequest) -> HttpResponse:
    specs = [
        FormSpec(
            "workshop",
            "登记帮扶车间",
            f.WorkshopForm,
            lambda u, d: services.workshop_create(user=u, **d),
            "已登记帮扶车间",
        ),
        FormSpec(
            "worker",
            "车间吸纳务工人员",
            f.WorkerForm,
            lambda u, d: services.workshop_worker_add(user=u, **d),
            "已登记务工人员",
        ),
    ]
    return _page(request, title="登记帮扶车间和务工人员", table=None, specs=specs)


@login_required
def talent_new(request: HttpRequest) -> HttpResponse:
    spec = FormSpec(
        "talent",
        "登记人才",
        f.TalentForm,
        lambda u, d: services.talent_create(user=u, **d),
        "已登记人才",
    )
    return _page(request, title="登记人才", table=None, specs=[spec])


# ---------------------------------------------------------------- the panel


@login_required
def employment_panel(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    today = timezone.localdate()
    year = _year(request) or today.year
    try:
        board = selectors.employment_panel(
            user=user, region=_region(request), year=year, today=today
        )
    except FangpinError as exc:
        raise Http404(exc.detail) from exc
    if request.GET.get("format") == "xlsx":
        name = f"就业帮扶看板-{board.name}-{year}.xlsx"
        return bytes_download(tables_employment.panel_xlsx(board), name)
    return render(
        request,
        "programs/employment_panel.html",
        {
            "p": board,
            "rows": tables_employment.panel_rows(board),
            "charts": tables_employment.panel_charts(board),
            "years": list(range(today.year, today.year - 5, -1)),
        },
    )
