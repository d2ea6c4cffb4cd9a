"""Properties of income arithmetic: yuan with two places, never a float error."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from itertools import permutations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fangpin.core.bounds import MAX_YUAN
from fangpin.core.money import yuan
from fangpin.registry.services import income_record
from fangpin.registry.services.incomes import per_capita_net
from tests.conftest import BAOFENG_VILLAGE
from tests.registry.helpers import make_household

FAST = settings(max_examples=200, deadline=None)
AMOUNTS = st.decimals(min_value=0, max_value=MAX_YUAN, places=2, allow_nan=False)
COMPONENTS = ("wage", "operating", "property", "transfer")


def _half_up(value: Fraction) -> Decimal:
    """Exact rounding to fen, half away from zero, done in rationals."""
    cents = value * 100
    whole = int(abs(cents) + Fraction(1, 2))
    return (Decimal(whole if cents >= 0 else -whole) / 100).quantize(Decimal("0.01"))


@FAST
@given(st.lists(AMOUNTS, min_size=5, max_size=5), st.integers(1, 20))
def test_per_capita_net_is_the_exact_quotient_rounded_to_fen(
    amounts: list[Decimal], members: int
) -> None:
    wage, operating, property_, transfer, cost = amounts
    net, per_capita = per_capita_net(
        wage=wage,
        operating=operating,
        property=property_,
        transfer=transfer,
        operating_cost=cost,
        members=members,
    )
    exact_net = Fraction(wage) + Fraction(operating) + Fraction(property_) + Fraction(transfer)
    exact_net -= Fraction(cost)
    assert net == _half_up(exact_net)
    assert per_capita == _half_up(exact_net / members)
    assert per_capita.as_tuple().exponent == -2 and net.as_tuple().exponent == -2


@FAST
@given(st.lists(AMOUNTS, min_size=4, max_size=4), AMOUNTS, st.integers(1, 20))
def test_the_order_of_the_income_components_does_not_matter(
    amounts: list[Decimal], cost: Decimal, members: int
) -> None:
    results = {
        per_capita_net(
            **dict(zip(COMPONENTS, order, strict=True)), operating_cost=cost, members=members
        )
        for order in permutations(amounts)
    }
    assert len(results) == 1


@FAST
@given(st.floats(min_value=0, max_value=1e9, allow_nan=False))
def test_a_float_becomes_the_yuan_it_prints_as(value: float) -> None:
    # 0.1 + 0.2 is 0.30000000000000004: money is the decimal the float prints as, rounded.
    assert yuan(value) == Decimal(repr(value)).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    assert yuan(yuan(value)) == yuan(value)


@pytest.mark.django_db
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(amounts=st.lists(AMOUNTS, min_size=5, max_size=5))
def test_a_recorded_income_stores_exactly_what_the_formula_gives(
    make_user, amounts: list[Decimal]
) -> None:
    user = make_user("village", BAOFENG_VILLAGE)
    household = make_household(user, BAOFENG_VILLAGE, members=3)
    values = dict(zip((*COMPONENTS, "operating_cost"), amounts, strict=True))
    record = income_record(user=user, household_id=household.pk, year=2025, **values)
    record.refresh_from_db()
    expected = per_capita_net(**values, members=3)
    assert (record.net_income, record.per_capita_net) == expected
    assert isinstance(record.per_capita_net, Decimal)
