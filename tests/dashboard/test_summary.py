"""The summary (CONTRACT §4) over the API and the `fangpin stats` command."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum

from fangpin.dashboard.counters import counters_rebuild
from fangpin.dashboard.models import RegionCounter
from fangpin.dashboard.summary import SummaryQuery
from fangpin.monitoring.models import Case, State
from fangpin.regions.models import Region
from fangpin.registry.models import Household
from fangpin.screening.models import Warning
from tests.conftest import BAOFENG, BAOFENG_VILLAGE, CITY, YEXIAN, YEXIAN_VILLAGE
from tests.monitoring import factories
from tests.monitoring.conftest import poor_household, recovered

PROVINCE = "410000"


def _independent(prefix: str) -> dict[str, int]:
    """Count straight from the cases, the way an auditor would."""
    cases = Case.objects.filter(village__code__startswith=prefix)
    identified = cases.filter(
        state__in=[
            s
            for s in State
            if s
            not in (
                "reported",
                "verified",
                "deliberated",
                "publicized",
                "township_approved",
                "rejected",
            )
        ]
    ).aggregate(h=Count("id"), p=Sum("members_at_approval"))
    eliminated = cases.filter(state="eliminated").aggregate(
        h=Count("id"), p=Sum("members_at_approval")
    )
    return {
        "identified_households": identified["h"],
        "identified_persons": identified["p"] or 0,
        "eliminated_households": eliminated["h"],
        "eliminated_persons": eliminated["p"] or 0,
    }


def test_summary_equals_an_independent_count_and_follows_the_workflow(
    cadres, clock, django_assert_max_num_queries
):
    monitored = [
        cadres.monitored(poor_household(), risk_types=["01", "03"]),
        cadres.monitored(poor_household(alleviated=False), category="marginal"),
        cadres.monitored(
            poor_household(labours=("普通劳动力", "普通劳动力", "普通劳动力", "无劳动力")),
            category="sudden",
            risk_types=["0201"],
        ),
    ]
    cadres.report(poor_household())  # still in identification: not counted
    rejected = cadres.report(poor_household()).json()["id"]
    cadres.act(rejected, "village", "reject", {"reason": "不符合"})
    for case_id in monitored[:1]:
        recovered(Case.objects.get(pk=case_id).household, since=clock.start)
    clock.months_later(7)
    cadres.run(monitored[0], cadres.elimination_steps())

    with django_assert_max_num_queries(6):
        summary = cadres.county.api("GET", "/stats/summary").json()
    assert (
        {k: summary[k] for k in _independent(BAOFENG)}
        == _independent(BAOFENG)
        == {
            "identified_households": 3,
            "identified_persons": 10,
            "eliminated_households": 1,
            "eliminated_persons": 3,
        }
    )
    assert summary["elimination_rate_households"] == 0.3333
    assert summary["elimination_rate_persons"] == 0.3
    assert summary["by_category"]["unstable"]["households"] == 1
    assert summary["by_category"]["marginal"]["households"] == 1
    assert summary["by_category"]["sudden"] == {
        "label": "突发严重困难户",
        "households": 1,
        "persons": 4,
    }
    assert summary["by_risk_type"]["01"]["households"] == 2
    assert summary["by_risk_type"]["03"]["households"] == 1
    assert summary["by_risk_type"]["0201"]["persons"] == 4
    # The other still-open case is 7 months past its inclusion deadline.
    assert summary["overdue_cases"] == 1
    # Rebuilding the counters from the cases gives the same answer.
    counters_rebuild()
    again = cadres.county.api("GET", "/stats/summary").json()
    assert {k: again[k] for k in _independent(BAOFENG)} == _independent(BAOFENG)


def _counter_rows() -> set[tuple[str, str, str, int, int]]:
    return set(
        RegionCounter.objects.values_list("region_id", "dimension", "key", "households", "persons")
    )


def test_every_level_has_its_own_counters_equal_to_a_count_of_the_cases(cadres, clock, api_as):
    """A county approval adds to the village and to every region above it; each level's
    summary reads its own rows, and they are what a rebuild from the cases gives."""
    first = cadres.monitored(poor_household(), risk_types=["03", "01"])
    cadres.monitored(poor_household(alleviated=False), category="marginal")
    recovered(Case.objects.get(pk=first).household, since=clock.start)
    today = clock.months_later(7)
    cadres.run(first, cadres.elimination_steps())

    village = Region.objects.get(code=BAOFENG_VILLAGE)
    chain = [village.code, village.parent_id, BAOFENG, CITY, PROVINCE]
    assert set(RegionCounter.objects.values_list("region_id", flat=True)) == set(chain)
    for code in chain:
        region = Region.objects.get(code=code)
        summary = SummaryQuery(region=region, today=today).calculate().as_json()
        assert {k: summary[k] for k in _independent(region.prefix)} == _independent(
            region.prefix
        ), code
        assert summary["identified_households"] == 2 and summary["eliminated_households"] == 1
    assert (
        api_as("viewer", PROVINCE)
        .api("GET", "/stats/summary")
        .json()["by_risk_type"]["03"]["households"]
        == 1
    )

    kept = _counter_rows()
    counters_rebuild()
    assert _counter_rows() == kept


def test_open_warnings_are_counted_in_the_region_only(api_as):
    mine = factories.household(BAOFENG_VILLAGE)
    other = factories.household(YEXIAN_VILLAGE)
    for hh, status in ((mine, "open"), (mine, "dismissed"), (other, "open")):
        Warning.objects.create(
            household=hh,
            rule=f"r-{status}",
            message="预警",
            status=status,
            deadline=dt.date(2026, 12, 31),
        )
    assert api_as("county", BAOFENG).api("GET", "/stats/summary").json()["open_warnings"] == 1
    assert api_as("city", CITY).api("GET", "/stats/summary").json()["open_warnings"] == 2


def test_summary_of_a_region_outside_ones_own_is_404(api_as):
    client = api_as("county", BAOFENG)
    assert client.api("GET", f"/stats/summary?region={YEXIAN}").status_code == 404
    assert client.api("GET", f"/stats/summary?region={BAOFENG_VILLAGE}").status_code == 200


def _bulk_cases(village: str, groups: list[tuple[int, int, str]]) -> None:
    """groups: (households, persons each, final state) — bulk-created, no workflow."""
    total = sum(n for n, _, _ in groups)
    start = Household.objects.count()
    households = Household.objects.bulk_create(
        [Household(number=f"S{village}{start + i:07d}", village_id=village) for i in range(total)],
        batch_size=2000,
    )
    cases = []
    it = iter(households)
    today = dt.date(2026, 6, 30)
    for count, persons, state in groups:
        for _ in range(count):
            cases.append(
                Case(
                    household=next(it),
                    village_id=village,
                    state=state,
                    channel="cadre_visit",
                    category="unstable",
                    risk_types=["01"],
                    discovered_on=today,
                    deadline=today,
                    identified_on=today,
                    members_at_approval=persons,
                    eliminated_on=today if state == State.ELIMINATED else None,
                )
            )
    Case.objects.bulk_create(cases, batch_size=2000)


@pytest.mark.django_db
def test_the_seed_figures_give_the_seed_rates(api_as):
    """16,651 households / 50,491 persons identified; 6,014 / 19,628 eliminated."""
    _bulk_cases(
        BAOFENG_VILLAGE,
        [
            (1586, 4, State.ELIMINATED),
            (4428, 3, State.ELIMINATED),
            (9589, 3, State.MONITORED),
            (1048, 2, State.MONITORED),
        ],
    )
    counters_rebuild()
    summary = api_as("city", CITY).api("GET", "/stats/summary").json()
    assert (summary["identified_households"], summary["identified_persons"]) == (16651, 50491)
    assert (summary["eliminated_households"], summary["eliminated_persons"]) == (6014, 19628)
    assert summary["elimination_rate_households"] == 0.3612
    assert summary["elimination_rate_persons"] == 0.3887
    # Neither is the article's "36.8%": the two bases differ and the summary names both.
    assert Decimal(str(summary["elimination_rate_households"])) != Decimal("0.368")


def test_stats_command_prints_the_same_summary(cadres, capsys):
    cadres.monitored(poor_household())
    call_command("stats", "--region", BAOFENG, "--json")
    printed = json.loads(capsys.readouterr().out)
    api = cadres.county.api("GET", "/stats/summary").json()
    assert printed == api
    call_command("stats", "--region", BAOFENG)
    table = capsys.readouterr().out
    assert "纳入监测" in table and "消除率" in table and "宝丰县" in table


def test_stats_command_rejects_an_unknown_region(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as raised:
        call_command("stats", "--region", "999999")
    assert raised.value.returncode == 1


@pytest.mark.django_db
def test_a_department_may_not_read_the_summary(api_as):
    response = api_as("department", BAOFENG).api("GET", f"/stats/summary?region={BAOFENG}")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
