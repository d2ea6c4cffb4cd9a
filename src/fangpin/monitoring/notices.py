"""What the printed notices say: the village 公示, the township/county 公告 and the 明白卡.

Each builder returns plain data that both the A4 HTML page and the PDF render, so the two
never disagree. Notices are posted in public: ID numbers are always masked here, whoever
prints them, and phones of households too (a helper's work phone is shown in full: the
household must be able to call it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet

from fangpin.core.idcard import mask
from fangpin.policy.services import Terms, term
from fangpin.regions.models import Level, Region
from fangpin.registry.models import Household

from . import clock, selectors
from .models import ELIMINATION_STATES, Case, EliminationMode, Measure, Plan, RiskType, State

HOTLINE = "12317"
OBJECTION_TEXT = (
    "公示期间,如对公示内容有异议,可以书面、电话或当面向村党支部、村民委员会或乡镇(街道)"
    f"反映,也可拨打全国防止返贫监测帮扶热线 {HOTLINE}。反映问题须实事求是,"
    "我们将依法依规调查核实并及时答复。"
)


def object_label(on: dt.date) -> str:
    """The monitored object's name in force on `on` (防止返贫致贫对象 from 2026)."""
    return term("monitored_object", on)


def category_label(category: str, on: dt.date, terms: Terms | None = None) -> str:
    return (terms or Terms()).get(f"category.{category}", on)


def risk_labels(codes: list[str]) -> list[str]:
    return [str(RiskType(code).label) for code in codes if code in RiskType.values]


def head_of(household: Household) -> tuple[str, str]:
    """The household head's name and masked ID number."""
    for membership in household.current_memberships():
        if membership.relation == "户主":
            return membership.person.name, mask(membership.person.id_number)
    return household.head_name, ""


COMMITTEE_SUFFIXES = (("村民委员会", ""), ("居民委员会", ""), ("村委会", ""), ("居委会", ""))


def short_place(name: str) -> str:
    """The place a committee serves: 周庄村村民委员会 -> 周庄村 (official names carry both)."""
    for suffix, replacement in COMMITTEE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)] + replacement
    return name


def committee_of(village: Region) -> str:
    """Who signs a village notice: the village committee, by its official name."""
    return village.name if village.name.endswith("委员会") else f"{village.name}村民委员会"


def place_names(village: Region) -> tuple[str, str, str]:
    """County, township and village names of a village (two parent lookups at most)."""
    township = village.parent
    county = township.parent if township is not None else None
    return (
        county.name if county is not None else "",
        township.name if township is not None else "",
        short_place(village.name),
    )


@dataclass
class PublicNotice:
    """村内公示 of one household's identification or risk elimination."""

    elimination: bool
    title: str
    county: str
    township: str
    village: str
    committee: str
    head_name: str
    head_id: str
    members: int
    category: str
    risk_types: list[str]
    reason: str
    mode: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    days: int | None
    deliberated_on: dt.date | None
    votes: str
    object_label: str = ""
    objection: str = OBJECTION_TEXT
    issued_on: dt.date | None = None


def _latest_event(case: Case, action: str, elimination: bool) -> dict[str, object] | None:
    """The body (plus time) of the newest `action` event of the stage (identification or not)."""
    for event in reversed(list(case.events.all())):
        in_elimination = event.from_state in ELIMINATION_STATES or event.from_state == (
            State.MONITORED
        )
        if event.action == action and in_elimination == elimination:
            return {**event.body, "_at": event.at}
    return None


def notice_for_case(case: Case) -> PublicNotice:
    """The 公示 for the stage the case is in (or last went through)."""
    elimination = case.state in ELIMINATION_STATES or case.state == State.ELIMINATED
    household = case.household
    county, township, village = place_names(case.village)
    name, id_masked = head_of(household)
    publicized = _latest_event(case, "publicize", elimination)
    deliberated = _latest_event(case, "deliberate", elimination)
    starts = ends = None
    days = None
    if publicized is not None:
        starts = dt.date.fromisoformat(str(publicized["starts_on"]))
        days = int(str(publicized["days"]))
        ends = starts + dt.timedelta(days=days - 1)
    votes = ""
    deliberated_on = None
    if deliberated is not None:
        votes = (
            f"应到(参会){deliberated['votes_total']} 人,同意 {deliberated['votes_agree']} 票,"
            f"反对 {deliberated['votes_disagree']} 票"
        )
        at = deliberated["_at"]
        deliberated_on = at.date() if isinstance(at, dt.datetime) else None
    # A notice speaks the policy's words of its own date.
    on = starts or clock.today()
    label = object_label(on)
    kind = "风险消除" if elimination else f"{label}识别纳入"
    return PublicNotice(
        elimination=elimination,
        title=f"{village}{kind}公示",
        county=county,
        township=township,
        village=village,
        committee=committee_of(case.village),
        head_name=name,
        head_id=id_masked,
        members=household.member_count,
        category=category_label(case.category, on),
        risk_types=risk_labels(case.risk_types),
        reason=case.description,
        mode=(EliminationMode(case.elimination_mode).label if case.elimination_mode else ""),
        starts_on=starts,
        ends_on=ends,
        days=days,
        deliberated_on=deliberated_on,
        votes=votes,
        object_label=label,
        issued_on=starts,
    )


