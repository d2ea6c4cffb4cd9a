"""What a workflow action checks in its body (400) and what it changes on the case.

Each function here is named by one entry of the workflow table (`workflow.ACTIONS`).
A check takes the body and today; an effect sets the case's fields and returns their names
(for `save(update_fields=...)`); the state and version are the service's.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from fangpin.core import idcrypt
from fangpin.core.errors import BadValue
from fangpin.dashboard.counters import counters_apply, elimination_deltas, identification_deltas
from fangpin.screening.records import records_for_persons

from .error_codes import MonitoringErrorCode as Code
from .guards import latest_income, line_for, per_capita_after_spending
from .models import Case, EliminationMode, State

if TYPE_CHECKING:
    from .workflow import Transition


# --- body checks (values a schema cannot check alone) ------------------------------------


def check_votes(body: dict[str, Any], today: dt.date) -> None:
    total, agree, disagree = body["votes_total"], body["votes_agree"], body["votes_disagree"]
    if total <= 0 or agree < 0 or disagree < 0 or agree + disagree > total:
        raise BadValue("表决票数不正确:同意与反对票之和不能超过参会人数", code=Code.INVALID_VOTES)


def check_notice(body: dict[str, Any], today: dt.date) -> None:
    starts: dt.date = body["starts_on"]
    if body["days"] <= 0:
        raise BadValue("公示天数须为正数", code=Code.INVALID_NOTICE_DAYS)
    # A notice runs days or weeks; past a year the end date is a typo (or overflows).
    if body["days"] > 366 or starts > today + dt.timedelta(days=366):
        raise BadValue("公示开始日期或天数超出合理范围,请核对", code=Code.INVALID_NOTICE_DAYS)


def _required(key: str, message: str, code: Code) -> Any:
    def check(body: dict[str, Any], today: dt.date) -> None:
        if not str(body.get(key) or "").strip():
            raise BadValue(message, code=code)

    return check


check_reason = _required("reason", "退回须填写理由", Code.REASON_REQUIRED)
check_summary = _required("summary", "请填写异议内容", Code.SUMMARY_REQUIRED)
check_resolution = _required("resolution", "请填写异议处理结果", Code.RESOLUTION_REQUIRED)


def check_mode(body: dict[str, Any], today: dt.date) -> None:
    if body.get("mode", "") not in EliminationMode.values:
        raise BadValue(f"消除方式取值无效:{body.get('mode', '')}", code=Code.INVALID_MODE)


# --- effects --------------------------------------------------------------------------------


def _members(case: Case) -> list[Any]:
    return list(case.household.current_memberships().select_related("person").order_by("id"))


def compare(case: Case, transition: Transition, body: dict[str, Any], today: dt.date) -> list[str]:
    """信息比对: the department records of the last 12 months found for the members."""
    persons = {m.person_id: m.person.name for m in _members(case)}
    case.comparison = records_for_persons(persons, on=today)
    return ["comparison"]


def start_notice(
    case: Case, transition: Transition, body: dict[str, Any], today: dt.date
) -> list[str]:
    case.notice_starts_on = body["starts_on"]
    case.notice_ends_on = body["starts_on"] + dt.timedelta(days=int(body["days"]) - 1)
    case.objection = ""
    return ["notice_starts_on", "notice_ends_on", "objection"]


def raise_objection(
    case: Case, transition: Transition, body: dict[str, Any], today: dt.date
) -> list[str]:
    case.objection = str(body["summary"]).strip()
    return ["objection"]


def settle_objection(
    case: Case, transition: Transition, body: dict[str, Any], today: dt.date
) -> list[str]:
    case.objection = ""
    return ["objection"]


def _snapshot(case: Case, today: dt.date) -> None:
    """Keep the members and the income the county decided on."""
    members = [
        {
            "person_id": m.person_id,
            "name": m.person.name,
            # Encrypted like the registry's own copy (see core.idcrypt).
            "id_number": idcrypt.encrypt(m.person.id_number),
            "relation": m.relation,
            "health": m.person.health,
            "labour": m.person.labour,
        }
        for m in _members(case)
    ]
    case.members_snapshot = members
    case.members_at_approval = len(members)
    record = latest_income(case.household, today)
    line = line_for(record) if record is not None else None
    case.income_snapshot = (
        {
            "year": record.year,
            "recorded_on": record.recorded_on.isoformat(),
            "net_income": str(record.net_income),
            "per_capita_net": str(record.per_capita_net),
            "out_of_pocket_medical": str(record.out_of_pocket_medical),
            "per_capita_after_spending": str(per_capita_after_spending(record)),
            "members": record.members,
            "line": str(line) if line is not None else None,
        }
        if record is not None
        else None
    )


def approve_county(
    case: Case, transition: Transition, body: dict[str, Any], today: dt.date
) -> list[str]:
    if transition.target == State.MONITORED:
        _snapshot(case, today)
        case.identified_on = today
        counters_apply(
            village_id=case.village_id,
            deltas=identification_deltas(
                category=case.category,
                risk_types=case.risk_types,
                persons=case.members_at_approval or 0,
            ),
        )
        return ["members_snapshot", "members_at_approval", "income_snapshot", "identified_on"]
    case.eliminated_on = today
    counters_apply(
        village_id=case.village_id,
        deltas=elimination_deltas(persons=case.members_at_approval or 0),
    )
    return ["eliminated_on"]


def propose_elimination(
    case: Case, transition: Transition, body: dict[str, Any], today: dt.date
) -> list[str]:
    case.elimination_mode = body["mode"]
    case.notice_starts_on = case.notice_ends_on = None
    return ["elimination_mode", "notice_starts_on", "notice_ends_on"]


def reject(case: Case, transition: Transition, body: dict[str, Any], today: dt.date) -> list[str]:
    case.objection = ""
    if transition.target == State.REJECTED:
        case.rejected_reason = body["reason"]
        return ["rejected_reason", "objection"]
    # Back to monitoring: the elimination attempt is over, its notice with it.
    case.elimination_mode = ""
    case.notice_starts_on = case.notice_ends_on = None
    return ["elimination_mode", "notice_starts_on", "notice_ends_on", "objection"]
