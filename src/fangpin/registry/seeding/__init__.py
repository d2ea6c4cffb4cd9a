"""A believable synthetic registry, for demos and benchmarks (`fangpin seed`).

Households are spread over the real villages of the chosen counties, with families shaped
like rural Henan ones (elderly couples, three generations, left-behind grandchildren), valid
ID numbers that agree with birth date, sex and county, incomes around the monitoring line and
a few guarantee problems.

Deterministic: the same `random_seed` on the same database state gives the same rows. ID
numbers and household numbers continue after those already stored, so seeding again (with any
seed) never collides with earlier rows.

Speed: on PostgreSQL, generator processes (one per core) build each batch's rows as ready
COPY buffers and this process writes them, batch after batch, with COPY (`parallel`);
elsewhere the rows are written with one executemany per table. Primary keys are reserved
up front in blocks, so no row needs a round trip.
No simple-history rows are written: history records what people changed, and a generated
registry is nobody's change; the first real edit of a seeded row starts its history.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import time
from collections.abc import Sequence
from decimal import Decimal

from django.db import connection
from django.utils import timezone
from tqdm import tqdm

from fangpin.core.errors import BadValue

from .households import MAX_HOUSEHOLD_SEQUENCE as MAX_HOUSEHOLD_SEQUENCE
from .households import MAX_MEMBERS as MAX_MEMBERS
from .households import REGISTRY_START as REGISTRY_START
from .households import TASK_COUNTIES as TASK_COUNTIES
from .households import SeedResult as SeedResult
from .households import _prepare_villages
from .names import FEMALE as FEMALE
from .names import MALE as MALE
from .names import SURNAMES as SURNAMES
from .names import short_village_name as short_village_name
from .parallel import SLOTS, _Plan, _Setting, reserve_keys, run_in_process, run_parallel
from .writers import _Writer


def default_processes() -> int:
    """Generator processes when the caller does not say: one per core, at least two."""
    return max(2, os.cpu_count() or 1)


def registry_seed(
    *,
    households: int,
    random_seed: int = 0,
    regions: Sequence[str] = TASK_COUNTIES,
    today: dt.date | None = None,
    progress: bool = False,
    batch_size: int = 2000,
    processes: int | None = None,
) -> SeedResult:
    """Add `households` synthetic households (with members, income and guarantees).

    `regions` are codes of any level (province 410000, city, county, township or village);
    households are spread over the real villages under them, bigger villages getting more.
    On PostgreSQL, outside a caller's transaction, `processes` generator processes (default:
    one per core) build the batches; elsewhere they are built in this process. The rows
    depend on `random_seed` and the registry already stored only, not on the number of
    processes or on timing (see `parallel`).
    """
    if households < 0:
        raise BadValue("农户数不能为负数", code="invalid_households")
    if batch_size < 1:
        raise BadValue("批大小必须为正数", code="invalid_batch_size")
    from fangpin.policy.services import monitoring_line

    from ..models import Person

    started = time.perf_counter()
    processes = processes if processes is not None else default_processes()
    if processes < 1:
        raise BadValue("生成进程数必须为正数", code="invalid_processes")
    today = today or timezone.localdate()
    rng = random.Random(random_seed)
    villages = _prepare_villages(regions)
    line = monitoring_line(today.year) or Decimal(8300)
    parallel = (
        connection.vendor == "postgresql" and not connection.in_atomic_block and processes > 1
    )
    # The writer thread (overlapping writes with generation in this process) is for the
    # in-process path; generator processes are forked before any thread exists.
    writer = _Writer(threaded=not parallel)
    setting = _Setting(
        villages=villages,
        today=today,
        line=line,
        slots=SLOTS,
        # An empty registry has no stored number to collide with: skip the lookups.
        check_stored=Person.objects.exists(),
    )
    keys = reserve_keys(writer, households, batch_size)
    plan = _Plan(rng, villages, households, batch_size, keys)
    bar = tqdm(total=households, unit="户", file=sys.stderr, disable=not progress, desc="生成农户")
    try:
        if parallel:
            persons = run_parallel(setting, plan, processes, lambda n, _: bar.update(n))
        else:
            persons = run_in_process(setting, plan, writer, lambda n, _: bar.update(n))
    finally:
        writer.close()
        bar.close()
    return SeedResult(households, persons, time.perf_counter() - started)
