"""一户一策: the plan (helper and contact), measures, and the consistency warnings."""

from __future__ import annotations

from fangpin.monitoring.models import CaseEvent
from fangpin.registry.models import Person

from . import factories
from .conftest import poor_household


def _codes(detail) -> set[str]:
    return {w["code"] for w in detail["consistency_warnings"]}


def test_village_sets_the_plan_with_helper_and_contact(cadres):
    case_id = cadres.monitored(poor_household())
    plan = {
        "summary": "产业+就业帮扶",
        "helper_name": "李红",
        "helper_phone": "13900000002",
        "helper_unit": "宝丰县人社局",
        "contact_name": "张伟",
        "contact_phone": "13700000003",
        "contact_unit": "周庄村委会",
    }
    response = cadres.village.api("PUT", f"/cases/{case_id}/plan", plan)
    assert response.status_code == 200
    assert response.json()["helper_name"] == "李红"
    detail = cadres.county.api("GET", f"/cases/{case_id}").json()
    assert detail["plan"]["contact_name"] == "张伟"
    assert "plan_without_helper" not in _codes(detail)
    assert CaseEvent.objects.filter(case_id=case_id, action="plan").exists()


def test_a_monitored_household_without_a_helper_is_flagged(cadres):
    case_id = cadres.monitored(poor_household())
    assert "plan_without_helper" in _codes(cadres.county.api("GET", f"/cases/{case_id}").json())


def test_measures_are_recorded_with_type_amount_dates_and_status(cadres):
    case_id = cadres.monitored(poor_household())
    body = {
        "type": "finance",
        "content": "小额信贷5万元",
        "amount": "50000.00",
        "starts_on": "2026-12-01",
        "ends_on": "2029-11-30",
        "status": "implemented",
    }
    response = cadres.village.api("POST", f"/cases/{case_id}/measures", body)
    assert response.status_code == 201
    created = response.json()
    assert (created["type_label"], created["amount"], created["status"]) == (
        "金融帮扶(小额信贷)",
        "50000.00",
        "implemented",
    )
    detail = cadres.county.api("GET", f"/cases/{case_id}").json()
    assert [m["id"] for m in detail["measures"]] == [created["id"]]
    assert detail["history"][-1]["action"] == "measure"


def test_bad_measures_are_refused(cadres, api_as):
    case_id = cadres.monitored(poor_household())
    base = {
        "type": "health",
        "content": "签约家庭医生",
        "starts_on": "2026-12-01",
        "status": "planned",
    }
    url = f"/cases/{case_id}/measures"
    assert cadres.village.api("POST", url, {**base, "type": "cash"}).json()["code"] == (
        "invalid_measure_type"
    )
    assert cadres.village.api("POST", url, {**base, "status": "done"}).json()["code"] == (
        "invalid_measure_status"
    )
    assert cadres.village.api("POST", url, {**base, "ends_on": "2026-01-01"}).json()["code"] == (
        "invalid_dates"
    )
    assert cadres.village.api("POST", url, {**base, "amount": "-1"}).json()["code"] == (
        "invalid_amount"
    )
    too_much = cadres.village.api("POST", url, {**base, "amount": "1e30"})
    assert (too_much.status_code, too_much.json()["code"]) == (400, "invalid_amount")
    assert api_as("viewer", "410421").api("POST", url, base).status_code == 403
    assert cadres.county.api("POST", url, base).status_code == 403


def test_illness_without_a_health_or_guarantee_measure_is_flagged(cadres):
    case_id = cadres.monitored(poor_household(), risk_types=["01"])
    detail = cadres.county.api("GET", f"/cases/{case_id}").json()
    assert "illness_without_health_measure" in _codes(detail)
    # The income record shows no out-of-pocket medical spending either.
    assert "illness_without_medical_spending" in _codes(detail)
    cadres.village.api(
        "POST",
        f"/cases/{case_id}/measures",
        {
            "type": "social_guarantee",
            "content": "纳入低保",
            "starts_on": "2026-12-01",
            "status": "implemented",
        },
    )
    detail = cadres.county.api("GET", f"/cases/{case_id}").json()
    assert "illness_without_health_measure" not in _codes(detail)


def test_schooling_without_an_education_measure_is_flagged(cadres):
    hh = poor_household()
    factories.enrol(hh)
    case_id = cadres.monitored(hh, risk_types=["09"])
    plan = cadres.village.api("GET", f"/cases/{case_id}/plan").json()
    assert "schooling_without_education_measure" in {w["code"] for w in plan["warnings"]}
    cadres.village.api(
        "POST",
        f"/cases/{case_id}/measures",
        {
            "type": "other_education",
            "content": "雨露计划",
            "starts_on": "2026-12-01",
            "status": "planned",
        },
    )
    plan = cadres.village.api("GET", f"/cases/{case_id}/plan").json()
    assert "schooling_without_education_measure" not in {w["code"] for w in plan["warnings"]}


def test_employment_risk_is_flagged_once_nobody_left_can_work(cadres):
    hh = poor_household()
    case_id = cadres.monitored(hh, risk_types=["07"])
    detail = cadres.county.api("GET", f"/cases/{case_id}").json()
    assert "employment_risk_without_labour" not in _codes(detail)
    # Later the working members fall ill: the risk type no longer fits the household.
    Person.objects.filter(memberships__household=hh).update(labour="丧失劳动力")
    detail = cadres.county.api("GET", f"/cases/{case_id}").json()
    assert "employment_risk_without_labour" in _codes(detail)


def test_no_assistance_is_recorded_on_a_rejected_case(cadres):
    case_id = cadres.report(poor_household()).json()["id"]
    cadres.act(case_id, "village", "reject", {"reason": "收入超标"})
    response = cadres.village.api(
        "POST",
        f"/cases/{case_id}/measures",
        {"type": "health", "content": "x", "starts_on": "2026-12-01", "status": "planned"},
    )
    assert response.status_code == 409


def test_procedure_documents_are_filed_in_the_household_archive(cadres, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    case_id = cadres.report(poor_household()).json()["id"]
    upload = SimpleUploadedFile("consent.pdf", b"%PDF-1.4 consent", content_type="application/pdf")
    response = cadres.village.api(
        "POST", f"/cases/{case_id}/attachments", {"kind": "consent", "file": upload}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["kind"] == "授权承诺书"
    detail = cadres.county.api("GET", f"/cases/{case_id}").json()
    assert [a["kind"] for a in detail["attachments"]] == ["授权承诺书"]
    assert detail["history"][-1]["action"] == "attach"
    bad = SimpleUploadedFile("x.txt", b"x")
    wrong = cadres.village.api("POST", f"/cases/{case_id}/attachments", {"kind": "x", "file": bad})
    assert wrong.json()["code"] == "invalid_attachment_kind"
