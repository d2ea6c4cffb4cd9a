"""Seeding with every core: generator processes build COPY buffers, this process writes them.

The run is cut into batches (`_Plan`): batch k has its households' villages and numbers,
its own random seed and its own blocks of primary keys, all fixed up front by the parent
from the run's seed. Batch k is generated in slot k mod `SLOTS`, which keeps the ID-number
counters of that slot (`_IdNumbers(slot, SLOTS)`: disjoint sequences per slot). The rows
depend on the seed (and the registry already stored) only, not on how many processes run
the slots or which finishes first: each generator process owns the slots s with
s mod processes = its number, and on SQLite or inside a caller's transaction every slot is
taken in turn in this process, with the same result.

The parent writes batch k's five COPY buffers in one transaction, in batch order, while the
generators work on the next batches; PostgreSQL's own process parses and indexes them.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import queue
import random
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, connections, models, transaction

from fangpin.core.errors import BadValue

from ..models import Guarantee, Household, IncomeRecord, Membership, Person
from .copytext import copy_buffer, copy_statement
from .households import MAX_HOUSEHOLD_SEQUENCE, MAX_MEMBERS, _Village
from .people import _Generator, _IdNumbers
from .writers import _build_batch, _Ids, _Writer

_MODELS: tuple[type[models.Model], ...] = (Household, Person, Membership, IncomeRecord, Guarantee)
# Blocks of primary keys per household of a batch: persons and memberships are reserved for
# the largest family, so that a batch's keys are known before it is generated (the unused
# ones are gaps, as after deleted rows).
_KEYS_PER_HOUSEHOLD = {
    Household: 1,
    Person: MAX_MEMBERS,
    Membership: MAX_MEMBERS,
    IncomeRecord: 1,
    Guarantee: 1,
}
# Batches handed to each generator ahead of the one being written (bounds memory).
_AHEAD = 2
# Generator slots: a constant, so that the rows do not depend on the machine's cores. More
# processes than slots would idle; 8 slots leave each 62 sequence pairs per county and
# birthday before a number spills to the day before.
SLOTS = 8
_POLL_SECONDS = 5.0


@dataclass(frozen=True)
class _Batch:
    index: int
    seed: int
    picks: list[tuple[int, str]]  # (village index, household number)
    keys: dict[type[models.Model], int]  # first primary key per table


@dataclass(frozen=True)
class _Setting:
    villages: list[_Village]
    today: dt.date
    line: Decimal
    slots: int
    check_stored: bool


class _Plan:
    """Which village and number each household of each batch gets, and its keys."""

    def __init__(
        self,
        rng: random.Random,
        villages: list[_Village],
        households: int,
        batch_size: int,
        first_keys: dict[type[models.Model], int],
    ) -> None:
        self.rng = rng
        self.villages = villages
        self.households = households
        self.batch_size = batch_size
        self.first_keys = first_keys
        # Village sizes vary: a log-normal weight per village, fixed by the seed.
        self.weights = [rng.lognormvariate(0, 0.45) for _ in villages]

    def __iter__(self) -> Iterator[_Batch]:
        rng, villages = self.rng, self.villages
        population = range(len(villages))
        done = index = 0
        while done < self.households:
            size = min(self.batch_size, self.households - done)
            chosen = rng.choices(population, weights=self.weights, k=size)
            picks = [self._number(village) for village in chosen]
            offset = index * self.batch_size
            keys = {
                model: first + offset * _KEYS_PER_HOUSEHOLD[model]
                for model, first in self.first_keys.items()
            }
            yield _Batch(index, rng.getrandbits(63), picks, keys)
            done += size
            index += 1

    def _number(self, index: int) -> tuple[int, str]:
        villages = self.villages
        village = villages[index]
        # A full village (9999 households) sends the household to the next one with room.
        tries = 0
        while village.next_number > MAX_HOUSEHOLD_SEQUENCE and tries < len(villages):
            index = (index + 1) % len(villages)
            village = villages[index]
            tries += 1
        if village.next_number > MAX_HOUSEHOLD_SEQUENCE:
            raise BadValue("所选区划的户编号已用尽", code="household_numbers_exhausted")
        number = f"{village.code}{village.next_number:04d}"
        village.next_number += 1
        return index, number


def reserve_keys(
    writer: _Writer, households: int, batch_size: int
) -> dict[type[models.Model], int]:
    batches = -(-households // batch_size) if households else 0
    return {
        model: writer.reserve_block(model, batches * batch_size * per)
        for model, per in _KEYS_PER_HOUSEHOLD.items()
    }


class _Slot:
    """One generator's state: its ID-number counters, kept from batch to batch."""

    def __init__(self, setting: _Setting, slot: int) -> None:
        self.setting = setting
        self.ids = _IdNumbers(slot, setting.slots)

    def rows(self, batch: _Batch) -> list[tuple[type[models.Model], list[dict[str, Any]]]]:
        s = self.setting
        generator = _Generator(random.Random(batch.seed), s.today, s.line)
        return _build_batch(
            generator, self.ids, s.villages, batch.picks, _Ids(batch.keys), s.check_stored
        )

    def buffers(self, batch: _Batch) -> tuple[int, list[bytes]]:
        tables = self.rows(batch)
        persons = len(tables[1][1])
        return persons, [copy_buffer(model, rows) for model, rows in tables]


