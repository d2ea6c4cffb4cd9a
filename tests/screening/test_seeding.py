"""The demo seeder runs real batches and leaves open, dismissed and case-opened warnings."""

from __future__ import annotations

import datetime as dt
import random

from fangpin.registry.models import Household
from fangpin.screening.models import Batch, Warning
from fangpin.screening.seeding import seed

from .conftest import id_for


def test_the_demo_seeder_leaves_warnings_in_every_status(household, county):
    for i in range(40):
        household(
            [
                (f"户主{i}", id_for(dt.date(1960 + i % 30, 1, 1))),
                (f"子{i}", id_for(dt.date(1990, 2, 2))),
            ],
            alleviated=i % 3 == 0,
        )
    seed(
        rng=random.Random(7),
        households=Household.objects.order_by("id"),
        today=dt.date(2024, 6, 15),
    )
    batches = list(Batch.objects.order_by("id"))
    assert [(b.source, b.period, b.status) for b in batches] == [
        ("medical", "2024-05", "done"),
        ("housing", "2024-05", "done"),
    ]
    assert batches[0].rows_unmatched == 200
    assert batches[0].rows_malformed == 2
    statuses = set(Warning.objects.values_list("status", flat=True))
    assert statuses == {"open", "dismissed", "case_opened"}
