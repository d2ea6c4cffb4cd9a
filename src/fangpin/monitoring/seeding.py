"""Demo cases: a few percent of the seeded households, in every state, with their history.

Every case goes through the real services, step by step, on a simulated calendar (the
monitoring clock is moved to each step's day), so that states, events, snapshots, counters,
plans and measures are what the workflow itself would have produced, and no case stands where
a guard would have refused it: an elimination is attempted only on top of an income that rose
above the line long enough ago, and a household the guards refuse simply stays where it was.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from fangpin.accounts.models import Role, User
from fangpin.accounts.seeding import DemoActors
from fangpin.core.errors import FangpinError
from fangpin.policy.services import monitoring_line
from fangpin.registry.models import Household, IncomeRecord

from . import clock, services
from .guards import guarantees_met, income_above_line, latest_income, without_labour
from .models import Case, CaseEvent, MeasureStatus, MeasureType, State

# Share of the given households that get a case (the seed: ~1.7% of rural households were
# identified; demos show a little more so every village list has something).
CASE_SHARE = 0.02
HELPER_UNITS = ("县农业农村局", "县人社局", "县卫健委", "县教体局", "乡镇政府", "县供电公司")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ("建国", "红梅", "志强", "秀英", "国庆", "丽娟", "海涛", "桂兰", "新华", "春燕")
RISK_CHOICES = ("01", "01", "01", "03", "04", "05", "06", "07", "09", "0201", "0203", "99")
MEASURES_FOR_RISK: dict[str, tuple[str, ...]] = {
    "01": (MeasureType.HEALTH, MeasureType.SOCIAL_GUARANTEE, MeasureType.INSURANCE),
    "03": (MeasureType.SOCIAL_GUARANTEE, MeasureType.PUBLIC_JOB),
    "04": (MeasureType.SOCIAL_GUARANTEE, MeasureType.PUBLIC_JOB),
    "05": (MeasureType.INSURANCE, MeasureType.SOCIAL_HELP),
    "06": (MeasureType.INDUSTRY, MeasureType.FINANCE),
    "07": (MeasureType.EMPLOYMENT, MeasureType.PUBLIC_JOB),
    "09": (MeasureType.COMPULSORY_EDUCATION, MeasureType.OTHER_EDUCATION),
}
MEASURE_TEXT: dict[str, str] = {
    MeasureType.INDUSTRY: "发展食用菌种植,提供菌棒和技术指导",
    MeasureType.EMPLOYMENT: "推荐到就业帮扶车间务工,发放一次性交通补贴",
    MeasureType.FINANCE: "发放脱贫人口小额信贷5万元",
    MeasureType.PUBLIC_JOB: "安排村级保洁公益岗位",
    MeasureType.HEALTH: "落实家庭医生签约和大病专项救治",
    MeasureType.COMPULSORY_EDUCATION: "落实义务教育阶段生活补助",
    MeasureType.OTHER_EDUCATION: "申请雨露计划职业教育补助",
    MeasureType.HOUSING: "实施危房改造",
    MeasureType.WATER: "接通农村安全饮水管网",
    MeasureType.SOCIAL_GUARANTEE: "纳入农村低保",
    MeasureType.SOCIAL_HELP: "联系爱心企业结对帮扶",
    MeasureType.INSURANCE: "参加防贫保险",
}
# Where each case ends up (cumulative shares).
TARGETS: tuple[tuple[float, State], ...] = (
    (0.07, State.REJECTED),
    (0.13, State.REPORTED),
    (0.16, State.VERIFIED),
    (0.19, State.DELIBERATED),
    (0.22, State.PUBLICIZED),
    (0.25, State.TOWNSHIP_APPROVED),
    (0.58, State.MONITORED),
    (0.66, State.ELIMINATION_PUBLICIZED),
    (1.00, State.ELIMINATED),
)
IDENTIFICATION_ORDER = (
    State.REPORTED,
    State.VERIFIED,
    State.DELIBERATED,
    State.PUBLICIZED,
    State.TOWNSHIP_APPROVED,
    State.MONITORED,
)


class _Story:
    """One case told step by step on the simulated calendar."""

    def __init__(
        self, rng: random.Random, actors: DemoActors, hh: Household, today: dt.date
    ) -> None:
        self.rng, self.actors, self.hh, self.today = rng, actors, hh, today
        village = hh.village_id
        self.village = actors.get(Role.VILLAGE, village)
        self.township = actors.get(Role.TOWNSHIP, village[:9])
        self.county = actors.get(Role.COUNTY, village[:6])
        self.case: Case | None = None

    def _at(self, day: dt.date) -> None:
        clock_state["day"] = day

    def _stamp(self, day: dt.date) -> None:
        """Give the event just written the simulated day (services stamp it with now)."""
        assert self.case is not None
        last = CaseEvent.objects.filter(case=self.case).order_by("-id").first()
        if last is not None:
            moment = dt.datetime.combine(day, dt.time(9 + self.rng.randint(0, 8)))
            CaseEvent.objects.filter(pk=last.pk).update(
                at=timezone.make_aware(moment, timezone.get_current_timezone())
            )

    def step(self, day: dt.date, user: User, action: str, body: dict[str, Any]) -> bool:
        assert self.case is not None
        self._at(day)
        try:
            self.case = services.case_act(user=user, case_id=self.case.pk, action=action, body=body)
        except FangpinError:
            return False
        self._stamp(day)
        return True

    def report(self, day: dt.date) -> bool:
        self._at(day)
        risks = sorted(set(self.rng.sample(RISK_CHOICES, k=self.rng.choice((1, 1, 2, 2, 3)))))
        record = latest_income(self.hh, day)
        if income_above_line(record) and guarantees_met(self.hh):
            category = "sudden"
        elif self.hh.is_alleviated:
            category = self.rng.choice(("unstable", "unstable", "sudden"))
        else:
            category = self.rng.choice(("marginal", "marginal", "sudden"))
        channel = self.rng.choice(("self_report", "cadre_visit", "cadre_visit"))
        try:
            self.case = services.case_create(
                user=self.village,
                household=self.hh,
                channel=channel,
                category=category,
                risk_types=risks,
                description=self.rng.choice(
                    (
                        "家庭成员患病住院,医疗支出较大,收入下降",
                        "主要劳动力务工收入不稳定",
                        "遭受自然灾害,农作物减产",
                        "子女上学支出较大",
                        "意外事故导致家庭收入骤减",
                    )
                ),
            )
        except FangpinError:
            return False
        Case.objects.filter(pk=self.case.pk).update(
            created_at=timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
        )
        self._stamp(day)
        return True

    def identification(self, start: dt.date, until: State) -> dt.date:
        """Take the case from reported towards `until`; returns the last step's day."""
        steps: list[tuple[int, User, str, dict[str, Any]]] = [
            (2, self.village, "verify", {"findings": "入户核实,情况属实", "consent_signed": True}),
            (3, self.village, "deliberate", self._votes()),
            (2, self.village, "publicize", {}),
            (8, self.township, "approve_township", {"opinion": "经审核,同意"}),
            (3, self.county, "approve_county", {"opinion": "经审定,同意纳入监测"}),
        ]
        return self._walk(start, steps, IDENTIFICATION_ORDER.index(until))

    def elimination(self, start: dt.date, steps_wanted: int) -> dt.date:
        implemented = self.hh.measures.filter(status=MeasureStatus.IMPLEMENTED).exists()
        steps: list[tuple[int, User, str, dict[str, Any]]] = [
            (
                0,
                self.village,
                "propose_elimination",
                {"mode": "assisted" if implemented else "natural"},
            ),
            (
                3,
                self.village,
                "verify",
                {"findings": "入户核查,收入稳定,风险已消除", "consent_signed": True},
            ),
            (3, self.village, "deliberate", self._votes()),
            (2, self.village, "publicize", {}),
            (8, self.township, "approve_township", {"opinion": "同意消除"}),
            (3, self.county, "approve_county", {"opinion": "同意标注风险消除"}),
        ]
        return self._walk(start, steps, steps_wanted)

    def _walk(
        self, day: dt.date, steps: list[tuple[int, User, str, dict[str, Any]]], n: int
    ) -> dt.date:
        for gap, user, action, body in steps[:n]:
            day += dt.timedelta(days=gap + self.rng.randint(0, 1))
            if day > self.today:  # the story has reached today: the rest is still to come
                break
            if action == "publicize":
                body = {"starts_on": day, "days": 5 + self.rng.randint(0, 2)}
            if not self.step(day, user, action, body):
                break
        return day

    def _votes(self) -> dict[str, Any]:
        total = self.rng.randint(9, 25)
        agree = total - self.rng.randint(0, total // 4)
        return {
            "votes_total": total,
            "votes_agree": agree,
            "votes_disagree": total - agree,
            "minutes": "村民代表会议民主评议,多数同意",
        }

    def reject(self, day: dt.date) -> None:
        assert self.case is not None
        role_for = {
            State.REPORTED: self.village,
            State.VERIFIED: self.village,
            State.DELIBERATED: self.village,
            State.PUBLICIZED: self.township,
            State.TOWNSHIP_APPROVED: self.county,
        }
        user = role_for.get(State(self.case.state))
        if user is not None:
            reason = self.rng.choice(
                ("经核实家庭收入较高,不符合纳入条件", "经信息比对,家庭有商品房和车辆")
            )
            self.step(day, user, "reject", {"reason": reason})

    def assistance(self, day: dt.date) -> None:
        assert self.case is not None
        self._at(day)
        name = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)
        contact = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)
        services.plan_set(
            user=self.village,
            case_id=self.case.pk,
            summary="一户一策:" + "、".join(self.case.risk_types) + " 类风险对应帮扶",
            helper_name=name,
            helper_phone=f"139{self.rng.randint(10000000, 99999999)}",
            helper_unit=self.rng.choice(HELPER_UNITS),
            contact_name=contact,
            contact_phone=f"137{self.rng.randint(10000000, 99999999)}",
            contact_unit="村委会",
        )
        self._stamp(day)
        kinds: list[str] = []
        for risk in self.case.risk_types:
            kinds += MEASURES_FOR_RISK.get(risk, (MeasureType.SOCIAL_HELP,))[:1]
        if self.rng.random() < 0.5:
            kinds.append(self.rng.choice((MeasureType.INDUSTRY, MeasureType.EMPLOYMENT)))
        for kind in dict.fromkeys(kinds):
            starts = day + dt.timedelta(days=self.rng.randint(0, 20))
            services.measure_create(
                user=self.village,
                case_id=self.case.pk,
                type=kind,
                content=MEASURE_TEXT[kind],
                amount=Decimal(self.rng.choice((0, 500, 1200, 3000, 50000))) or None,
                starts_on=starts,
                status=MeasureStatus.IMPLEMENTED
                if self.rng.random() < 0.75
                else MeasureStatus.PLANNED,
            )
            self._stamp(day)


