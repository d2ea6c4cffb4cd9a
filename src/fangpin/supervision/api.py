"""Supervision API (CONTRACT §9): task list, indicator values, reports, rankings, samples;
dispatch meetings and their follow-ups. Thin."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from fangpin.auth import AuthedRequest
from fangpin.core.bounds import Count, LongText, Text16, Text200, Year
from fangpin.core.errors import BadValue, NotFound
from fangpin.core.indicators import FORMULAS
from fangpin.monitoring import clock

from . import scoring, selectors, services
from .error_codes import SupervisionCode
from .models import AssessmentSample, FollowUp, Indicator, IndicatorReport, Meeting
from .ranking import ranking_for

router = Router(tags=["督导考核"])


class ImportCountsOut(Schema):
    aspects: int
    items: int
    sub_items: int
    indicators: int


class ReportIn(Schema):
    region_code: Text16
    period: Text16
    value: Decimal
    evidence: LongText = ""


class ReportCreatedOut(Schema):
    id: int
    status: str


class ActionIn(Schema):
    comment: LongText = ""


class DecisionIn(Schema):
    decision: LongText
    owner: Text200
    deadline: dt.date
    region_code: Text16 | None = None


class MeetingIn(Schema):
    title: Text200
    held_on: dt.date
    minutes: LongText = ""
    decisions: list[DecisionIn]


class FollowUpActionIn(Schema):
    note: LongText = ""


class FindingIn(Schema):
    household_id: int
    findings: LongText


class SampleIn(Schema):
    year: Year
    villages_per_county: Count = 10
    households_per_county: Count = 300
    seed: int = Field(..., ge=0, le=2**62)
    region_code: Text16 | None = None


def _this_period() -> str:
    return f"{clock.today():%Y-%m}"


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def indicator_out(indicator: Indicator) -> dict[str, Any]:
    known = FORMULAS.get(indicator.formula) if indicator.is_computed else None
    sub = indicator.sub_item
    item = sub.parent
    return {
        "id": indicator.pk,
        "year": indicator.year,
        "region": indicator.region_id,
        "aspect": indicator.aspect.name,
        "item": item.name if item else "",
        "sub_item": sub.name,
        "name": indicator.name,
        "target": _number(indicator.target),
        "unit": indicator.unit,
        "weight": float(indicator.weight),
        "direction": indicator.direction,
        "owner": indicator.owner,
        "lead_official": indicator.lead_official,
        "schedule": indicator.schedule,
        "evidence_required": indicator.evidence_required,
        "source": indicator.source,
        "formula": indicator.formula,
        "formula_words": known.words if known else "",
    }


def report_out(report: IndicatorReport) -> dict[str, Any]:
    return {
        "id": report.pk,
        "indicator_id": report.indicator_id,
        "indicator": report.indicator.name,
        "region_code": report.region_id,
        "period": report.period,
        "value": float(report.value),
        "evidence": report.evidence,
        "status": report.status,
        "status_label": report.get_status_display(),
        "comment": report.comment,
        "submitted_at": report.submitted_at,
        "decided_at": report.decided_at,
    }


def sample_out(sample: AssessmentSample) -> dict[str, Any]:
    return {
        "id": sample.pk,
        "region_code": sample.region_id,
        "year": sample.year,
        "seed": sample.seed,
        "villages_per_county": sample.villages_per_county,
        "households_per_county": sample.households_per_county,
        "villages": [{"code": v.village_id} for v in sample.villages.all()],
        "households": [
            {"household_id": h.household_id, "stratum": h.stratum, "findings": h.findings}
            for h in sample.households.all()
        ],
        "strata": sample.strata,
    }


@router.post("/tasks/import", response=ImportCountsOut)
def tasks_import(
    request: AuthedRequest, file: File[UploadedFile], year: int | None = Form(None)
) -> dict[str, int]:
    """Import the year's task list (xlsx, CONTRACT §9 headers); all or nothing."""
    return services.tasks_import(user=request.auth, file=file, year=year or clock.today().year)


