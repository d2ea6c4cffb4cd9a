"""Generated families: who the members are (relations, ages, sexes, names) and valid ID
numbers. Their circumstances (health, work, income, guarantees) are in `circumstances`."""

from __future__ import annotations

import datetime as dt
import random
import zlib
from decimal import Decimal

from fangpin.core import idcard, idcrypt

from ..choices import Relation
from ..models import Person
from .circumstances import _Circumstances, _Member
from .households import MAX_MEMBERS, _Village
from .names import (
    _CLAN_VILLAGE_SHARE,
    _FIRST_CHARS,
    _NAMES,
    _SECOND_CHARS,
    _SURNAME_WEIGHTS,
    FEMALE,
    MALE,
    SURNAMES,
)

# Hashes per query when checking generated numbers against stored ones (SQLite's limit on
# query parameters is far above it).
_LOOKUP_CHUNK = 900


class _IdNumbers:
    """Allocates 18-digit ID numbers that never collide with stored ones.

    For each (county, birth date) sequences are taken one after another from a deterministic
    offset (not at 001, which would look made up). Odd sequences are men, even ones women.
    Generators that run side by side (`slots` of them, this one `slot`) own disjoint pairs
    of sequences (pair j = sequences 2j and 2j+1 belongs to slot j mod slots), so that they
    never hand out the same number without talking to each other.
    Stored numbers are encrypted, so they cannot be scanned by prefix: a batch's numbers are
    checked against the stored ones by hash (`stored`), and the caller takes the next
    sequence for those already used, until none is (repeated runs with any seed stay unique).
    """

    def __init__(self, slot: int = 0, slots: int = 1) -> None:
        self.slot = slot
        self.slots = slots
        self.next: dict[tuple[str, str], int] = {}

    def take(self, county: str, birth: dt.date, sex: str) -> tuple[str, dt.date]:
        male = sex == MALE
        while True:
            key = f"{county}{birth:%Y%m%d}"
            pair = self.next.get((key, sex))
            if pair is None:
                start = (zlib.crc32(key.encode()) % 300 + 10) // 2
                pair = start + (self.slot - start) % self.slots
            seq = 2 * pair + male
            if seq <= 999:
                self.next[(key, sex)] = pair + self.slots
                return idcard.make(county, birth, seq), birth
            # This birthday is full in this county: the day before is as believable (and
            # never lies in the future).
            birth -= dt.timedelta(days=1)

    @staticmethod
    def stored(numbers: list[str]) -> set[str]:
        """Those of `numbers` that the registry already holds."""
        key = idcrypt.lookup_key()
        digests = {idcrypt.digest(n, key): n for n in numbers}
        wanted = list(digests)
        found: set[str] = set()
        for start in range(0, len(wanted), _LOOKUP_CHUNK):
            chunk = wanted[start : start + _LOOKUP_CHUNK]
            found.update(Person.objects.filter(id_hash__in=chunk).values_list("id_hash", flat=True))
        return {digests[d] for d in found}


