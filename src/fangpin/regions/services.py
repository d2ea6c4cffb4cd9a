"""Load the bundled division tree (Henan, 统计用区划代码) into the Region table."""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterator
from importlib import resources

from django.db import transaction

from .models import PREFIX_LENGTH, Level, Region

DIVISIONS_FILE = "henan-divisions.csv.gz"
_ORDER = [Level.CITY, Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE]


def _rows() -> Iterator[dict[str, str]]:
    ref = resources.files("fangpin.regions") / "data" / DIVISIONS_FILE
    with ref.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as text:
        yield from csv.DictReader(text)


def prefix_of(code: str, level: str) -> str:
    return code[: PREFIX_LENGTH[Level(level)]]


def regions_load(*, city: str | None = "4104") -> int:
    """Load (or refresh) the tree for one city, or for the whole province when city is None.

    Idempotent: codes already present are updated in place, nothing is deleted.
    Returns the number of regions in the loaded subtree.
    """
    city_prefix = city[:4] if city else None
    wanted: dict[str, list[Region]] = {level: [] for level in _ORDER}
    for row in _rows():
        code = row["code"]
        if city_prefix and not code.startswith(city_prefix):
            continue
        prefix = prefix_of(code, row["level"])
        wanted[row["level"]].append(
            Region(
                code=code,
                name=row["name"],
                level=row["level"],
                parent_id=row["parent"] or None,
                prefix=prefix,
                prefix_code=prefix.ljust(12, "0"),
            )
        )
    if city_prefix and not wanted[Level.CITY]:
        from fangpin.core.errors import BadValue

        raise BadValue(f"内置区划数据中没有代码为 {city} 的市", code="unknown_city")
    total = 0
    with transaction.atomic():
        for level in _ORDER:  # parents before children
            Region.objects.bulk_create(
                wanted[level],
                batch_size=2000,
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=["name", "level", "parent", "prefix", "prefix_code"],
            )
            total += len(wanted[level])
    return total
