"""三有一持续 (DOMAIN §9), derived per household, never typed.

For every 脱贫户 and every household under monitoring:
- 有产业: an implemented industry measure running, operating income in the latest income
  record, or an industry benefit link (rent, dividend, asset income) of the year;
- 有就业: a member working in a workshop, in a public-welfare job (a 公益岗 record, or an
  implemented public_job measure running), in transfer employment (转移就业), reported employed
  in the registry (employment status 务工/灵活就业/公益岗/自主创业, from the day it was
  recorded), a wage link of the year, or wage income in the latest income record (the
  registry's trace of a member in paid work);
- 有收入: the latest income record's per-capita net income above that year's monitoring line;
- 持续: the three held at every monthly check over the last N months (policy parameter
  `three_haves_sustain_months`), counting today.
Every test is made "as of" a day from dated records, so the months before are the records as
they stood then.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

from django.db.models import Q, QuerySet

from fangpin.core.scoping import region_q
from fangpin.monitoring.clock import add_months
from fangpin.monitoring.models import ELIMINATION_STATES, Case, Measure, MeasureStatus, MeasureType
from fangpin.monitoring.models import State as CaseState
from fangpin.policy.services import monitoring_line, parameter_int
from fangpin.registry.choices import EMPLOYED
from fangpin.registry.models import Household, IncomeRecord, Membership

from .models import (
    BenefitKind,
    BenefitLink,
    PublicWelfareJob,
    TransferEmployment,
    WorkshopWorker,
)

FOUR = Decimal("0.0001")
CHUNK = 900
MONITORED_STATES = frozenset({CaseState.MONITORED} | ELIMINATION_STATES)


@dataclass(frozen=True)
class ThreeHaves:
    household_id: int
    industry: bool
    employment: bool
    income: bool
    sustained: bool

    @property
    def all_three(self) -> bool:
        return self.industry and self.employment and self.income

    def as_json(self) -> dict[str, Any]:
        return {
            "household_id": self.household_id,
            "industry": self.industry,
            "employment": self.employment,
            "income": self.income,
            "all_three": self.all_three,
            "sustained": self.sustained,
        }


def share(part: int, whole: int) -> Decimal:
    """part ÷ whole to 4 decimals; 0 when there is nothing to count."""
    if not whole:
        return Decimal("0.0000")
    return (Decimal(part) / Decimal(whole)).quantize(FOUR, ROUND_HALF_UP)


def targets() -> QuerySet[Household]:
    """The 脱贫户 and the households under monitoring: those 三有一持续 is about."""
    monitored = Case.objects.filter(state__in=MONITORED_STATES).values("household_id")
    return Household.objects.filter(Q(is_alleviated=True) | Q(pk__in=monitored))


def target_households(prefix: str) -> QuerySet[Household]:
    """The target households of a region (by digit prefix)."""
    return targets().filter(region_q("village_id", prefix))


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _active(starts_on: dt.date, ends_on: dt.date | None, day: dt.date) -> bool:
    return starts_on <= day and (ends_on is None or ends_on >= day)


def checkpoints(today: dt.date) -> list[dt.date]:
    months = parameter_int("three_haves_sustain_months")
    return [add_months(today, -k) for k in range(months + 1)]


def evaluate(household_ids: Iterable[int], today: dt.date) -> dict[int, ThreeHaves]:
    """三有一持续 of each household, as of `today` (a few queries per 900 households)."""
    days = checkpoints(today)
    line = cache(monitoring_line)
    out: dict[int, ThreeHaves] = {}
    for ids in _chunks(sorted(set(household_ids))):
        incomes: dict[int, list[dict[str, Any]]] = defaultdict(list)
        row: Any
        for row in IncomeRecord.objects.filter(household_id__in=ids, recorded_on__lte=today).values(
            "id", "household_id", "year", "recorded_on", "operating", "wage", "per_capita_net"
        ):
            incomes[row["household_id"]].append(row)
        measures: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for row in Measure.objects.filter(
            household_id__in=ids,
            status=MeasureStatus.IMPLEMENTED,
            type__in=[MeasureType.INDUSTRY, MeasureType.PUBLIC_JOB],
        ).values("household_id", "type", "starts_on", "ends_on"):
            measures[row["household_id"]].append(row)
        links: dict[int, set[tuple[str, int]]] = defaultdict(set)
        for hid, kind, year in BenefitLink.objects.filter(household_id__in=ids).values_list(
            "household_id", "kind", "year"
        ):
            links[hid].add((kind, year))
        jobs: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
        for hid, starts, ends in WorkshopWorker.objects.filter(household_id__in=ids).values_list(
            "household_id", "starts_on", "ends_on"
        ):
            jobs[hid].append((starts, ends))
        for model in (PublicWelfareJob, TransferEmployment):
            for hid, starts, ends in model.objects.filter(household_id__in=ids).values_list(
                "household_id", "starts_on", "ends_on"
            ):
                jobs[hid].append((starts, ends))
        recorded: Any
        for hid, recorded in Membership.objects.filter(
            household_id__in=ids,
            ended_on__isnull=True,
            person__employment_status__in=EMPLOYED,
            person__employment_recorded_on__isnull=False,
        ).values_list("household_id", "person__employment_recorded_on"):
            jobs[hid].append((recorded, None))

        for hid in ids:
            states = [
                _as_of(day, incomes[hid], measures[hid], links[hid], jobs[hid], line)
                for day in days
            ]
            now = states[0]
            out[hid] = ThreeHaves(
                household_id=hid,
                industry=now[0],
                employment=now[1],
                income=now[2],
                sustained=all(all(s) for s in states),
            )
    return out


def _as_of(
    day: dt.date,
    incomes: list[dict[str, Any]],
    measures: list[dict[str, Any]],
    links: set[tuple[str, int]],
    jobs: list[tuple[dt.date, dt.date | None]],
    line: Any,
) -> tuple[bool, bool, bool]:
    # The income known on the day: of the latest year, its latest record (as the registry
    # reads "latest income"), among the records made by then.
    record = max(
        (row for row in incomes if row["recorded_on"] <= day),
        key=lambda row: (row["year"], row["recorded_on"], row["id"]),
        default=None,
    )
    running = {m["type"] for m in measures if _active(m["starts_on"], m["ends_on"], day)}
    kinds = {kind for kind, year in links if year == day.year}
    industry = (
        MeasureType.INDUSTRY in running
        or (record is not None and record["operating"] > 0)
        or bool(kinds - {BenefitKind.WAGE})
    )
    employment = (
        MeasureType.PUBLIC_JOB in running
        or BenefitKind.WAGE in kinds
        or any(_active(starts, ends, day) for starts, ends in jobs)
        or (record is not None and record["wage"] > 0)
    )
    income = False
    if record is not None:
        limit = line(record["year"])
        income = limit is not None and record["per_capita_net"] > limit
    return industry, employment, income


@dataclass(frozen=True)
class Shares:
    households: int
    industry: int
    employment: int
    income: int
    all_three: int
    sustained: int

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"households": self.households}
        for name in ("industry", "employment", "income", "all_three", "sustained"):
            count = getattr(self, name)
            data[name] = count
            data[f"{name}_share"] = float(share(count, self.households))
        return data


def region_shares(prefix: str, today: dt.date) -> Shares:
    ids = list(target_households(prefix).values_list("pk", flat=True))
    found = evaluate(ids, today).values()
    return Shares(
        households=len(ids),
        industry=sum(1 for h in found if h.industry),
        employment=sum(1 for h in found if h.employment),
        income=sum(1 for h in found if h.income),
        all_three=sum(1 for h in found if h.all_three),
        sustained=sum(1 for h in found if h.sustained),
    )
