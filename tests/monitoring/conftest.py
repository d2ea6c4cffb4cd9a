"""Fixtures for the monitoring workflow: the three cadres of 宝丰县 and a movable clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from fangpin.monitoring import clock as monitoring_clock
from fangpin.registry.models import Household
from tests.conftest import BAOFENG, BAOFENG_TOWN, BAOFENG_VILLAGE, ApiClient

from . import factories


class Clock:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.day = timezone.localdate()
        self.start = self.day
        monkeypatch.setattr(monitoring_clock, "today", lambda: self.day)

    def set(self, day: dt.date) -> None:
        self.day = day

    def months_later(self, months: int) -> dt.date:
        self.day = monitoring_clock.add_months(self.start, months)
        return self.day


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


class Cadres:
    """The village, township and county users of one chain, acting through the API."""

    def __init__(self, api_as: Callable[..., ApiClient], clock: Clock) -> None:
        self.village = api_as("village", BAOFENG_VILLAGE)
        self.township = api_as("township", BAOFENG_TOWN)
        self.county = api_as("county", BAOFENG)
        self.clock = clock

    def by_role(self, role: str) -> ApiClient:
        return {"village": self.village, "township": self.township, "county": self.county}[role]

    def report(self, hh: Household, **overrides: Any) -> Any:
        # Reported twelve days ago, so that the steps below can be dated in order and the
        # notice can have ended by today.
        body = {
            "reported_on": self.day(-12),
            "household_id": hh.pk,
            "channel": "cadre_visit",
            "category": "unstable" if hh.is_alleviated else "marginal",
            "risk_types": ["01"],
            "description": "户主患大病,医疗支出大",
            **overrides,
        }
        return self.village.api("POST", "/cases", body)

    def act(self, case_id: int, role: str, action: str, body: Any = None) -> Any:
        return self.by_role(role).api("POST", f"/cases/{case_id}/actions/{action}", body or {})

    def day(self, offset: int) -> str:
        """The clock's day plus `offset` days, in ISO."""
        return (self.clock.day + dt.timedelta(days=offset)).isoformat()

    def steps(self) -> list[tuple[str, str, dict[str, Any]]]:
        """Identification as entered from the paper trail: the village steps back-dated in
        order, the notice over, the approvals today."""
        verify = {"findings": "入户核实属实", "consent_signed": True, "done_on": self.day(-12)}
        votes = {"votes_total": 11, "votes_agree": 9, "votes_disagree": 2, "done_on": self.day(-11)}
        return [
            ("village", "verify", verify),
            ("village", "deliberate", votes),
            ("village", "publicize", {"starts_on": self.day(-10), "days": 5}),
            ("township", "approve_township", {"opinion": "同意"}),
            ("county", "approve_county", {"opinion": "同意纳入"}),
        ]

    def elimination_steps(self, mode: str = "natural") -> list[tuple[str, str, dict[str, Any]]]:
        propose = {"mode": mode, "done_on": self.day(-12)}
        return [("village", "propose_elimination", propose), *self.steps()]

    def run(self, case_id: int, steps: list[tuple[str, str, dict[str, Any]]]) -> Any:
        response = None
        for role, action, body in steps:
            response = self.act(case_id, role, action, body)
            assert response.status_code == 200, (action, response.json())
        return response

    def monitored(self, hh: Household, **overrides: Any) -> int:
        """A case for the household taken through identification to `monitored`."""
        created = self.report(hh, **overrides)
        assert created.status_code == 201, created.json()
        case_id: int = created.json()["id"]
        assert self.run(case_id, self.steps()).json()["state"] == "monitored"
        return case_id


@pytest.fixture
def cadres(api_as: Callable[..., ApiClient], clock: Clock) -> Cadres:
    return Cadres(api_as, clock)


def poor_household(*, alleviated: bool = True, labours: tuple[str, ...] | None = None) -> Household:
    """A household within the line (income 5,000/person), guarantees met."""
    hh = factories.household(
        BAOFENG_VILLAGE,
        alleviated=alleviated,
        **({"labours": labours} if labours is not None else {}),
    )
    factories.income(hh, per_capita=5000, recorded_on=timezone.localdate() - dt.timedelta(days=30))
    factories.guarantees(hh)
    return hh


def recovered(hh: Household, since: dt.date) -> None:
    """Income above the line (12,000/person) from `since` on."""
    factories.income(hh, per_capita=12000, recorded_on=since)
