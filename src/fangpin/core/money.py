"""Money is Decimal yuan with two places; never float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def yuan(value: object) -> Decimal:
    """Round to fen (half up, as on a bank slip)."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
