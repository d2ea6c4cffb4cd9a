"""Workflow guards (CONTRACT §4): each refuses with 409 and its own stable code.

A guard is a function of the `GuardContext` that raises `Conflict` or returns None. The
workflow table names which guards run on which transition; tests import `GuardCode`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from fangpin.core.errors import Conflict
from fangpin.policy.services import monitoring_line, parameter_int
from fangpin.registry.choices import Labour
from fangpin.registry.models import Guarantee, Household, IncomeRecord

from . import clock
from .error_codes import MonitoringErrorCode
from .models import Case, Category, EliminationMode, MeasureStatus

if TYPE_CHECKING:
    from fangpin.accounts.models import User


# The workflow's refusals are codes of the app's one enum (tests import it as GuardCode).
GuardCode = MonitoringErrorCode


NO_LABOUR = frozenset({Labour.LOST, Labour.NONE})


@dataclass
class GuardContext:
    case: Case
    user: User
    body: dict[str, Any]
    today: dt.date = field(default_factory=clock.today)


Guard = Callable[[GuardContext], None]


# --- household facts the guards decide on -------------------------------------------------


# A page judging many cases at once (the advisory pre-check of a queue) remembers the policy
# values it read and works on households whose incomes, guarantee and members are prefetched.
_MEMO: ContextVar[dict[tuple[str, int], Any] | None] = ContextVar("guard_memo", default=None)


@contextmanager
def memo() -> Iterator[None]:
    """Within the block, each policy value (line, parameter) of a year is read once."""
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def _remembered(key: str, year: int, read: Callable[[], Any]) -> Any:
    store = _MEMO.get()
    if store is None:
        return read()
    if (key, year) not in store:
        store[(key, year)] = read()
    return store[(key, year)]


def policy_int(key: str, year: int) -> int:
    return int(_remembered(key, year, lambda: parameter_int(key, year=year)))


def _prefetched(household: Household, name: str) -> list[Any] | None:
    cache: dict[str, Any] = getattr(household, "_prefetched_objects_cache", {})
    return list(cache[name]) if name in cache else None


def latest_income(household: Household, on: dt.date | None = None) -> IncomeRecord | None:
    """The income the decision of day `on` rests on: the latest recorded by then."""
    cached = _prefetched(household, "incomes")
    if cached is not None:
        rows = [r for r in cached if on is None or r.recorded_on <= on]
        return max(rows, key=lambda r: (r.year, r.recorded_on, r.id), default=None)
    records = household.incomes.all()
    if on is not None:
        records = records.filter(recorded_on__lte=on)
    return records.order_by("-year", "-recorded_on", "-id").first()


def line_for(record: IncomeRecord) -> Decimal | None:
    return _remembered("monitoring_line", record.year, lambda: monitoring_line(record.year))  # type: ignore[no-any-return]


def per_capita_after_spending(record: IncomeRecord) -> Decimal:
    """(net income − rigid spending, 合规自付支出) ÷ members, to the fen."""
    members = record.members or 1
    spent = record.out_of_pocket_medical or Decimal(0)
    return ((record.net_income - spent) / members).quantize(Decimal("0.01"))


def income_figure(record: IncomeRecord, category: str) -> Decimal:
    """The per-capita income a decision on `category` compares with the line: for 突发严重困难户
    it is what remains after rigid spending."""
    if category == Category.SUDDEN:
        return per_capita_after_spending(record)
    return record.per_capita_net


def income_above_line(record: IncomeRecord | None, figure: Decimal | None = None) -> bool:
    """Above the year's line: `figure` if given, else the per-capita net income."""
    if record is None:
        return False
    line = line_for(record)
    value = record.per_capita_net if figure is None else figure
    return line is not None and value > line


def _guarantee(household: Household) -> Guarantee | None:
    if Household.guarantee.related.is_cached(household):  # type: ignore[attr-defined]
        return getattr(household, "guarantee", None)
    return Guarantee.objects.filter(household=household).first()


def guarantees_assessed(household: Household) -> bool:
    return _guarantee(household) is not None


