"""Identification (识别程序): report → verify → deliberate → publicize → township → county."""

from __future__ import annotations

import datetime as dt

from fangpin.monitoring.guards import GuardCode
from fangpin.monitoring.models import Case, CaseEvent
from tests.conftest import BAOFENG_VILLAGE, YEXIAN_VILLAGE

from . import factories
from .conftest import poor_household


def test_village_reports_a_case_with_a_working_day_deadline(cadres, clock):
    hh = poor_household()
    response = cadres.report(hh, reported_on=clock.day.isoformat())
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "reported"
    case = Case.objects.get(pk=body["id"])
    assert body["deadline"] == case.deadline.isoformat()
    # 15 working days never fit in fewer than 21 calendar days.
    assert case.deadline >= clock.day + dt.timedelta(days=21)
    assert hh.cases.open().first() == case


def test_a_household_with_an_open_case_cannot_be_reported_again(cadres):
    hh = poor_household()
    assert cadres.report(hh).status_code == 201
    again = cadres.report(hh)
    assert again.status_code == 409
    assert again.json()["code"] == GuardCode.HOUSEHOLD_HAS_OPEN_CASE


def test_a_rejected_household_can_be_reported_again(cadres):
    hh = poor_household()
    case_id = cadres.report(hh).json()["id"]
    rejected = cadres.act(case_id, "village", "reject", {"reason": "核实后收入较高"})
    assert rejected.json()["state"] == "rejected"
    assert cadres.report(hh).status_code == 201


def test_unknown_or_too_many_risk_types_are_bad_values(cadres):
    hh = poor_household()
    for risk_types in (["08"], [], ["01", "03", "04", "05", "06", "07"], ["01", "01"]):
        response = cadres.report(hh, risk_types=risk_types)
        assert response.status_code == 400, risk_types
        assert response.json()["code"] == "invalid_risk_types"
    factories.enrol(hh)
    assert cadres.report(hh, risk_types=["0203", "07", "09", "99", "0299"]).status_code == 201


def test_bad_channel_or_category_is_a_bad_value(cadres):
    hh = poor_household()
    assert cadres.report(hh, channel="phone").json()["code"] == "invalid_channel"
    assert cadres.report(hh, category="poor").json()["code"] == "invalid_category"


def test_a_household_of_another_county_is_not_found(cadres):
    other = factories.household(YEXIAN_VILLAGE)
    response = cadres.report(other)
    assert response.status_code == 404


def test_viewer_and_department_may_not_report(api_as):
    hh = poor_household()
    for role in ("viewer", "department"):
        client = api_as(role, "410421")
        body = {
            "household_id": hh.pk,
            "channel": "cadre_visit",
            "category": "unstable",
            "risk_types": ["01"],
        }
        response = client.api("POST", "/cases", body)
        assert response.status_code == 403, role


def test_identification_runs_through_and_keeps_every_step(cadres):
    hh = poor_household()
    case_id = cadres.report(hh).json()["id"]
    expected = ["verified", "deliberated", "publicized", "township_approved", "monitored"]
    for (role, action, body), state in zip(cadres.steps(), expected, strict=True):
        response = cadres.act(case_id, role, action, body)
        assert response.status_code == 200, response.json()
        assert response.json()["state"] == state
    detail = cadres.county.api("GET", f"/cases/{case_id}").json()
    actions = [(e["action"], e["actor_role"]) for e in detail["history"]]
    assert actions == [
        ("report", "村级"),
        ("verify", "村级"),
        ("deliberate", "村级"),
        ("publicize", "村级"),
        ("approve_township", "乡镇"),
        ("approve_county", "县级"),
    ]
    assert detail["history"][2]["body"]["votes_agree"] == 9
    # The contract names each entry's actor, time and body.
    assert all({"actor", "time", "body"} <= set(e) for e in detail["history"])
    assert detail["history"][4]["actor"] and detail["history"][4]["time"]
    assert detail["identified_on"] is not None
    assert Case.history.filter(id=case_id).count() >= 6


