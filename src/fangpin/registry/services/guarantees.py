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
    if guarantee is None:
        guarantee = Guarantee(household=household)
    guarantee.food_ok = food_ok
    guarantee.clothing_ok = clothing_ok
    guarantee.education_ok = education_ok
    guarantee.medical_ok = medical_ok
    guarantee.housing_grade = grade
    guarantee.water_ok = water_ok
    guarantee.assessed_on = assessed_on or _today()
    _save(guarantee, user)
    return guarantee
