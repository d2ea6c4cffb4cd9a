"""An unchanged save changes nothing and records nothing: no history row, no event, and the
day of an assessment stays the day it was made."""

from __future__ import annotations

import datetime as dt

from fangpin.monitoring.models import CaseEvent, Plan
from fangpin.registry import services as registry_services
from fangpin.registry.models import Guarantee, Household

from .conftest import Cadres, poor_household

PLAN = {"helper_name": "李红", "helper_phone": "13800000000", "summary": "发展养殖"}
ASSESSMENT = {
    "food_ok": True,
    "clothing_ok": True,
    "education_ok": True,
    "medical_ok": False,
    "housing_grade": "B",
    "water_ok": True,
}


def test_saving_an_unchanged_plan_records_nothing(cadres: Cadres) -> None:
    case_id = cadres.monitored(poor_household())
    assert cadres.village.api("PUT", f"/cases/{case_id}/plan", PLAN).status_code == 200
    history = Plan.history.count()
    events = CaseEvent.objects.filter(action="plan").count()
    again = cadres.village.api("PUT", f"/cases/{case_id}/plan", PLAN)
    assert again.status_code == 200
    assert again.json()["helper_name"] == "李红"
    assert Plan.history.count() == history
    assert CaseEvent.objects.filter(action="plan").count() == events
    changed = cadres.village.api("PUT", f"/cases/{case_id}/plan", {**PLAN, "summary": "务工"})
    assert changed.json()["summary"] == "务工"
    assert CaseEvent.objects.filter(action="plan").count() == events + 1


def test_saving_an_unchanged_assessment_keeps_its_day_and_history(cadres: Cadres) -> None:
    hh = poor_household()
    day = dt.date.today() - dt.timedelta(days=40)
    first = cadres.village.api("PUT", f"/households/{hh.pk}/guarantees", ASSESSMENT)
    assert first.status_code == 200, first.json()
    Guarantee.objects.filter(household=hh).update(assessed_on=day)  # assessed 40 days ago
    history = Guarantee.history.count()
    again = cadres.village.api("PUT", f"/households/{hh.pk}/guarantees", ASSESSMENT)
    assert again.status_code == 200
    assert Guarantee.objects.get(household=hh).assessed_on == day
    assert Guarantee.history.count() == history
    cadres.village.api("PUT", f"/households/{hh.pk}/guarantees", {**ASSESSMENT, "water_ok": False})
    assert Guarantee.history.count() == history + 1


def test_saving_unchanged_phone_and_address_records_nothing(cadres: Cadres) -> None:
    hh = poor_household()
    user = cadres.village.user
    registry_services.household_update(
        user=user, household_id=hh.pk, phone="13912345678", address="一组 12 号"
    )
    history = Household.history.filter(id=hh.pk).count()
    registry_services.household_update(
        user=user, household_id=hh.pk, phone="139 1234 5678", address=" 一组  12 号 "
    )
    assert Household.history.filter(id=hh.pk).count() == history
    registry_services.household_update(user=user, household_id=hh.pk, address="二组 3 号")
    assert Household.history.filter(id=hh.pk).count() == history + 1