clock_state: dict[str, dt.date] = {}


def _income(hh: Household, on: dt.date, share: str) -> None:
    """An income record of `share` × the line per person, recorded on `on`."""
    line = monitoring_line(on.year) or Decimal(8300)
    members = max(hh.member_count, 1)
    per = (line * Decimal(share)).quantize(Decimal("0.01"))
    IncomeRecord.objects.create(
        household=hh,
        year=on.year,
        recorded_on=on,
        wage=per * members,
        members=members,
        net_income=per * members,
        per_capita_net=per,
    )


def _recovered_income(hh: Household, on: dt.date) -> None:
    """The household's income rose above the line (recorded on `on`)."""
    _income(hh, on, "1.35")


def _target(rng: random.Random) -> State:
    draw = rng.random()
    return next(state for share, state in TARGETS if draw < share)


def seed(*, rng: random.Random, households: QuerySet[Household], today: dt.date) -> None:
    """Cases for about 2% of `households`, spread over every state of the workflow."""
    ids = list(households.values_list("id", flat=True))
    if not ids:
        return
    taken = set(Case.objects.open().values_list("household_id", flat=True))
    chosen = [i for i in rng.sample(ids, k=max(20, int(len(ids) * CASE_SHARE))) if i not in taken]
    actors = DemoActors()
    real_today: Callable[[], dt.date] = clock.today
    clock_state["day"] = today
    clock.today = lambda: clock_state["day"]  # type: ignore[assignment]
    try:
        for household_id in chosen:
            with transaction.atomic():
                _one(rng, actors, household_id, today)
    finally:
        clock.today = real_today  # type: ignore[assignment]