@router.get("/indicators")
def indicator_list(request: AuthedRequest, year: int | None = None) -> dict[str, Any]:
    """The task list's indicators (of the user's region and the regions above it)."""
    items = [indicator_out(i) for i in selectors.indicators(request.auth, year=year)]
    return {"items": items, "count": len(items)}


@router.get("/indicators/{indicator_id}/values")
def indicator_values(
    request: AuthedRequest,
    indicator_id: int,
    period: str | None = None,
    region: str | None = None,
) -> dict[str, Any]:
    """The indicator's value for a region and period; computed ones from the data."""
    indicator = selectors.indicator_get(request.auth, indicator_id)
    place = selectors.region_in_scope(request.auth, region)
    period = selectors.check_period(period or _this_period())
    body: dict[str, Any] = {
        "indicator_id": indicator.pk,
        "name": indicator.name,
        "region_code": place.code,
        "period": period,
        "source": indicator.source,
        "formula": indicator.formula,
        "unit": indicator.unit,
        "target": _number(indicator.target),
    }
    if indicator.is_computed:
        known = FORMULAS.get(indicator.formula)
        if known is None:
            raise BadValue("计算公式不在系统目录中", code=SupervisionCode.INDICATOR_COMPUTED)
        got = known.compute(place.code, period)
        body.update(
            value=float(got.value),
            words=known.words,
            numerator=_number(Decimal(got.numerator)) if got.numerator is not None else None,
            denominator=_number(Decimal(got.denominator)) if got.denominator is not None else None,
            records=got.records,
            report=None,
        )
    else:
        values = scoring.Values()
        values.load_reports([indicator.pk], [place.code], period)
        report = values.report(indicator, place.code, period)
        body.update(
            value=_number(values.value(indicator, place.code, period)),
            words=indicator.formula,
            numerator=None,
            denominator=None,
            records=[],
            report=report_out(report) if report else None,
        )
    scheme = scoring.scheme_for(indicator.year)
    value = body["value"]
    body["points"] = float(
        scoring.points(indicator, None if value is None else Decimal(str(value)), scheme.mapping)
    )
    return body


@router.post("/indicators/{indicator_id}/reports", response={201: ReportCreatedOut})
def report_create(request: AuthedRequest, indicator_id: int, payload: ReportIn) -> Status:
    """Report a manual indicator's value for the user's region and a period."""
    report = services.report_submit(
        user=request.auth,
        indicator_id=indicator_id,
        region_code=payload.region_code,
        period=payload.period,
        value=payload.value,
        evidence=payload.evidence,
    )
    return Status(201, {"id": report.pk, "status": report.status})


@router.get("/indicator-reports")
def report_list(
    request: AuthedRequest, region: str | None = None, status: str | None = None
) -> dict[str, Any]:
    qs = selectors.reports(request.auth, region=region, status=status)
    items = [report_out(r) for r in qs[:500]]
    return {"items": items, "count": qs.count()}


@router.post("/indicator-reports/{report_id}/actions/{action}")
def report_action(
    request: AuthedRequest, report_id: int, action: str, payload: ActionIn | None = None
) -> dict[str, Any]:
    """approve | return {comment} | reopen: by the next level up; approved = locked."""
    report = services.report_act(
        user=request.auth,
        report_id=report_id,
        action=action,
        comment=payload.comment if payload else "",
    )
    return report_out(report)


@router.get("/rankings")
def rankings(
    request: AuthedRequest,
    period: str | None = None,
    level: str = "county",
    region: str | None = None,
) -> dict[str, Any]:
    """Regions of `level` inside `region` (the user's own by default), in order of score.

    A region outside the user's answers an empty ranking, as lists do."""
    period = selectors.check_period(period or _this_period())
    try:
        place = selectors.region_in_scope(request.auth, region)
    except NotFound:
        return {"period": period, "level": level, "region_code": region, "items": []}
    result = ranking_for(place, period, level)
    return {
        "period": period,
        "level": level,
        "region_code": place.code,
        "scheme": scoring.scheme_json(result.scheme),
        "items": [s.as_json() for s in result.standings],
    }


