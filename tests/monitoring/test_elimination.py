"""Risk elimination (风险消除) and its guards; 四个不摘 after elimination."""

from __future__ import annotations

import datetime as dt

from fangpin.monitoring.guards import GuardCode
from fangpin.monitoring.models import Case

from . import factories
from .conftest import poor_household, recovered


def _monitored_and_recovered(cadres, clock, **household) -> tuple[int, object]:
    hh = poor_household(**household)
    case_id = cadres.monitored(hh)
    recovered(hh, since=clock.start)
    clock.months_later(7)
    return case_id, hh


def test_natural_elimination_runs_through_and_counts(cadres, clock):
    case_id, _ = _monitored_and_recovered(cadres, clock)
    expected = [
        "elimination_reported",
        "elimination_verified",
        "elimination_deliberated",
        "elimination_publicized",
        "elimination_township_approved",
        "eliminated",
    ]
    for (role, action, body), state in zip(cadres.elimination_steps(), expected, strict=True):
        response = cadres.act(case_id, role, action, body)
        assert response.status_code == 200, response.json()
        assert response.json()["state"] == state
    case = Case.objects.get(pk=case_id)
    assert case.eliminated_on == clock.day
    assert case.elimination_mode == "natural"
    summary = cadres.county.api("GET", "/stats/summary").json()
    assert summary["eliminated_households"] == 1
    assert summary["eliminated_persons"] == 3


def test_an_eliminated_household_can_be_identified_again(cadres, clock):
    case_id, hh = _monitored_and_recovered(cadres, clock)
    cadres.run(case_id, cadres.elimination_steps())
    assert cadres.report(hh).status_code == 201


def test_whole_household_without_labour_cannot_be_eliminated(cadres, clock):
    case_id, _ = _monitored_and_recovered(cadres, clock, labours=("丧失劳动力", "无劳动力"))
    response = cadres.act(case_id, "village", "propose_elimination", {"mode": "natural"})
    assert response.status_code == 409
    assert response.json()["code"] == GuardCode.HOUSEHOLD_WITHOUT_LABOUR


def test_assisted_elimination_needs_an_implemented_measure(cadres, clock):
    case_id, _ = _monitored_and_recovered(cadres, clock)
    measure = {
        "type": "health",
        "content": "家庭医生签约",
        "starts_on": "2026-12-01",
        "status": "planned",
    }
    created = cadres.village.api("POST", f"/cases/{case_id}/measures", measure)
    assert created.status_code == 201
    response = cadres.act(case_id, "village", "propose_elimination", {"mode": "assisted"})
    assert response.status_code == 409
    assert response.json()["code"] == GuardCode.NO_IMPLEMENTED_MEASURE
    done = cadres.village.api(
        "PUT", f"/cases/{case_id}/measures/{created.json()['id']}", {"status": "implemented"}
    )
    assert done.json()["status"] == "implemented"
    ok = cadres.act(case_id, "village", "propose_elimination", {"mode": "assisted"})
    assert ok.json()["state"] == "elimination_reported"


def _to_elimination_township_approved(cadres, case_id) -> None:
    cadres.run(case_id, cadres.elimination_steps()[:-1])


def test_county_refuses_elimination_while_income_is_at_or_below_the_line(cadres, clock):
    case_id, hh = _monitored_and_recovered(cadres, clock)
    _to_elimination_township_approved(cadres, case_id)
    factories.income(hh, per_capita=8300, recorded_on=clock.day - dt.timedelta(days=1))
    response = cadres.act(case_id, "county", "approve_county")
    assert response.status_code == 409
    assert response.json()["code"] == GuardCode.INCOME_NOT_ABOVE_LINE


def test_county_refuses_elimination_while_a_guarantee_fails(cadres, clock):
    case_id, hh = _monitored_and_recovered(cadres, clock)
    _to_elimination_township_approved(cadres, case_id)
    factories.guarantees(hh, all_met=False)
    response = cadres.act(case_id, "county", "approve_county")
    assert response.status_code == 409
    assert response.json()["code"] == GuardCode.GUARANTEE_NOT_MET


