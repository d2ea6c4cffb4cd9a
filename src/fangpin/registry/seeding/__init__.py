"""A believable synthetic registry, for demos and benchmarks (`fangpin seed`).

Households are spread over the real villages of the chosen counties, with families shaped
like rural Henan ones (elderly couples, three generations, left-behind grandchildren), valid
ID numbers that agree with birth date, sex and county, incomes around the monitoring line and
a few guarantee problems.

Deterministic: the same `random_seed` on the same database state gives the same rows. ID
numbers and household numbers continue after those already stored, so seeding again (with any
seed) never collides with earlier rows.

Speed: rows are built as plain dicts and written per batch with PostgreSQL's COPY (from a
writer thread, overlapping the next batch's generation), or one executemany elsewhere, with
primary keys reserved up front so that no row needs a round trip.
No simple-history rows are written: history records what people changed, and a generated
registry is nobody's change; the first real edit of a seeded row starts its history.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from collections.abc import Sequence
from decimal import Decimal

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
from .people import _Generator, _IdNumbers
from .writers import _build_batch, _Writer


def registry_seed(
    *,
    households: int,
    random_seed: int = 0,
    regions: Sequence[str] = TASK_COUNTIES,
    today: dt.date | None = None,
    progress: bool = False,
    batch_size: int = 2000,
) -> SeedResult:
    """Add `households` synthetic households (with members, income and guarantees).

    `regions` are county, township or village codes; households are spread over the real
    villages under them, bigger villages getting more.
    """
    if households < 0:
        raise BadValue("农户数不能为负数", code="invalid_households")
    from fangpin.policy.services import monitoring_line

    started = time.perf_counter()
    today = today or timezone.localdate()
    rng = random.Random(random_seed)
    villages = _prepare_villages(regions)
    line = monitoring_line(today.year) or Decimal(8300)
    generator = _Generator(rng, today, line)
    ids = _IdNumbers()
    # Village sizes vary: a log-normal weight per village, fixed by the seed.
    weights = [rng.lognormvariate(0, 0.45) for _ in villages]
    writer = _Writer()
    persons = 0
    bar = tqdm(total=households, unit="户", file=sys.stderr, disable=not progress, desc="生成农户")
    try:
        done = 0
        while done < households:
            size = min(batch_size, households - done)
            picks = rng.choices(range(len(villages)), weights=weights, k=size)
            tables = _build_batch(writer, generator, ids, villages, picks)
            writer.submit(tables)
            persons += len(tables[1][1])
            done += size
            bar.update(size)
    finally:
        writer.close()
        bar.close()
    return SeedResult(households, persons, time.perf_counter() - started)