@dataclass
class AnnouncementRow:
    township: str
    village: str
    head_name: str
    head_id: str
    members: int
    category: str
    risk_types: str
    decided_on: dt.date | None
    mode: str


@dataclass
class Announcement:
    """乡镇/县级结果公告: the households approved in a region over a period."""

    title: str
    issuer: str
    kind: str
    region_name: str
    date_from: dt.date
    date_to: dt.date
    rows: list[AnnouncementRow] = field(default_factory=list)
    persons: int = 0
    object_label: str = ""


def announcement(
    *, region: Region, kind: str, cases: QuerySet[Case], date_from: dt.date, date_to: dt.date
) -> Announcement:
    """List the cases decided in [date_from, date_to]; `cases` is already scoped."""
    eliminated = kind == "eliminated"
    if eliminated:
        chosen = cases.filter(
            state=State.ELIMINATED, eliminated_on__gte=date_from, eliminated_on__lte=date_to
        ).order_by("village_id", "eliminated_on", "id")
    else:
        chosen = cases.filter(identified_on__gte=date_from, identified_on__lte=date_to).order_by(
            "village_id", "identified_on", "id"
        )
    chosen = chosen.select_related("village__parent").prefetch_related(
        "household__memberships__person"
    )
    rows: list[AnnouncementRow] = []
    terms = Terms()
    for case in chosen:
        head = next(
            (
                m.person
                for m in case.household.memberships.all()
                if m.relation == "户主" and m.ended_on is None
            ),
            None,
        )
        township = case.village.parent
        members = case.members_at_approval or case.household.member_count
        rows.append(
            AnnouncementRow(
                township=township.name if township is not None else "",
                village=short_place(case.village.name),
                head_name=head.name if head is not None else case.household.head_name,
                head_id=mask(head.id_number) if head is not None else "",
                members=members,
                category=category_label(
                    case.category,
                    (case.eliminated_on if eliminated else case.identified_on) or date_to,
                    terms,
                ),
                risk_types="、".join(risk_labels(case.risk_types)),
                decided_on=case.eliminated_on if eliminated else case.identified_on,
                mode=EliminationMode(case.elimination_mode).label if case.elimination_mode else "",
            )
        )
    label = terms.get("monitored_object", date_to)
    what = "风险消除" if eliminated else f"{label}识别纳入"
    issuer = {
        Level.TOWNSHIP: f"{region.name}人民政府",
        Level.COUNTY: f"{region.name}乡村振兴工作领导小组办公室",
        Level.CITY: f"{region.name}乡村振兴工作领导小组办公室",
    }.get(Level(region.level), region.name)
    return Announcement(
        title=f"{region.name}{what}结果公告",
        issuer=issuer,
        kind=kind,
        region_name=region.name,
        date_from=date_from,
        date_to=date_to,
        rows=rows,
        persons=sum(r.members for r in rows),
        object_label=label,
    )


@dataclass
class CardMeasure:
    type: str
    content: str
    amount: str
    period: str
    status: str


@dataclass
class UnderstandingCard:
    """明白卡: what a monitored household should know about its own assistance."""

    title: str
    county: str
    township: str
    village: str
    head_name: str
    head_id: str
    members: int
    category: str
    risk_types: list[str]
    identified_on: dt.date | None
    plan_summary: str
    helper_name: str
    helper_phone: str
    helper_unit: str
    contact_name: str
    contact_phone: str
    contact_unit: str
    measures: list[CardMeasure]
    hotline: str = HOTLINE


def _measure_row(m: Measure) -> CardMeasure:
    period = f"{m.starts_on:%Y-%m-%d} 起"
    if m.ends_on:
        period = f"{m.starts_on:%Y-%m-%d} 至 {m.ends_on:%Y-%m-%d}"
    return CardMeasure(
        type=m.get_type_display(),
        content=m.content,
        amount=f"{m.amount:,.2f}" if m.amount is not None else "",
        period=period,
        status=m.get_status_display(),
    )


def card_for_case(case: Case) -> UnderstandingCard:
    household = case.household
    county, township, village = place_names(case.village)
    name, id_masked = head_of(household)
    plan: Plan | None = selectors.household_plan(household)
    measures = selectors.household_measures(household)
    today = clock.today()
    return UnderstandingCard(
        title=f"{object_label(today)}帮扶明白卡",
        county=county,
        township=township,
        village=village,
        head_name=name,
        head_id=id_masked,
        members=household.member_count,
        category=category_label(case.category, today),
        risk_types=risk_labels(case.risk_types),
        identified_on=case.identified_on,
        plan_summary=plan.summary if plan else "",
        helper_name=plan.helper_name if plan else "",
        helper_phone=plan.helper_phone if plan else "",
        helper_unit=plan.helper_unit if plan else "",
        contact_name=plan.contact_name if plan else "",
        contact_phone=plan.contact_phone if plan else "",
        contact_unit=plan.contact_unit if plan else "",
        measures=[_measure_row(m) for m in measures],
    )
