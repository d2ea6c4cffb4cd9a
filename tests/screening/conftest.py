"""Screening fixtures: a registry built through the registry services, files written on the
fly, jobs run in the test's own process."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from django_q.conf import Conf

from fangpin.accounts.models import User
from fangpin.core import idcard
from fangpin.registry.models import Household
from fangpin.registry.services import household_create
from fangpin.screening.models import Batch
from fangpin.screening.services import batch_upload
from fangpin.screening.sources import SOURCES
from tests.conftest import BAOFENG, BAOFENG_VILLAGE

_seq = iter(range(100, 999))


def id_for(birth: dt.date, address: str = "410421") -> str:
    return idcard.make(address, birth, next(_seq))


@pytest.fixture(autouse=True)
def screening_sandbox(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Files go to the test's own directory; jobs run synchronously in this process."""
    settings.FANGPIN_SCREENING_DIR = tmp_path / "screening"
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(Conf, "SYNC", True)
    return tmp_path


@pytest.fixture
def county(make_user: Callable[..., User]) -> User:
    return make_user("county", BAOFENG)


@pytest.fixture
def household(county: User) -> Callable[..., Household]:
    """household([("张三", birth), ...], alleviated=False) -> a registered household."""

    def make(members: Sequence[tuple[str, str]], *, alleviated: bool = False) -> Household:
        people = []
        for i, (name, id_number) in enumerate(members):
            people.append(
                {
                    "name": name,
                    "id_number": id_number,
                    "relation": "户主" if i == 0 else "之子",
                }
            )
        return household_create(
            user=county, village_code=BAOFENG_VILLAGE, is_alleviated=alleviated, members=people
        )

    return make


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def english_header(source: str) -> list[str]:
    return [c.name for c in SOURCES[source].columns]


@pytest.fixture
def screen(
    county: User, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> Callable[..., Batch]:
    """screen("medical", "2024-03", rows) -> the finished batch (English headers, csv)."""

    def run(
        source: str,
        period: str,
        rows: Sequence[Sequence[Any]],
        *,
        header: Sequence[str] | None = None,
        name: str = "batch.csv",
        engine: str = "duckdb",
    ) -> Batch:
        path = write_csv(tmp_path / name, header or english_header(source), rows)
        with django_capture_on_commit_callbacks(execute=True):
            batch = batch_upload(
                user=county, source=source, period=period, file=path, engine=engine
            )
        batch.refresh_from_db()
        return batch

    return run


def make_monitored(household: Household) -> None:
    """Put a household under monitoring (a case in state `monitored`).

    Reaching `monitored` through the workflow takes a dozen steps that the monitoring tests
    cover; here only the state matters, so the case row is written directly.
    """
    from fangpin.monitoring.models import Case

    Case.objects.create(
        household=household,
        village_id=household.village_id,
        state="monitored",
        channel="cadre_visit",
        category="marginal",
        risk_types=["01"],
        discovered_on=dt.date(2024, 1, 2),
        deadline=dt.date(2024, 1, 20),
    )


def warnings_of(rule: str) -> dict[str, Any]:
    """{person name: finding} for one rule: the warnings naming it, and, for a household with
    an open case, the evidence the event added to that case (`message`: the case entry's text)."""
    from types import SimpleNamespace

    from fangpin.monitoring.models import CaseEvent
    from fangpin.registry.models import Person
    from fangpin.screening.models import Warning

    found: dict[str, Any] = {
        w.person.name: w
        for w in Warning.objects.select_related("person")
        if w.person is not None and rule in w.rules
    }
    for event in CaseEvent.objects.filter(action="department_evidence"):
        if rule in event.body["rules"]:
            name = Person.objects.get(pk=event.body["person"]).name
            found[name] = SimpleNamespace(message=event.body["finding"], case=event.case)
    return found