def test_county_approval_snapshots_members_and_income(cadres):
    hh = poor_household()
    case_id = cadres.monitored(hh)
    detail = cadres.county.api("GET", f"/cases/{case_id}").json()
    assert detail["members_at_approval"] == 3
    assert len(detail["members_snapshot"]) == 3
    assert detail["income_snapshot"]["per_capita_net"] == "5000.00"
    assert detail["income_snapshot"]["line"] == "8300.00"
    # A member joining later does not change what the county decided on.
    factories.income(hh, per_capita=9000, recorded_on=dt.date(2026, 11, 1))
    again = cadres.county.api("GET", f"/cases/{case_id}").json()
    assert again["income_snapshot"]["per_capita_net"] == "5000.00"


def test_verification_needs_the_signed_consent(cadres):
    case_id = cadres.report(poor_household()).json()["id"]
    response = cadres.act(case_id, "village", "verify", {"findings": "x", "consent_signed": False})
    assert response.status_code == 409
    assert response.json()["code"] == GuardCode.CONSENT_NOT_SIGNED


def test_deliberation_with_half_or_fewer_agreeing_is_refused(cadres):
    case_id = cadres.report(poor_household()).json()["id"]
    cadres.run(case_id, cadres.steps()[:1])
    votes = {"votes_total": 10, "votes_agree": 5, "votes_disagree": 5}
    response = cadres.act(case_id, "village", "deliberate", votes)
    assert response.status_code == 409
    assert response.json()["code"] == GuardCode.DELIBERATION_NOT_PASSED
    assert Case.objects.get(pk=case_id).state == "verified"


def test_impossible_vote_counts_are_bad_values(cadres):
    case_id = cadres.report(poor_household()).json()["id"]
    cadres.run(case_id, cadres.steps()[:1])
    votes = {"votes_total": 5, "votes_agree": 5, "votes_disagree": 1}
    response = cadres.act(case_id, "village", "deliberate", votes)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_votes"


def test_missing_body_fields_are_malformed(cadres):
    case_id = cadres.report(poor_household()).json()["id"]
    cadres.run(case_id, cadres.steps()[:1])
    response = cadres.act(case_id, "village", "deliberate", {"votes_total": 5})
    assert response.status_code == 422


def test_a_notice_shorter_than_the_minimum_is_refused(cadres, clock):
    case_id = cadres.report(poor_household()).json()["id"]
    cadres.run(case_id, cadres.steps()[:2])
    body = {"starts_on": clock.day.isoformat(), "days": 4}
    response = cadres.act(case_id, "village", "publicize", body)
    assert response.status_code == 409
    assert response.json()["code"] == GuardCode.NOTICE_TOO_SHORT


def test_a_notice_may_be_recorded_up_to_thirty_days_late(cadres, clock):
    month_ago = cadres.day(-30)
    case_id = cadres.report(poor_household(), reported_on=month_ago).json()["id"]
    verify, deliberate = cadres.steps()[:2]
    cadres.run(
        case_id,
        [
            (*verify[:2], {**verify[2], "done_on": month_ago}),
            (*deliberate[:2], {**deliberate[2], "done_on": month_ago}),
        ],
    )
    too_early = {"starts_on": cadres.day(-31), "days": 5}
    response = cadres.act(case_id, "village", "publicize", too_early)
    assert response.status_code == 400
    assert response.json()["code"] == "date_too_far_back"
    late = {"starts_on": month_ago, "days": 5}
    assert cadres.act(case_id, "village", "publicize", late).json()["state"] == "publicized"


def test_optional_texts_sent_as_null_count_as_not_given(cadres):
    case_id = cadres.report(poor_household(), description=None).json()["id"]
    verify, deliberate, publicize, township, county = cadres.steps()
    cadres.run(case_id, [verify, (*deliberate[:2], {**deliberate[2], "minutes": None})])
    cadres.run(case_id, [publicize])
    cadres.run(case_id, [(*township[:2], {"opinion": None}), (*county[:2], {"opinion": None})])
    assert cadres.county.api("GET", f"/cases/{case_id}").json()["state"] == "monitored"


def test_a_notice_of_absurd_length_or_start_is_a_bad_value_not_a_crash(cadres, clock):
    case_id = cadres.report(poor_household()).json()["id"]
    cadres.run(case_id, cadres.steps()[:2])
    for body in (
        {"starts_on": clock.day.isoformat(), "days": 10**12},
        {"starts_on": "9999-12-30", "days": 5},
    ):
        response = cadres.act(case_id, "village", "publicize", body)
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_notice_days"


