"""A member's employment (劳动力就业情况): status, where, months worked in the year.

Reported by the village for the year; every change is kept by simple-history. Setting the
same values again changes nothing (no new history row).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction

from fangpin.core.errors import BadValue

from ..choices import EMPLOYED, EmploymentStatus, WorkPlace
from ..models import Person
from .common import INVALID_CHOICE, INVALID_YEAR, NOT_A_MEMBER, _save, _today, _writable_household

if TYPE_CHECKING:
    from fangpin.accounts.models import User

FIELDS = (
    "employment_status",
    "work_place",
    "work_place_text",
    "employment_year",
    "employment_months",
)


def _choice(value: object, allowed: list[str], label: str) -> str:
    text = str(value or "").strip()
    if text and text not in allowed:
        raise BadValue(f"{label}“{text}”不在可选值中:{'、'.join(allowed)}", code=INVALID_CHOICE)
    return text


@transaction.atomic
def person_employment_set(
    *,
    user: User,
    household_id: int | str,
    person_id: int,
    status: object,
    work_place: object = "",
    work_place_text: object = "",
    year: int | None = None,
    months: int | None = None,
    on: dt.date | None = None,
) -> Person:
    """Record a current member's employment for `year` (this year by default)."""
    household = _writable_household(user, household_id)
    membership = household.memberships.filter(person_id=person_id, ended_on__isnull=True).first()
    if membership is None:
        raise BadValue("此人不是该户的现有成员", code=NOT_A_MEMBER)
    day = on or _today()
    clean_status = _choice(status, list(EmploymentStatus.values), "就业状态")
    place = _choice(work_place, list(WorkPlace.values), "就业地域")
    text = " ".join(str(work_place_text or "").split())[:100]
    year = year or day.year
    if not 2000 <= year <= day.year:
        raise BadValue(f"就业年度 {year} 不合理", code=INVALID_YEAR)
    if months is not None and not 0 <= months <= 12:
        raise BadValue("本年务工月数应在 0 至 12 之间", code=INVALID_CHOICE)
    if clean_status not in EMPLOYED:
        # Not employed (or not reported): there is no place of work to keep.
        place, text = "", ""
        months = 0 if clean_status else months
    elif not place:
        raise BadValue("已就业人员须填写就业地域(县内、省内县外或省外)", code=INVALID_CHOICE)
    person = Person.objects.select_for_update().get(pk=membership.person_id)
    values = {
        "employment_status": clean_status,
        "work_place": place,
        "work_place_text": text,
        "employment_year": year,
        "employment_months": months,
    }
    if all(getattr(person, k) == v for k, v in values.items()):
        return person
    for key, value in values.items():
        setattr(person, key, value)
    person.employment_recorded_on = day
    _save(person, user, "就业情况", update_fields=[*FIELDS, "employment_recorded_on"])
    return person
