"""The demo seeder gives the board real content: rounds, problems in every state (some
overdue), criteria for about 60% of the villages, rules and notices; the same seed, the same
data."""

from __future__ import annotations

import random

from django.db.models import Count
from django.utils import timezone

from fangpin.registry.models import Household
from fangpin.registry.seeding import registry_seed
from fangpin.villages.board.rating import rate_region
from fangpin.villages.board.seeding import seed
from fangpin.villages.models import (
    Announcement,
    CensusRound,
    CriterionConfirmation,
    Problem,
    RuleDocument,
)
from tests.conftest import BAOFENG, BAOFENG_TOWN


def _snapshot():
    return list(
        Problem.objects.order_by("id").values_list("village_id", "type", "status", "deadline")
    )


def test_the_demo_board_has_every_state_and_real_shares(db):
    registry_seed(households=400, random_seed=7, regions=[BAOFENG_TOWN])
    today = timezone.localdate()
    seed(rng=random.Random(5), households=Household.objects.order_by("id"), today=today)

    assert CensusRound.objects.filter(region_id=BAOFENG).count() == 2
    states = dict(Problem.objects.values_list("status").annotate(n=Count("id")))
    assert set(states) == {"open", "rectified", "closed"}
    assert Problem.objects.filter(status="open", deadline__lt=today).exists()
    assert all(p.history.exists() for p in Problem.objects.all()[:20])
    assert RuleDocument.objects.exists() and Announcement.objects.exists()

    ratings = rate_region("410421", today)
    confirmed = {
        v for (v,) in CriterionConfirmation.objects.filter(met=True).values_list("village_id")
    }
    share = len(confirmed) / len(ratings)
    assert 0.45 < share < 0.75
    assert any(r.benchmark for r in ratings) and any(not r.safe for r in ratings)

    first = _snapshot()
    seed(rng=random.Random(5), households=Household.objects.order_by("id"), today=today)
    assert _snapshot() == first  # run again: nothing added