def guarantees_met(household: Household) -> bool:
    """All of 两不愁三保障 and water met; a household never assessed is not known to meet them."""
    row = _guarantee(household)
    return row is not None and row.all_met


def without_labour(household: Household) -> bool:
    """整户无劳动能力: every current member has lost or has no labour ability."""
    cached = _prefetched(household, "memberships")
    memberships = (
        [m for m in cached if m.ended_on is None]
        if cached is not None
        else household.current_memberships()
    )
    labours = [m.person.labour for m in memberships]
    return bool(labours) and all(labour in NO_LABOUR for labour in labours)


def stable_since(household: Household, on: dt.date) -> dt.date | None:
    """Since when the household's dated income records (up to `on`) are all above the line."""
    cached = _prefetched(household, "incomes")
    records = (
        sorted(
            (r for r in cached if r.recorded_on <= on),
            key=lambda r: (r.recorded_on, r.id),
            reverse=True,
        )
        if cached is not None
        else household.incomes.filter(recorded_on__lte=on).order_by("-recorded_on", "-id")
    )
    since: dt.date | None = None
    for record in records:
        if not income_above_line(record):
            break
        since = record.recorded_on
    return since


# --- the guards ----------------------------------------------------------------------------


def consent_signed(ctx: GuardContext) -> None:
    if not ctx.body.get("consent_signed"):
        raise Conflict("农户尚未签署授权承诺书,不能完成入户核实", code=GuardCode.CONSENT_NOT_SIGNED)


def deliberation_passed(ctx: GuardContext) -> None:
    total, agree = int(ctx.body["votes_total"]), int(ctx.body["votes_agree"])
    if agree * 2 <= total:
        raise Conflict(
            f"民主评议同意票 {agree} 票,未超过参会人数 {total} 的半数,评议未通过",
            code=GuardCode.DELIBERATION_NOT_PASSED,
        )


def notice_long_enough(ctx: GuardContext) -> None:
    minimum = parameter_int("notice_min_days", year=ctx.today.year)
    days = int(ctx.body["days"])
    if days < minimum:
        raise Conflict(f"公示期 {days} 天,少于规定的 {minimum} 天", code=GuardCode.NOTICE_TOO_SHORT)


def notice_ended(ctx: GuardContext) -> None:
    ends = ctx.case.notice_ends_on
    if ends is None or ctx.today <= ends:
        raise Conflict(
            f"公示期至 {ends:%Y年%m月%d日} 结束,公示期满后方可审核" if ends else "尚未公示",
            code=GuardCode.NOTICE_NOT_ENDED,
        )


def category_fits_household(ctx: GuardContext) -> None:
    case = ctx.case
    alleviated = case.household.is_alleviated
    if case.category == Category.UNSTABLE and not alleviated:
        raise Conflict(
            "该户不是脱贫户,不能认定为脱贫不稳定户(可认定为边缘易致贫户或突发严重困难户)",
            code=GuardCode.CATEGORY_NEEDS_ALLEVIATED,
        )
    if case.category == Category.MARGINAL and alleviated:
        raise Conflict(
            "该户是脱贫户,不能认定为边缘易致贫户(可认定为脱贫不稳定户或突发严重困难户)",
            code=GuardCode.CATEGORY_NEEDS_ORDINARY,
        )


def guarantees_on_record(ctx: GuardContext) -> None:
    """Unknown is not "met": the county decides on an assessment, not on its absence."""
    if not guarantees_assessed(ctx.case.household):
        raise Conflict(
            "该户没有两不愁三保障及饮水安全评估记录,请先在农户页面完成评估再审定",
            code=GuardCode.GUARANTEES_NOT_ASSESSED,
        )


