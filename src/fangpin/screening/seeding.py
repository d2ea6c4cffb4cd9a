"""Demo data for screening: real batches run through the engine, then some warnings handled.

Runs a medical and a housing batch over a sample of the seeded registry (so the batch list,
the counts and the warnings all come from the real pipeline), then dismisses some warnings
and opens cases from others as the county would, and backdates a few so that some are overdue.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import tempfile
from pathlib import Path

from django.db.models import QuerySet

from fangpin.accounts.models import Role, User
from fangpin.core import idcard
from fangpin.core.errors import FangpinError
from fangpin.registry.models import Household, Membership

from .models import Batch, Warning
from .services import batch_run, batch_upload, warning_dismiss, warning_open_case

DISMISS_REASONS = (
    "入户核实:费用已由大病保险和医疗救助报销,家庭收入稳定,无返贫风险",
    "入户核实:已享受住房安全保障政策,危房改造已开工",
    "核实为异地务工人员,家庭收入较高,无返贫风险",
)


def _previous_month(today: dt.date) -> str:
    last = today.replace(day=1) - dt.timedelta(days=1)
    return f"{last:%Y-%m}"


def seed(*, rng: random.Random, households: QuerySet[Household], today: dt.date) -> None:
    ids = list(households.values_list("id", flat=True))
    if not ids:
        return
    chosen = rng.sample(ids, k=min(len(ids), max(30, len(ids) // 100)))
    members = list(
        Membership.objects.filter(household_id__in=chosen, ended_on__isnull=True)
        .values_list("person__id_number", "person__name")
        .order_by("household_id", "id")
    )
    period = _previous_month(today)
    year, month = (int(x) for x in period.split("-"))
    with tempfile.TemporaryDirectory() as tmp:
        medical = Path(tmp) / f"医保结算{period}.csv"
        with medical.open("w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh)
            out.writerow(
                ["身份证号", "姓名", "结算日期", "总费用", "报销金额", "个人自付", "是否住院"]
            )
            for number, name in members:
                for _ in range(rng.randint(0, 3)):
                    own = rng.choice((300, 1200, 4000, 8000, 12000, 26000))
                    total = own * rng.choice((2, 3, 4))
                    day = dt.date(year, month, rng.randint(1, 28))
                    inpatient = "是" if own >= 4000 else "否"
                    out.writerow([number, name, day, total, total - own, own, inpatient])
            # Persons from outside the registry, and a few rows a clerk typed badly.
            for i in range(200):
                outsider = idcard.make("410402", dt.date(1960 + i % 40, 1 + i % 12, 1 + i % 28), i)
                out.writerow(
                    [outsider, "外县参保人", f"{year}-{month:02d}-05", 900, 600, 300, "否"]
                )
            out.writerow(
                ["41042119800101123", "录入错误", f"{year}-{month:02d}-07", 500, 300, 200, "否"]
            )
            out.writerow([members[0][0], members[0][1], "三月五日", 500, 300, 200, "否"])
        housing = Path(tmp) / f"住房鉴定{period}.csv"
        with housing.open("w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh)
            out.writerow(["id_number", "name", "grade", "assessed_on"])
            for number, name in members[::7]:
                grade = rng.choice("ABBCD")
                out.writerow([number, name, grade, f"{year}-{month:02d}-{rng.randint(1, 28):02d}"])
        for source, path in (("medical", medical), ("housing", housing)):
            batch = batch_upload(user=None, source=source, period=period, file=path, enqueue=False)
            batch = batch_run(batch_id=batch.pk)
            if batch.status != Batch.Status.DONE:
                # Demo data is made by the real pipeline: a failure here is a defect to see.
                raise RuntimeError(f"demo batch {batch.pk} ({source}) failed: {batch.error}")
    _handle_some(rng, today)


def _county_user(village: str) -> User | None:
    return (
        User.objects.filter(role=Role.COUNTY, region_id=village[:6], is_active=True)
        .order_by("id")
        .first()
    )


def _handle_some(rng: random.Random, today: dt.date) -> None:
    warnings = list(
        Warning.objects.filter(status=Warning.Status.OPEN)
        .select_related("household")
        .order_by("id")
    )
    rng.shuffle(warnings)
    cut = len(warnings) // 5
    for warning in warnings[:cut]:
        user = _county_user(warning.household.village_id)
        if user is not None:
            warning_dismiss(user=user, warning=warning, reason=rng.choice(DISMISS_REASONS))
    for warning in warnings[cut : 2 * cut]:
        user = _county_user(warning.household.village_id)
        if user is None:
            continue
        category = "unstable" if warning.household.is_alleviated else "sudden"
        try:
            warning_open_case(
                user=user, warning=warning, category=category, risk_types=[warning.risk_type]
            )
        except FangpinError:
            continue  # the household already has a case: the village dismisses instead
    # Some warnings have waited past their deadline (the demo shows overdue ones).
    late = [w.pk for w in warnings[2 * cut : 2 * cut + max(cut // 2, 1)]]
    Warning.objects.filter(pk__in=late, status=Warning.Status.OPEN).update(
        deadline=today - dt.timedelta(days=3)
    )