def run_in_process(
    setting: _Setting, plan: _Plan, writer: _Writer, on_batch: Callable[[int, int], None]
) -> int:
    """Every batch generated and written here, slot by slot in turn (same rows as parallel)."""
    slots = [_Slot(setting, n) for n in range(setting.slots)]
    persons = 0
    for batch in plan:
        tables = slots[batch.index % setting.slots].rows(batch)
        writer.submit(tables)
        persons += len(tables[1][1])
        on_batch(len(batch.picks), len(tables[1][1]))
    return persons


def _generate(
    setting: _Setting,
    worker: int,
    processes: int,
    inbox: multiprocessing.Queue,
    outbox: multiprocessing.Queue,
) -> None:
    """A generator process: batches in, (index, persons, buffers) out, until None."""
    _forget_inherited_connections()
    states = {n: _Slot(setting, n) for n in range(setting.slots) if n % processes == worker}
    parent = os.getppid()
    try:
        while (batch := _next_batch(inbox, parent)) is not None:
            try:
                persons, buffers = states[batch.index % setting.slots].buffers(batch)
            except BaseException:
                outbox.put((batch.index, -1, traceback.format_exc()))
                return
            outbox.put((batch.index, persons, buffers))
    finally:
        connections.close_all()  # this process's own connection (for the stored-number check)


# The parent's database connections, inherited through fork. Never used, closed or freed in
# the child: closing one (or libpq freeing it) would end the parent's session on the server.
_INHERITED: list[object] = []


def _forget_inherited_connections() -> None:
    """Make Django open this process's own connection instead of sharing the parent's socket."""
    for conn in connections.all(initialized_only=True):
        if conn.connection is not None:
            _INHERITED.append(conn.connection)
            conn.connection = None


def _next_batch(inbox: multiprocessing.Queue, parent: int) -> _Batch | None:
    """The next batch, or None when told to stop or when the parent died without saying so
    (killed): a generator never outlives the seeding it works for."""
    while True:
        try:
            return inbox.get(timeout=_POLL_SECONDS)  # type: ignore[no-any-return]
        except queue.Empty:
            if os.getppid() != parent:
                return None


def run_parallel(
    setting: _Setting, plan: _Plan, processes: int, on_batch: Callable[[int, int], None]
) -> int:
    """Generate in `processes` processes, write here with COPY, in batch order."""
    processes = min(processes, setting.slots)
    context = multiprocessing.get_context("fork")
    # The children must not share this process's database socket.
    connections.close_all()
    inboxes: list[multiprocessing.Queue] = [context.Queue() for _ in range(processes)]
    outboxes: list[multiprocessing.Queue] = [context.Queue() for _ in range(processes)]
    workers = [
        context.Process(
            target=_generate,
            args=(setting, n, processes, inboxes[n], outboxes[n]),
            name=f"seed-generator-{n}",
            daemon=True,
        )
        for n in range(processes)
    ]
    for worker in workers:
        worker.start()
    statements = [copy_statement(model) for model in _MODELS]
    batches = iter(plan)
    sizes: dict[int, int] = {}
    persons = 0

    def owner(index: int) -> int:
        return (index % setting.slots) % processes

    def hand_out() -> bool:
        batch = next(batches, None)
        if batch is None:
            return False
        sizes[batch.index] = len(batch.picks)
        inboxes[owner(batch.index)].put(batch)
        return True

    try:
        pending = 0
        for _ in range(processes * _AHEAD):
            pending += hand_out()
        index = 0
        while pending:
            source = owner(index)
            # Each process gets its batches in increasing order and answers in that order,
            # so the next answer in batch k's owner's outbox is batch k's.
            index_, count, payload = _receive(outboxes[source], workers[source])
            pending -= 1
            if count < 0:
                raise RuntimeError(f"生成进程出错:\n{payload}")
            assert index_ == index
            pending += hand_out()
            with transaction.atomic(), connection.cursor() as cursor:
                for statement, data in zip(statements, payload, strict=True):
                    if data:
                        with cursor.cursor.copy(statement) as copy:
                            copy.write(data)
            persons += count
            on_batch(sizes.pop(index), count)
            index += 1
    finally:
        for inbox in inboxes:
            inbox.put(None)
        for worker in workers:
            worker.join(timeout=10)
            if worker.is_alive():
                worker.terminate()
    return persons


def _receive(outbox: multiprocessing.Queue, worker: Any) -> Any:
    while True:
        try:
            return outbox.get(timeout=_POLL_SECONDS)
        except queue.Empty:
            if not worker.is_alive():
                raise RuntimeError(f"生成进程 {worker.name} 意外退出") from None