def _one(rng: random.Random, actors: DemoActors, household_id: int, today: dt.date) -> None:
    hh = Household.objects.select_related("village").get(pk=household_id)
    story = _Story(rng, actors, hh, today)
    target = _target(rng)
    if target in (
        State.REPORTED,
        State.VERIFIED,
        State.DELIBERATED,
        State.PUBLICIZED,
        State.TOWNSHIP_APPROVED,
    ):
        # Recent: some of these are past their 15-working-day deadline (overdue).
        # Most within their deadline; about one in five past it (overdue).
        late = rng.random() < 0.2
        start = today - dt.timedelta(days=rng.randint(25, 45) if late else rng.randint(1, 18))
        # The income fell (illness, lost work...): recorded shortly before it was reported.
        _income(hh, start - dt.timedelta(days=rng.randint(1, 5)), rng.choice(("0.6", "0.8", "0.9")))
        if story.report(start):
            story.identification(start, target)
        return
    if target == State.REJECTED:
        start = today - dt.timedelta(days=rng.randint(20, 300))
        if story.report(start):
            day = story.identification(start, rng.choice(IDENTIFICATION_ORDER[:5]))
            story.reject(day + dt.timedelta(days=2))
        return
    # Identified: long enough ago for an elimination to be possible where wanted. What made
    # the household fall within the line then is on record (a lower income before discovery).
    start = today - dt.timedelta(days=rng.randint(260, 640))
    _income(hh, start - dt.timedelta(days=rng.randint(5, 30)), rng.choice(("0.7", "0.85", "0.95")))
    if not story.report(start):
        return
    identified_on = story.identification(start, State.MONITORED)
    if story.case is None or story.case.state != State.MONITORED:
        return
    story.assistance(identified_on + dt.timedelta(days=rng.randint(3, 15)))
    if target == State.MONITORED:
        return
    if not (income_above_line(latest_income(hh)) and guarantees_met(hh) and not without_labour(hh)):
        # Not (yet) out of risk by the registry's figures: it stays monitored.
        return
    rose_on = identified_on + dt.timedelta(days=rng.randint(20, 40))
    propose_on = rose_on + dt.timedelta(days=190 + rng.randint(0, 30))
    if propose_on + dt.timedelta(days=25) > today:
        return
    _recovered_income(hh, rose_on)
    if target == State.ELIMINATION_PUBLICIZED:
        # An elimination under way now: proposed recently, at a random step.
        propose_on = today - dt.timedelta(days=rng.randint(5, 20))
        story.elimination(propose_on, rng.randint(1, 5))
        return
    _recovered_income(hh, propose_on - dt.timedelta(days=3))
    story.elimination(propose_on, 6)
