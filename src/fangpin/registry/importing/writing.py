"""Bulk writes of an import plan, with history written in bulk too."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from fangpin.core import idcrypt

from ..choices import EndReason
from ..models import Household, Membership, Person
from .constants import BATCH, CHANGE_REASON, LEFT_REASON
from .planning import HOUSEHOLD_FIELDS, PERSON_FIELDS, _Plan
from .reading import _in

if TYPE_CHECKING:
    from fangpin.accounts.models import User


def _write(user: User | None, plan: _Plan) -> None:
    now = timezone.now()
    today = timezone.localdate()
    common: dict[str, Any] = {"default_user": user, "default_change_reason": CHANGE_REASON}
    ended = list(plan.ended.values())
    for m in ended:
        m.ended_on = today
        m.end_reason = EndReason.OTHER
    if ended:
        # End first: the one-current-household constraint must hold after every statement.
        bulk_update_with_history(
            ended,
            Membership,
            ["ended_on", "end_reason"],
            batch_size=BATCH,
            default_user=user,
            default_change_reason=LEFT_REASON,
        )
    if plan.new_households:
        for h in plan.new_households:
            h.updated_at = now
        bulk_create_with_history(plan.new_households, Household, batch_size=BATCH, **common)
    if plan.changed_households:
        for h in plan.changed_households:
            h.updated_at = now
        bulk_update_with_history(
            plan.changed_households,
            Household,
            [*HOUSEHOLD_FIELDS, "updated_at"],
            batch_size=BATCH,
            **common,
        )
    if plan.new_persons:
        bulk_create_with_history(plan.new_persons, Person, batch_size=BATCH, **common)
    if plan.changed_persons:
        bulk_update_with_history(
            plan.changed_persons, Person, list(PERSON_FIELDS), batch_size=BATCH, **common
        )
    if plan.relation_changed:
        bulk_update_with_history(
            plan.relation_changed, Membership, ["relation"], batch_size=BATCH, **common
        )
    if plan.joins:
        numbers = {n for n, _, _ in plan.joins}
        household_ids = {h.number: h.pk for h in _in(Household, "number", numbers)}
        ids = {n for _, n, _ in plan.joins}
        hashes = {idcrypt.digest(n): n for n in ids}
        person_ids = {hashes[p.id_hash]: p.pk for p in _in(Person, "id_hash", hashes)}
        memberships = [
            Membership(
                household_id=household_ids[number],
                person_id=person_ids[value],
                relation=relation,
                started_on=today,
            )
            for number, value, relation in plan.joins
        ]
        bulk_create_with_history(memberships, Membership, batch_size=BATCH, **common)