def test_township_approval_before_the_notice_ends_is_refused(cadres, clock):
    case_id = cadres.report(poor_household()).json()["id"]
    cadres.run(case_id, cadres.steps()[:2])
    body = {"starts_on": (clock.day - dt.timedelta(days=2)).isoformat(), "days": 5}
    cadres.act(case_id, "village", "publicize", body)
    # The notice runs through its fifth day (today + 2): approval only the day after.
    response = cadres.act(case_id, "township", "approve_township")
    assert response.status_code == 409
    assert response.json()["code"] == GuardCode.NOTICE_NOT_ENDED
    clock.set(clock.day + dt.timedelta(days=2))
    assert cadres.act(case_id, "township", "approve_township").status_code == 409
    clock.set(clock.day + dt.timedelta(days=1))
    assert cadres.act(case_id, "township", "approve_township").json()["state"] == (
        "township_approved"
    )


def _to_township_approved(cadres, hh, **overrides) -> int:
    case_id = cadres.report(hh, **overrides).json()["id"]
    cadres.run(case_id, cadres.steps()[:4])
    return case_id


def test_unstable_is_only_for_households_that_left_poverty(cadres):
    case_id = _to_township_approved(cadres, poor_household(alleviated=False), category="unstable")
    response = cadres.act(case_id, "county", "approve_county")
    assert response.status_code == 409
    assert response.json()["code"] == GuardCode.CATEGORY_NEEDS_ALLEVIATED


def test_marginal_is_not_for_households_that_left_poverty(cadres):
    case_id = _to_township_approved(cadres, poor_household(alleviated=True), category="marginal")
    response = cadres.act(case_id, "county", "approve_county")
    assert response.status_code == 409
    assert response.json()["code"] == GuardCode.CATEGORY_NEEDS_ORDINARY


def test_sudden_hardship_fits_either_kind_of_household(cadres):
    for alleviated in (True, False):
        hh = poor_household(alleviated=alleviated)
        case_id = _to_township_approved(cadres, hh, category="sudden")
        assert cadres.act(case_id, "county", "approve_county").json()["state"] == "monitored"


def test_income_above_the_line_with_all_guarantees_met_is_not_included(cadres):
    hh = poor_household()
    factories.income(hh, per_capita=9000, recorded_on=dt.date(2026, 11, 20))
    case_id = _to_township_approved(cadres, hh)
    response = cadres.act(case_id, "county", "approve_county")
    assert response.status_code == 409
    assert response.json()["code"] == GuardCode.INCOME_ABOVE_LINE


def test_income_above_the_line_with_unsafe_housing_is_included(cadres):
    hh = poor_household()
    factories.income(hh, per_capita=9000, recorded_on=dt.date(2026, 11, 20))
    factories.guarantees(hh, all_met=False)
    case_id = _to_township_approved(cadres, hh)
    assert cadres.act(case_id, "county", "approve_county").json()["state"] == "monitored"


def test_each_level_rejects_at_its_own_step_with_a_reason(cadres):
    steps = cadres.steps()
    for done, role in (
        (0, "village"),
        (1, "village"),
        (2, "village"),
        (3, "township"),
        (4, "county"),
    ):
        case_id = cadres.report(poor_household()).json()["id"]
        cadres.run(case_id, steps[:done])
        assert cadres.act(case_id, role, "reject", {"reason": ""}).status_code == 400
        response = cadres.act(case_id, role, "reject", {"reason": "不符合条件"})
        assert response.json()["state"] == "rejected", (done, role)
        assert response.json()["rejected_reason"] == "不符合条件"
        event = CaseEvent.objects.filter(case_id=case_id).last()
        assert event is not None and event.action == "reject"
        assert event.body["reason"] == "不符合条件"


def test_a_role_outside_the_step_gets_403_and_a_wrong_state_409(cadres, api_as):
    case_id = cadres.report(poor_household()).json()["id"]
    # Verifying is the village's step: a township user may never take it.
    assert cadres.act(case_id, "township", "verify", {"consent_signed": True}).status_code == 403
    # The county may approve, but not before the village has verified.
    early = cadres.act(case_id, "county", "approve_county")
    assert early.status_code == 409
    assert early.json()["code"] == GuardCode.ACTION_NOT_ALLOWED
    viewer = api_as("viewer", "410421")
    assert viewer.api("POST", f"/cases/{case_id}/actions/verify", {}).status_code == 403
    response = cadres.act(
        case_id, "village", "deliberate", {"votes_total": 3, "votes_agree": 3, "votes_disagree": 0}
    )
    assert response.status_code == 409
    assert response.json()["code"] == GuardCode.ACTION_NOT_ALLOWED


