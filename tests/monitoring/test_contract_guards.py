"""The guards and actions CONTRACT §4 adds: objections during the notice, an assessment on
record, rigid spending (合规自付支出) in the income test, in both flows where it says so."""

from __future__ import annotations

import datetime as dt

import pytest

from fangpin.monitoring.guards import GuardCode
from fangpin.registry.models import Guarantee
from tests.conftest import BAOFENG_VILLAGE

from . import factories
from .conftest import poor_household, recovered


def _publicized(cadres, hh) -> int:
    case_id = cadres.report(hh).json()["id"]
    cadres.run(case_id, cadres.steps()[:3])
    return case_id


def _elimination_publicized(cadres, clock) -> int:
    hh = poor_household()
    case_id = cadres.monitored(hh)
    recovered(hh, since=clock.start)
    clock.months_later(7)
    cadres.run(case_id, cadres.elimination_steps()[:4])
    return case_id


@pytest.mark.parametrize("flow", ["identification", "elimination"])
def test_an_open_objection_holds_township_approval_until_resolved(cadres, clock, flow):
    if flow == "identification":
        case_id = _publicized(cadres, poor_household())
        state, approved = "publicized", "township_approved"
    else:
        case_id = _elimination_publicized(cadres, clock)
        state, approved = "elimination_publicized", "elimination_township_approved"

    raised = cadres.act(case_id, "village", "object", {"summary": "村民反映该户有经营性收入"})
    assert raised.status_code == 200, raised.json()
    assert raised.json()["state"] == state
    assert raised.json()["objection"] == "村民反映该户有经营性收入"
    assert "resolve_objection" in raised.json()["allowed_actions"]
    assert "object" not in raised.json()["allowed_actions"]

    refused = cadres.act(case_id, "township", "approve_township")
    assert refused.status_code == 409
    assert refused.json()["code"] == GuardCode.OBJECTION_OPEN

    second = cadres.act(case_id, "village", "object", {"summary": "另一条异议"})
    assert second.status_code == 409
    assert second.json()["code"] == GuardCode.OBJECTION_OPEN

    resolved = cadres.act(
        case_id, "village", "resolve_objection", {"resolution": "经核实,经营收入已计入核算"}
    )
    assert resolved.status_code == 200, resolved.json()
    assert resolved.json()["objection"] == ""
    assert cadres.act(case_id, "township", "approve_township").json()["state"] == approved

    history = cadres.county.api("GET", f"/cases/{case_id}").json()["history"]
    recorded = [(e["action"], e["action_label"]) for e in history]
    assert ("object", "公示异议") in recorded
    assert ("resolve_objection", "异议处理") in recorded
    objection = next(e for e in history if e["action"] == "object")
    assert objection["body"]["summary"] == "村民反映该户有经营性收入"


def test_resolving_with_no_objection_open_is_refused(cadres):
    case_id = _publicized(cadres, poor_household())
    response = cadres.act(case_id, "village", "resolve_objection", {"resolution": "无"})
    assert response.status_code == 409
    assert response.json()["code"] == GuardCode.NO_OPEN_OBJECTION


def test_an_objection_needs_its_text_and_only_a_publicized_case_takes_one(cadres):
    case_id = _publicized(cadres, poor_household())
    blank = cadres.act(case_id, "village", "object", {"summary": "  "})
    assert blank.status_code == 400
    assert blank.json()["code"] == "summary_required"
    assert cadres.act(case_id, "village", "object", {}).status_code == 422
    assert cadres.act(case_id, "township", "object", {"summary": "x"}).status_code == 403
    reported = cadres.report(poor_household()).json()["id"]
    early = cadres.act(reported, "village", "object", {"summary": "公示前的意见"})
    assert early.status_code == 409
    assert early.json()["code"] == GuardCode.ACTION_NOT_ALLOWED