def within_line_or_guarantee_problem(ctx: GuardContext) -> None:
    """Income within the line (for 突发严重困难户: after rigid spending), or a 三保障/water gap."""
    case = ctx.case
    record = latest_income(case.household, ctx.today)
    if record is None:
        return
    figure = income_figure(record, case.category)
    if income_above_line(record, figure) and guarantees_met(case.household):
        what = "扣除合规自付支出后人均收入" if case.category == Category.SUDDEN else "人均纯收入"
        raise Conflict(
            f"该户{what} {figure} 元高于 {record.year} 年监测线 "
            f"{line_for(record)} 元,且两不愁三保障及饮水安全均有保障,不符合纳入条件",
            code=GuardCode.INCOME_ABOVE_LINE,
        )


def no_open_objection(ctx: GuardContext) -> None:
    if ctx.case.objection:
        raise Conflict(
            f"公示期间有异议尚未处理:{ctx.case.objection}",
            code=GuardCode.OBJECTION_OPEN,
        )


def objection_to_resolve(ctx: GuardContext) -> None:
    if not ctx.case.objection:
        raise Conflict("没有待处理的公示异议", code=GuardCode.NO_OPEN_OBJECTION)


def household_has_labour(ctx: GuardContext) -> None:
    if without_labour(ctx.case.household):
        raise Conflict(
            "该户为整户无劳动能力户,应持续纳入兜底保障,不能标注风险消除",
            code=GuardCode.HOUSEHOLD_WITHOUT_LABOUR,
        )


def assisted_has_measure(ctx: GuardContext) -> None:
    if ctx.body.get("mode") != EliminationMode.ASSISTED:
        return
    implemented = ctx.case.household.measures.filter(status=MeasureStatus.IMPLEMENTED).exists()
    if not implemented:
        raise Conflict(
            "帮扶消除须至少有一项已落实的帮扶措施", code=GuardCode.NO_IMPLEMENTED_MEASURE
        )


def income_above_line_now(ctx: GuardContext) -> None:
    record = latest_income(ctx.case.household, ctx.today)
    if not income_above_line(record):
        detail = (
            f"该户最新人均纯收入 {record.per_capita_net} 元未高于 {record.year} 年监测线 "
            f"{line_for(record)} 元,不能消除风险"
            if record is not None
            else "该户没有收入核算记录,不能消除风险"
        )
        raise Conflict(detail, code=GuardCode.INCOME_NOT_ABOVE_LINE)


def rigid_spending_resolved(ctx: GuardContext) -> None:
    """合规自付支出 must not pull the income back to or below the line."""
    record = latest_income(ctx.case.household, ctx.today)
    if record is None or not record.out_of_pocket_medical:
        return
    figure = per_capita_after_spending(record)
    if not income_above_line(record, figure):
        raise Conflict(
            f"该户扣除合规自付支出 {record.out_of_pocket_medical} 元后人均收入 {figure} 元,"
            f"未高于 {record.year} 年监测线 {line_for(record)} 元,"
            "刚性支出问题尚未解决,不能消除风险",
            code=GuardCode.RIGID_SPENDING_NOT_RESOLVED,
        )


def all_guarantees_met(ctx: GuardContext) -> None:
    if not guarantees_met(ctx.case.household):
        raise Conflict(
            "该户两不愁三保障及饮水安全尚未全部达标,不能消除风险",
            code=GuardCode.GUARANTEE_NOT_MET,
        )


def monitored_long_enough(ctx: GuardContext) -> None:
    months = policy_int("elimination_min_months_monitored", ctx.today.year)
    identified = ctx.case.identified_on
    if identified is None or ctx.today < clock.add_months(identified, months):
        raise Conflict(
            f"纳入监测未满 {months} 个月,不能消除风险", code=GuardCode.MONITORED_TOO_BRIEFLY
        )


def income_stable_long_enough(ctx: GuardContext) -> None:
    months = policy_int("elimination_min_stable_months", ctx.today.year)
    since = stable_since(ctx.case.household, ctx.today)
    if since is None or ctx.today < clock.add_months(since, months):
        shown = f"(自 {since:%Y年%m月%d日} 起)" if since else ""
        raise Conflict(
            f"收入稳定高于监测线不足 {months} 个月{shown},不能消除风险",
            code=GuardCode.INCOME_NOT_STABLE,
        )
