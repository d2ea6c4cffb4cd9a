"""County approvals in several villages at once: every one is counted in the village, its
county, the city and the province, and none waits forever on another (no deadlock)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from fangpin.dashboard.counters import counters_apply, identification_deltas
from fangpin.dashboard.models import Dimension, RegionCounter
from tests.conftest import BAOFENG, BAOFENG_VILLAGE, CITY, YEXIAN, YEXIAN_VILLAGE

PROVINCE = "410000"


def _identified(region: str) -> tuple[int, int]:
    row = RegionCounter.objects.get(region_id=region, dimension=Dimension.IDENTIFIED, key="")
    return row.households, row.persons


# SQLite's shared-cache test database refuses a second writer at once instead of queueing it
# (see tests/monitoring/test_concurrency.py); the race is real on PostgreSQL.
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_approvals_at_once_in_two_counties_all_count(reference_data_restored) -> None:
    villages = [BAOFENG_VILLAGE, YEXIAN_VILLAGE] * 3
    barrier = threading.Barrier(len(villages))
    errors: list[BaseException] = []

    def approve(index: int) -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                counters_apply(
                    village_id=villages[index],
                    deltas=identification_deltas(
                        category="unstable",
                        # The same risk types in either order: the rows are still locked in one.
                        risk_types=["01", "03"] if index % 2 else ["03", "01"],
                        persons=2,
                    ),
                )
                time.sleep(0.05)  # hold the rows while the others arrive
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(i,)) for i in range(len(villages))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert _identified(PROVINCE) == _identified(CITY) == (6, 12)
    assert _identified(BAOFENG) == _identified(YEXIAN) == _identified(BAOFENG_VILLAGE) == (3, 6)
    risk_rows = RegionCounter.objects.filter(region_id=PROVINCE, dimension=Dimension.RISK_TYPE)
    assert dict(risk_rows.values_list("key", "households")) == {"01": 6, "03": 6}