def test_county_refuses_identification_without_a_guarantee_assessment_on_record(cadres):
    # Rich and never assessed: unknown is not "a guarantee problem".
    hh = factories.household(BAOFENG_VILLAGE, alleviated=False)
    factories.income(hh, per_capita=50000, recorded_on=dt.date.today() - dt.timedelta(days=3))
    case_id = cadres.report(hh, category="marginal").json()["id"]
    cadres.run(case_id, cadres.steps()[:4])
    response = cadres.act(case_id, "county", "approve_county")
    assert response.status_code == 409
    assert response.json()["code"] == GuardCode.GUARANTEES_NOT_ASSESSED
    factories.guarantees(hh, all_met=False)
    assert Guarantee.objects.filter(household=hh).exists()
    assert cadres.act(case_id, "county", "approve_county").json()["state"] == "monitored"


def test_sudden_hardship_is_tested_on_income_after_rigid_spending(cadres, clock):
    hh = factories.household(BAOFENG_VILLAGE, alleviated=False)
    factories.guarantees(hh)
    # 12,000 per person, three members; no spending: above the line, not included.
    factories.income(hh, per_capita=12000, recorded_on=clock.day - dt.timedelta(days=9))
    case_id = cadres.report(hh, category="sudden").json()["id"]
    cadres.run(case_id, cadres.steps()[:4])
    refused = cadres.act(case_id, "county", "approve_county")
    assert refused.status_code == 409
    assert refused.json()["code"] == GuardCode.INCOME_ABOVE_LINE
    # ¥200,000 out of pocket: (36,000 − 200,000) ÷ 3 is far below the line.
    factories.income(
        hh, per_capita=12000, recorded_on=clock.day - dt.timedelta(days=1), out_of_pocket=200000
    )
    approved = cadres.act(case_id, "county", "approve_county").json()
    assert approved["state"] == "monitored"
    assert approved["income_snapshot"]["per_capita_after_spending"] == "-54666.67"


def test_county_refuses_elimination_while_rigid_spending_keeps_income_at_or_below_the_line(
    cadres, clock
):
    hh = poor_household()
    case_id = cadres.monitored(hh)
    recovered(hh, since=clock.start)
    clock.months_later(7)
    cadres.run(case_id, cadres.elimination_steps()[:-1])
    factories.income(
        hh, per_capita=12000, recorded_on=clock.day - dt.timedelta(days=1), out_of_pocket=200000
    )
    response = cadres.act(case_id, "county", "approve_county")
    assert response.status_code == 409
    assert response.json()["code"] == GuardCode.RIGID_SPENDING_NOT_RESOLVED
    # Spending settled (reimbursed): the same approval goes through.
    factories.income(hh, per_capita=12000, recorded_on=clock.day, out_of_pocket=3000)
    assert cadres.act(case_id, "county", "approve_county").json()["state"] == "eliminated"


def test_risk_types_the_household_makes_impossible_are_refused(cadres):
    nobody_works = poor_household(labours=("丧失劳动力", "无劳动力"))
    employment = cadres.report(nobody_works, risk_types=["07"])
    assert employment.status_code == 400
    assert employment.json()["code"] == "risk_type_needs_labour"
    assert "因务工就业不稳" in employment.json()["detail"]
    no_pupil = poor_household()  # three adults, none in school
    schooling = cadres.report(no_pupil, risk_types=["01", "09"])
    assert schooling.status_code == 400
    assert schooling.json()["code"] == "risk_type_needs_student"
    factories.enrol(no_pupil, "中职二年级")
    assert cadres.report(no_pupil, risk_types=["01", "09"]).status_code == 201
    assert cadres.report(poor_household(), risk_types=["07"]).status_code == 201


def test_a_child_of_compulsory_school_age_counts_as_a_pupil(cadres, clock):
    hh = poor_household()
    child = hh.current_memberships().order_by("-person__birth_date")[0].person
    child.birth_date = clock.day.replace(year=clock.day.year - 10, day=1)
    child.save(update_fields=["birth_date"])
    assert cadres.report(hh, risk_types=["09"]).status_code == 201