class _Generator(_Circumstances):
    def __init__(self, rng: random.Random, today: dt.date, line: Decimal) -> None:
        self.rng = rng
        self.today = today
        self.line = line

    # -- people -----------------------------------------------------------------------------
    def _surname(self, village: _Village) -> str:
        if village.clan and self.rng.random() < _CLAN_VILLAGE_SHARE:
            return village.clan
        return self.rng.choices(SURNAMES, weights=_SURNAME_WEIGHTS)[0]

    def _other_surname(self, than: str) -> str:
        while True:
            name = self.rng.choices(SURNAMES, weights=_SURNAME_WEIGHTS)[0]
            if name != than:
                return name

    def _given(self, birth_year: int, sex: str) -> str:
        cohort = 2008 if birth_year >= 2002 else 1988 if birth_year >= 1982 else 1965
        if birth_year < 1958:
            cohort = 1940
        key = (cohort, sex)
        if self.rng.random() < 0.6:
            return self.rng.choice(_NAMES[key])
        return self.rng.choice(_FIRST_CHARS[key]) + self.rng.choice(_SECOND_CHARS[key])

    def _child_sex(self) -> str:
        return MALE if self.rng.random() < 0.53 else FEMALE

    def family(self, village: _Village) -> list[_Member]:
        """Relations, ages and sexes of one household's members, head first."""
        rng = self.rng
        clan = self._surname(village)
        r = rng.random()
        if r < 0.07:  # an old widow or widower alone
            sex = FEMALE if rng.random() < 0.6 else MALE
            return [_Member(Relation.HEAD, rng.randint(65, 92), sex, clan)]
        if r < 0.10:  # a single middle-aged man (光棍)
            return [_Member(Relation.HEAD, rng.randint(35, 64), MALE, clan)]
        if r < 0.26:  # an elderly couple whose children have their own households
            head = rng.randint(60, 88)
            wife = max(55, head + rng.randint(-5, 2))
            return [
                _Member(Relation.HEAD, head, MALE, clan),
                _Member(Relation.SPOUSE, wife, FEMALE, self._other_surname(clan)),
            ]
        if r < 0.33:  # grandparents raising left-behind grandchildren
            head = rng.randint(55, 76)
            members = [_Member(Relation.HEAD, head, MALE, clan)]
            if rng.random() < 0.85:
                wife = head + rng.randint(-5, 2)
                members.append(_Member(Relation.SPOUSE, wife, FEMALE, self._other_surname(clan)))
            for _ in range(rng.choices((1, 2, 3), weights=(55, 38, 7))[0]):
                sex = self._child_sex()
                rel = Relation.GRANDSON if sex == MALE else Relation.GRANDDAUGHTER
                members.append(_Member(rel, rng.randint(2, 15), sex, clan))
            return members
        if r < 0.76:  # a couple with children, sometimes with a parent
            return self._nuclear(clan)[:MAX_MEMBERS]
        return self._three_generations(clan)[:MAX_MEMBERS]

    def _nuclear(self, clan: str) -> list[_Member]:
        rng = self.rng
        head = rng.randint(26, 56)
        widowed = rng.random() < 0.06
        head_sex = FEMALE if widowed and rng.random() < 0.6 else MALE
        members = [_Member(Relation.HEAD, head, head_sex, clan)]
        if not widowed:
            wife = max(21, head + rng.randint(-4, 2))
            members.append(_Member(Relation.SPOUSE, wife, FEMALE, self._other_surname(clan)))
        eldest = min(head - 21, 30)
        if eldest >= 0:
            count = rng.choices((1, 2, 3), weights=(35, 50, 15))[0]
            age = rng.randint(max(0, eldest - 8), eldest)
            for _ in range(count):
                sex = self._child_sex()
                members.append(
                    _Member(Relation.SON if sex == MALE else Relation.DAUGHTER, age, sex, clan)
                )
                age -= rng.randint(2, 6)
                if age < 0:
                    break
        if rng.random() < 0.3:
            base = head + rng.randint(23, 32)
            if base <= 90 and rng.random() < 0.6:
                members.append(_Member(Relation.FATHER, base, MALE, clan))
            mother = base + rng.randint(-5, 1)
            if mother <= 92:
                members.append(_Member(Relation.MOTHER, mother, FEMALE, self._other_surname(clan)))
        return members

    def _three_generations(self, clan: str) -> list[_Member]:
        rng = self.rng
        head = rng.randint(50, 73)
        members = [_Member(Relation.HEAD, head, MALE, clan)]
        if rng.random() < 0.88:
            wife = head + rng.randint(-5, 2)
            members.append(_Member(Relation.SPOUSE, wife, FEMALE, self._other_surname(clan)))
        son = max(22, head - rng.randint(22, 30))
        members.append(_Member(Relation.SON, son, MALE, clan))
        members.append(
            _Member(
                Relation.DAUGHTER_IN_LAW,
                max(20, son + rng.randint(-3, 2)),
                FEMALE,
                self._other_surname(clan),
            )
        )
        oldest = min(son - 21, 16)
        if oldest >= 0:
            age = rng.randint(0, oldest)
            for _ in range(rng.choices((1, 2, 3), weights=(40, 48, 12))[0]):
                sex = self._child_sex()
                rel = Relation.GRANDSON if sex == MALE else Relation.GRANDDAUGHTER
                members.append(_Member(rel, age, sex, clan))
                age -= rng.randint(1, 5)
                if age < 0:
                    break
        if rng.random() < 0.15 and son > 24:
            members.append(_Member(Relation.DAUGHTER, rng.randint(16, son - 2), FEMALE, clan))
        return members

    def birth_date(self, age: int) -> dt.date:
        today = self.today
        # A birthday within the 365 days that make this person `age` years old today.
        latest = (
            today.replace(year=today.year - age)
            if not _leap_day(today)
            else (dt.date(today.year - age, 2, 28))
        )
        return latest - dt.timedelta(days=self.rng.randrange(365))


def _leap_day(day: dt.date) -> bool:
    return day.month == 2 and day.day == 29
