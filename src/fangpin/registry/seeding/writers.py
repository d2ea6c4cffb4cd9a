"""Bulk writes of generated rows: COPY on PostgreSQL from a writer thread, executemany elsewhere."""

from __future__ import annotations

import queue
import threading
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from fangpin.core import idcrypt

from ..models import Guarantee, Household, IncomeRecord, Membership, Person
from .circumstances import _CAN_WORK, _SERIOUS, _Member
from .households import REGISTRY_START, _Village
from .people import _Generator, _IdNumbers

_Tables = list[tuple[type[models.Model], list[dict[str, Any]]]]
_PREPARED_TYPES = frozenset({"DateField", "DateTimeField", "DecimalField"})


class _Writer:
    """Writes rows as dicts keyed by attribute name: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self, *, threaded: bool = True) -> None:
        self.postgres = connection.vendor == "postgresql"
        # On PostgreSQL, outside a caller's transaction, a second thread (with its own
        # connection) writes batch N while this one builds batch N+1: COPY waits on the
        # server, which releases the GIL. Inside a transaction (tests, callers that need
        # all-or-nothing) everything is written on the caller's connection.
        self._queue: queue.Queue[_Tables | None] | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        if threaded and self.postgres and not connection.in_atomic_block:
            self._queue = queue.Queue(maxsize=2)
            self._thread = threading.Thread(target=self._run, name="seed-writer", daemon=True)
            self._thread.start()

    def submit(self, tables: _Tables) -> None:
        if self._queue is None:
            self._write_all(tables)
            return
        if self._error is not None:
            raise self._error
        self._queue.put(tables)

    def close(self) -> None:
        """Wait for the batches still queued; raise what the writer thread met, if anything."""
        if self._queue is not None and self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._queue = None
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        assert self._queue is not None
        try:
            while (tables := self._queue.get()) is not None:
                if self._error is not None:
                    continue  # drain, so that the producer never blocks
                try:
                    self._write_all(tables)
                except BaseException as exc:
                    self._error = exc
        finally:
            connection.close()  # this thread's own connection

    def _write_all(self, tables: _Tables) -> None:
        with transaction.atomic():
            for model, rows in tables:
                self.write(model, rows)

    def reserve_block(self, model: type[models.Model], count: int) -> int:
        """The first of `count` consecutive primary keys that nothing else will use."""
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if self.postgres:
                # One statement moves the sequence past the whole block. A row inserted by
                # someone else in the instant between nextval and setval could take a key
                # inside it (the COPY would then fail, not corrupt): seeding is a set-up
                # step, not something run beside live data entry.
                cursor.execute(
                    "SELECT setval(seq, nextval(seq) + %s - 1) FROM "
                    "(SELECT pg_get_serial_sequence(%s, 'id')::regclass AS seq) s",
                    [max(count, 1), table],
                )
                return int(cursor.fetchone()[0]) - max(count, 1) + 1
            cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
            return int(cursor.fetchone()[0]) + 1

    def write(self, model: type[models.Model], rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        fields = model._meta.concrete_fields
        defaults = {f.attname: f.get_default() for f in fields if f.attname not in rows[0]}
        names = [f.attname for f in fields]
        table = connection.ops.quote_name(model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
        if self.postgres:
            sql = f"COPY {table} ({columns}) FROM STDIN"
            with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row([row[n] if n in row else defaults[n] for n in names])
            return
        # Elsewhere (SQLite): one executemany. bulk_create spends most of its time preparing
        # each value through the field; only dates, datetimes and decimals need that here.
        prepare = [f if f.get_internal_type() in _PREPARED_TYPES else None for f in fields]
        values = []
        for row in rows:
            line = []
            for name, field_ in zip(names, prepare, strict=True):
                value = row[name] if name in row else defaults[name]
                if field_ is not None and value is not None:
                    value = field_.get_db_prep_save(value, connection)
                line.append(value)
            values.append(line)
        marks = ", ".join(["%s"] * len(names))
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)


def _settle_ids(
    ids: _IdNumbers,
    person_rows: list[dict[str, Any]],
    membership_rows: list[dict[str, Any]],
    *,
    check_stored: bool = True,
) -> None:
    """Give the persons whose number is already stored the next free one, then store each
    number as the registry does (encrypted, with its lookup hash). `check_stored` is off
    only when the registry held no person when seeding began (nothing to collide with)."""
    pending = list(zip(person_rows, membership_rows, strict=True)) if check_stored else []
    while pending:
        taken = ids.stored([person["id_number"] for person, _ in pending])
        pending = [(p, m) for p, m in pending if p["id_number"] in taken]
        for person, membership in pending:
            number, birth = ids.take(person["id_number"][:6], person["birth_date"], person["sex"])
            person["id_number"] = number
            person["birth_date"] = birth
            membership["started_on"] = max(birth, REGISTRY_START)
    key = idcrypt.lookup_key()
    sealed = idcrypt.encrypt_many([person["id_number"] for person in person_rows])
    for person, stored in zip(person_rows, sealed, strict=True):
        person["id_hash"] = idcrypt.digest(person["id_number"], key)
        person["id_number"] = stored


class _Ids:
    """Primary keys for one batch, from blocks reserved up front (see `_id_blocks`)."""

    def __init__(self, starts: dict[type[models.Model], int]) -> None:
        self.starts = dict(starts)

    def take(self, model: type[models.Model], count: int) -> list[int]:
        first = self.starts[model]
        self.starts[model] = first + count
        return list(range(first, first + count))


def _build_batch(
    generator: _Generator,
    ids: _IdNumbers,
    villages: list[_Village],
    picks: list[tuple[int, str]],
    keys: _Ids,
    check_stored: bool = True,
) -> _Tables:
    """The rows of one batch: `picks` are (village index, household number) pairs."""
    rng = generator.rng
    now = timezone.now()
    families: list[tuple[_Village, str, list[_Member]]] = []
    for index, number in picks:
        village = villages[index]
        families.append((village, number, generator.family(village)))

    member_total = sum(len(m) for _, _, m in families)
    household_ids = keys.take(Household, len(families))
    person_ids = iter(keys.take(Person, member_total))
    membership_ids = iter(keys.take(Membership, member_total))
    income_ids = keys.take(IncomeRecord, len(families))
    guarantee_ids = keys.take(Guarantee, len(families))

    household_rows, person_rows, membership_rows, income_rows, guarantee_rows = (
        [],
        [],
        [],
        [],
        [],
    )
    for n, (village, number, members) in enumerate(families):
        household_id = household_ids[n]
        county = village.code[:6]
        for m in members:
            birth = generator.birth_date(m.age)
            id_number, birth = ids.take(county, birth, m.sex)
            person = {
                "id": next(person_ids),
                "id_number": id_number,
                "name": m.surname + generator._given(birth.year, m.sex),
                "sex": m.sex,
                "birth_date": birth,
                **generator.attributes(m.age, birth.year, m.relation),
                "phone": generator.phone() if 18 <= m.age <= 70 and rng.random() < 0.6 else "",
                "died_on": None,
            }
            m.person = person
            person_rows.append(person)
            membership_rows.append(
                {
                    "id": next(membership_ids),
                    "household_id": household_id,
                    "person_id": person["id"],
                    "relation": str(m.relation),
                    "started_on": max(birth, REGISTRY_START),
                    "ended_on": None,
                    "end_reason": "",
                }
            )
        head = members[0].person
        if not head["phone"] and rng.random() < 0.8:
            head["phone"] = generator.phone()
        frail = any(_SERIOUS in m.person["health"] or m.person["disability_grade"] for m in members)
        no_workers = not any(m.person["labour"] in _CAN_WORK and m.age < 65 for m in members)
        alleviated = rng.random() < 0.23 + 0.17 * frail + 0.12 * no_workers
        guarantee = generator.guarantee(members)
        household_rows.append(
            {
                "id": household_id,
                "number": number,
                "village_id": village.code,
                "grid_id": None,
                "address": f"{village.address}{rng.randint(1, 9)}组{rng.randint(1, 80)}号",
                "phone": head["phone"],
                "is_alleviated": alleviated,
                "head_name": head["name"],
                "member_count": len(members),
                "created_at": now,
                "updated_at": now,
            }
        )
        income_rows.append(
            {
                "id": income_ids[n],
                "household_id": household_id,
                **generator.income(members, alleviated),
            }
        )
        guarantee_rows.append(
            {"id": guarantee_ids[n], "household_id": household_id, **guarantee, "updated_at": now}
        )
    _settle_ids(ids, person_rows, membership_rows, check_stored=check_stored)
    return [
        (Household, household_rows),
        (Person, person_rows),
        (Membership, membership_rows),
        (IncomeRecord, income_rows),
        (Guarantee, guarantee_rows),
    ]
