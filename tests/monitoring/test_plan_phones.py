"""The plan's helper and contact phones are checked like every other phone."""

from __future__ import annotations

from fangpin.monitoring.models import Plan

from .conftest import poor_household


def test_a_plan_with_a_bad_helper_phone_is_refused_naming_it(cadres) -> None:
    case_id = cadres.monitored(poor_household())
    bad = cadres.village.api("PUT", f"/cases/{case_id}/plan", {"helper_phone": "1380000"})
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid_phone"
    assert "帮扶责任人电话" in bad.json()["detail"]
    good = cadres.village.api(
        "PUT", f"/cases/{case_id}/plan", {"contact_phone": "(0375)6123456", "helper_name": "李红"}
    )
    assert good.status_code == 200
    assert Plan.objects.get().contact_phone == "0375-6123456"