def test_county_refuses_elimination_sooner_than_the_minimum_months_monitored(cadres, clock):
    # Sudden hardship may be identified with income above the line (stable for over a year)
    # when rigid spending pulls it below; the spending is settled soon after.
    hh = factories.household("410421101201")
    factories.guarantees(hh)
    recovered(hh, since=clock.start - dt.timedelta(days=400))
    factories.income(
        hh, per_capita=12000, recorded_on=clock.start - dt.timedelta(days=5), out_of_pocket=30000
    )
    case_id = cadres.monitored(hh, category="sudden")
    clock.set(clock.start + dt.timedelta(days=20))
    recovered(hh, since=clock.day - dt.timedelta(days=1))
    _to_elimination_township_approved(cadres, case_id)
    response = cadres.act(case_id, "county", "approve_county")
    assert response.status_code == 409
    assert response.json()["code"] == GuardCode.MONITORED_TOO_BRIEFLY


def test_county_refuses_elimination_before_income_has_been_stable_long_enough(cadres, clock):
    hh = poor_household()
    case_id = cadres.monitored(hh)
    clock.months_later(4)
    recovered(hh, since=clock.day - dt.timedelta(days=60))
    _to_elimination_township_approved(cadres, case_id)
    response = cadres.act(case_id, "county", "approve_county")
    assert response.status_code == 409
    assert response.json()["code"] == GuardCode.INCOME_NOT_STABLE
    # Six months after the income rose, the same approval goes through.
    clock.set(clock.day + dt.timedelta(days=130))
    cadres.act(case_id, "village", "reject", {"reason": "重新公示"})  # not the village's step
    assert Case.objects.get(pk=case_id).state == "elimination_township_approved"
    assert cadres.act(case_id, "county", "approve_county").json()["state"] == "eliminated"


def test_rejecting_an_elimination_returns_the_household_to_monitoring(cadres, clock):
    case_id, _ = _monitored_and_recovered(cadres, clock)
    for done, role in (
        (1, "village"),
        (2, "village"),
        (3, "village"),
        (4, "township"),
        (5, "county"),
    ):
        # Each new attempt starts after the last refusal (its steps dated in order).
        clock.set(clock.day + dt.timedelta(days=20))
        cadres.run(case_id, cadres.elimination_steps()[:done])
        response = cadres.act(case_id, role, "reject", {"reason": "风险未消除"})
        assert response.status_code == 200, response.json()
        body = response.json()
        assert body["state"] == "monitored"
        assert body["elimination_mode"] == ""
        assert body["notice_ends_on"] is None


def test_elimination_keeps_measures_and_the_helper(cadres, clock):
    case_id, _ = _monitored_and_recovered(cadres, clock)
    plan = {"helper_name": "王建国", "helper_phone": "13800000001", "helper_unit": "县农业农村局"}
    assert cadres.village.api("PUT", f"/cases/{case_id}/plan", plan).status_code == 200
    measure = {
        "type": "employment",
        "content": "推荐到就业帮扶车间",
        "starts_on": "2026-12-01",
        "status": "implemented",
    }
    cadres.village.api("POST", f"/cases/{case_id}/measures", measure)
    cadres.run(case_id, cadres.elimination_steps("assisted"))
    detail = cadres.county.api("GET", f"/cases/{case_id}").json()
    assert detail["state"] == "eliminated"
    assert detail["plan"]["helper_name"] == "王建国"
    assert [(m["type"], m["status"], m["ends_on"]) for m in detail["measures"]] == [
        ("employment", "implemented", None)
    ]


def test_a_stale_version_is_refused_and_the_newer_action_stands(cadres):
    case_id = cadres.report(poor_household()).json()["id"]
    seen = cadres.village.api("GET", f"/cases/{case_id}").json()["version"]
    first = cadres.act(
        case_id, "village", "verify", {"consent_signed": True, "findings": "甲", "version": seen}
    )
    assert first.status_code == 200
    second = cadres.act(case_id, "village", "reject", {"reason": "乙", "version": seen})
    assert second.status_code == 409
    assert second.json()["code"] == GuardCode.CASE_CHANGED
    assert Case.objects.get(pk=case_id).state == "verified"
