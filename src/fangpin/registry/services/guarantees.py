"""Setting a household's 两不愁三保障 and water assessment."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction

from fangpin.core.errors import BadValue

from ..choices import HousingGrade
from ..models import Guarantee
from .common import INVALID_CHOICE, _save, _today, _writable_household

if TYPE_CHECKING:
    from fangpin.accounts.models import User


@transaction.atomic
def guarantees_set(
    *,
    user: User,
    household_id: int | str,
    food_ok: bool,
    clothing_ok: bool,
    education_ok: bool,
    medical_ok: bool,
    housing_grade: str,
    water_ok: bool,
    assessed_on: dt.date | None = None,
) -> Guarantee:
    """Set 两不愁三保障 and water as now assessed (one row per household, history kept)."""
    household = _writable_household(user, household_id)
    grade = (housing_grade or "").strip().upper()
    if grade not in HousingGrade.values:
        raise BadValue("住房鉴定等级应为 A、B、C 或 D", code=INVALID_CHOICE)
    guarantee = Guarantee.objects.select_for_update().filter(household=household).first()
    values = {
        "food_ok": food_ok,
        "clothing_ok": clothing_ok,
        "education_ok": education_ok,
        "medical_ok": medical_ok,
        "housing_grade": grade,
        "water_ok": water_ok,
    }
    if guarantee is None:
        guarantee = Guarantee(household=household)
    elif all(getattr(guarantee, k) == v for k, v in values.items()) and (
        assessed_on is None or assessed_on == guarantee.assessed_on
    ):
        # An unchanged save changes nothing: not the day of the assessment, not its history.
        return guarantee
    for key, value in values.items():
        setattr(guarantee, key, value)
    guarantee.assessed_on = assessed_on or _today()
    _save(guarantee, user)
    return guarantee
