"""Post-assessment sampling (后评估抽样): about 10 villages and 300 households per county,
stratified and weighted, reproducible from a seed.

Each household of a county falls in exactly one stratum, the first that applies:
a monitored object of each category (脱贫不稳定户, 边缘易致贫户, 突发严重困难户: a case now
under monitoring or in its elimination procedure), a family with a member with a serious illness
(患大病), a family hit by a disaster (a case or warning with a 02xx risk type), another 脱贫户,
and the other (ordinary) rural households. Each stratum has a weight (policy parameters
`sample_weight_*`).

Per county: villages are drawn without replacement with probability proportional to the sum of
their households' weights (Efraimidis–Spirakis keys); the county's households are then allocated
among the strata in proportion to weight × households of the stratum in the drawn villages
(largest remainders, never more than a stratum holds) and drawn at random inside each stratum.
The random generator is seeded with the seed and the county code, so the same seed gives the same
sample, and adding a county does not change another county's draw.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from fangpin.core.scoping import region_q
from fangpin.monitoring.models import ELIMINATION_STATES, Case, Category, State
from fangpin.policy.services import parameter
from fangpin.registry.models import Household, Membership
from fangpin.screening.models import Warning

# Stratum key -> (label, weight parameter), in the order a household is tested against them.
STRATA: dict[str, tuple[str, str]] = {
    Category.UNSTABLE.value: ("监测对象:脱贫不稳定户", "sample_weight_monitored"),
    Category.MARGINAL.value: ("监测对象:边缘易致贫户", "sample_weight_monitored"),
    Category.SUDDEN.value: ("监测对象:突发严重困难户", "sample_weight_monitored"),
    "serious_illness": ("大病患者家庭", "sample_weight_serious_illness"),
    "disaster": ("受灾家庭", "sample_weight_disaster"),
    "alleviated": ("其他脱贫户", "sample_weight_alleviated"),
    "general": ("一般农户", "sample_weight_general"),
}
MONITORED_STATES = frozenset({State.MONITORED} | ELIMINATION_STATES)
SERIOUS = "大病"


def weights() -> dict[str, Decimal]:
    return {key: parameter(param) for key, (_, param) in STRATA.items()}


def household_strata(prefix: str) -> dict[int, tuple[str, str]]:
    """{household id: (village code, stratum)} for every household under `prefix`."""
    households = dict(
        Household.objects.filter(region_q("village_id", prefix)).values_list("id", "village_id")
    )
    alleviated = set(
        Household.objects.filter(region_q("village_id", prefix), is_alleviated=True).values_list(
            "id", flat=True
        )
    )
    monitored: dict[int, str] = {}
    disaster: set[int] = set()
    for household_id, state, category, risks in Case.objects.filter(
        region_q("village_id", prefix)
    ).values_list("household_id", "state", "category", "risk_types"):
        if state in MONITORED_STATES:
            monitored[household_id] = category
        if any(str(code).startswith("02") for code in risks or []):
            disaster.add(household_id)
    disaster |= set(
        Warning.objects.filter(region_q("village_id", prefix))
        .filter(risk_type__startswith="02")
        .values_list("household_id", flat=True)
    )
    ill = set(
        Membership.objects.filter(region_q("household__village_id", prefix))
        .filter(Q(ended_on__isnull=True), person__health__contains=SERIOUS)
        .values_list("household_id", flat=True)
    )
    out: dict[int, tuple[str, str]] = {}
    for household_id, village in households.items():
        if household_id in monitored:
            stratum = monitored[household_id]
        elif household_id in ill:
            stratum = "serious_illness"
        elif household_id in disaster:
            stratum = "disaster"
        elif household_id in alleviated:
            stratum = "alleviated"
        else:
            stratum = "general"
        out[household_id] = (village, stratum)
    return out


@dataclass
class CountyDraw:
    county: str
    villages: list[str] = field(default_factory=list)
    households: list[tuple[int, str]] = field(default_factory=list)  # (household id, stratum)
    population: dict[str, int] = field(default_factory=dict)  # in the whole county
    in_villages: dict[str, int] = field(default_factory=dict)  # in the drawn villages


def allocate(total: int, sizes: dict[str, int], w: dict[str, Decimal]) -> dict[str, int]:
    """Split `total` among strata in proportion to weight × size, none above its size."""
    alloc = {key: 0 for key in sizes}
    left = min(total, sum(sizes.values()))
    open_keys = [k for k in sizes if sizes[k] > 0 and w[k] > 0]
    while left > 0 and open_keys:
        mass = sum(w[k] * sizes[k] for k in open_keys)
        shares = {k: Decimal(left) * w[k] * sizes[k] / mass for k in open_keys}
        given = 0
        for k in open_keys:
            take = min(int(shares[k]), sizes[k] - alloc[k])
            alloc[k] += take
            given += take
        left -= given
        # Largest remainders, one each, in a fixed order.
        for k in sorted(open_keys, key=lambda k: (-(shares[k] - int(shares[k])), k)):
            if left == 0:
                break
            if alloc[k] < sizes[k]:
                alloc[k] += 1
                left -= 1
        open_keys = [k for k in open_keys if alloc[k] < sizes[k]]
    if left > 0:  # only strata of weight 0 are left
        for k in sorted(sizes):
            take = min(left, sizes[k] - alloc[k])
            alloc[k] += take
            left -= take
    return alloc


def draw_county(
    county: str, *, villages: int, households: int, seed: int, w: dict[str, Decimal]
) -> CountyDraw:
    rng = random.Random(f"{seed}:{county}")
    strata = household_strata(county)
    draw = CountyDraw(county=county)
    village_weight: dict[str, Decimal] = defaultdict(Decimal)
    for village, stratum in strata.values():
        draw.population[stratum] = draw.population.get(stratum, 0) + 1
        village_weight[village] += w[stratum]
    keyed = []
    for village in sorted(village_weight):
        weight = float(village_weight[village])
        u = rng.random()
        keyed.append((u ** (1 / weight) if weight > 0 else 0.0, village))
    keyed.sort(key=lambda kv: (-kv[0], kv[1]))
    draw.villages = sorted(v for _, v in keyed[:villages])
    chosen = set(draw.villages)
    members: dict[str, list[int]] = defaultdict(list)
    for household_id in sorted(strata):
        village, stratum = strata[household_id]
        if village in chosen:
            members[stratum].append(household_id)
    draw.in_villages = {k: len(v) for k, v in members.items()}
    alloc = allocate(households, draw.in_villages, w)
    for stratum in STRATA:
        n = alloc.get(stratum, 0)
        if n:
            picked = rng.sample(members[stratum], n)
            draw.households += [(h, stratum) for h in sorted(picked)]
    return draw