def test_cases_outside_the_region_are_404(cadres, api_as):
    case_id = cadres.report(poor_household()).json()["id"]
    yexian = api_as("village", YEXIAN_VILLAGE)
    assert yexian.api("GET", f"/cases/{case_id}").status_code == 404
    assert yexian.api("POST", f"/cases/{case_id}/actions/verify", {}).status_code == 404
    assert yexian.api("GET", "/cases").json()["count"] == 0


def test_unknown_action_is_404(cadres):
    case_id = cadres.report(poor_household()).json()["id"]
    response = cadres.act(case_id, "village", "approve_everything")
    assert response.status_code == 404
    assert response.json()["code"] == "unknown_action"


def test_the_case_page_offers_only_the_buttons_the_table_allows(cadres):
    case_id = cadres.report(poor_household()).json()["id"]
    assert cadres.village.api("GET", f"/cases/{case_id}").json()["allowed_actions"] == [
        "verify",
        "reject",
    ]
    assert cadres.county.api("GET", f"/cases/{case_id}").json()["allowed_actions"] == []


def test_list_filters_by_state_and_overdue(cadres, clock):
    late = cadres.report(poor_household()).json()["id"]
    clock.set(clock.day + dt.timedelta(days=40))
    fresh = cadres.report(poor_household()).json()["id"]
    listing = cadres.county.api("GET", "/cases").json()
    assert listing["count"] == 2
    flags = {item["id"]: item["overdue"] for item in listing["items"]}
    assert flags == {late: True, fresh: False}
    overdue = cadres.county.api("GET", "/cases?overdue=true").json()
    assert [i["id"] for i in overdue["items"]] == [late]
    assert cadres.county.api("GET", f"/cases/{late}").json()["overdue"] is True
    assert cadres.county.api("GET", "/cases?state=monitored").json()["count"] == 0
    assert cadres.county.api("GET", f"/cases?region={BAOFENG_VILLAGE}").json()["count"] == 2
    assert cadres.county.api("GET", "/cases?state=nonsense").status_code == 400


def test_a_case_from_a_warning_links_it_and_marks_it_handled(cadres):
    from fangpin.screening.models import Warning

    hh = poor_household()
    warning = Warning.objects.create(
        household=hh,
        rule="medical_out_of_pocket",
        message="自付超过2万元",
        risk_type="01",
        deadline=dt.date(2026, 12, 14),
    )
    response = cadres.report(hh, channel="department_warning", warning_id=warning.pk)
    assert response.status_code == 201
    warning.refresh_from_db()
    assert warning.status == "case_opened"
    assert cadres.village.api("GET", f"/cases/{response.json()['id']}").json()["warning_id"] == (
        warning.pk
    )


def test_the_case_list_costs_the_same_few_queries_however_long(cadres):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for_list(expected: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert cadres.county.api("GET", "/cases").json()["count"] == expected
        return len(ctx.captured_queries)

    for _ in range(2):
        cadres.report(poor_household())
    few = queries_for_list(2)
    for _ in range(6):
        cadres.report(poor_household())
    assert queries_for_list(8) == few <= 6


def test_the_cases_api_is_documented_in_openapi(anonymous):
    spec = anonymous.get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    for path in (
        "/api/v1/cases",
        "/api/v1/cases/{case_id}",
        "/api/v1/cases/{case_id}/actions/{action}",
        "/api/v1/cases/{case_id}/measures",
        "/api/v1/cases/{case_id}/plan",
        "/api/v1/stats/summary",
    ):
        assert path in paths, path


def test_approvals_need_no_body_at_all(cadres):
    case_id = cadres.report(poor_household()).json()["id"]
    cadres.run(case_id, cadres.steps()[:3])
    url = f"/api/v1/cases/{case_id}/actions/approve_township"
    response = cadres.township.post(url, headers=cadres.township._headers())
    assert response.status_code == 200
    assert response.json()["state"] == "township_approved"
    not_an_object = cadres.county.post(
        f"/api/v1/cases/{case_id}/actions/approve_county",
        "[1]",
        content_type="application/json",
        headers=cadres.county._headers(),
    )
    assert not_an_object.status_code == 422