@router.post("/assessment-samples", response={201: dict[str, Any]})
def sample_create(request: AuthedRequest, payload: SampleIn) -> Status:
    """Draw a stratified, reproducible post-assessment sample (same seed, same sample)."""
    sample = services.sample_create(
        user=request.auth,
        year=payload.year,
        villages_per_county=payload.villages_per_county,
        households_per_county=payload.households_per_county,
        seed=payload.seed,
        region_code=payload.region_code,
    )
    return Status(201, sample_out(sample))


@router.get("/assessment-samples/{sample_id}")
def sample_detail(request: AuthedRequest, sample_id: int) -> dict[str, Any]:
    return sample_out(selectors.sample_get(request.auth, sample_id))


@router.post("/assessment-samples/{sample_id}/findings")
def sample_finding(request: AuthedRequest, sample_id: int, payload: FindingIn) -> dict[str, Any]:
    """The assessors' findings for one sampled household."""
    entry = services.sample_finding_set(
        user=request.auth,
        sample_id=sample_id,
        household_id=payload.household_id,
        findings=payload.findings,
    )
    return {
        "household_id": entry.household_id,
        "stratum": entry.stratum,
        "findings": entry.findings,
    }


def follow_up_out(item: FollowUp) -> dict[str, Any]:
    return {
        "id": item.pk,
        "meeting_id": item.meeting_id,
        "meeting": item.meeting.title,
        "region_code": item.region_id,
        "decision": item.decision,
        "owner": item.owner,
        "deadline": item.deadline,
        "status": item.status,
        "status_label": item.get_status_display(),
        "overdue": item.status == "open" and item.deadline < clock.today(),
        "closed_on": item.closed_on,
        "note": item.note,
    }


def meeting_out(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.pk,
        "region_code": meeting.region_id,
        "title": meeting.title,
        "held_on": meeting.held_on,
        "minutes": meeting.minutes,
        "follow_ups": [follow_up_out(f) for f in meeting.follow_ups.all()],
    }


@router.post("/meetings", response={201: dict[str, Any]})
def meeting_create(request: AuthedRequest, payload: MeetingIn) -> Status:
    """Record a dispatch meeting; each decision becomes a follow-up with owner and deadline."""
    meeting = services.meeting_create(
        user=request.auth,
        title=payload.title,
        held_on=payload.held_on,
        minutes=payload.minutes,
        decisions=[services.Decision(**d.dict()) for d in payload.decisions],
    )
    return Status(201, meeting_out(meeting))


@router.get("/meetings")
def meeting_list(request: AuthedRequest, region: str | None = None) -> dict[str, Any]:
    qs = selectors.meetings(request.auth, region=region)
    page = qs.prefetch_related("follow_ups__meeting")[:100]
    return {"items": [meeting_out(m) for m in page], "count": qs.count()}


@router.get("/follow-ups")
def follow_up_list(
    request: AuthedRequest,
    region: str | None = None,
    status: str | None = None,
    overdue: bool = False,
) -> dict[str, Any]:
    qs = selectors.follow_ups(request.auth, region=region, status=status, overdue=overdue)
    return {"items": [follow_up_out(f) for f in qs[:500]], "count": qs.count()}


@router.post("/follow-ups/{follow_up_id}/actions/{action}")
def follow_up_action(
    request: AuthedRequest, follow_up_id: int, action: str, payload: FollowUpActionIn
) -> dict[str, Any]:
    """close {note} (办结) or reopen {note} (the meeting's region asks for it again)."""
    item = services.follow_up_act(
        user=request.auth, follow_up_id=follow_up_id, action=action, note=payload.note
    )
    return follow_up_out(item)
