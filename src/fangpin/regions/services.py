"""Load the bundled division tree (Henan, 统计用区划代码) into the Region table.

The bundled file holds cities, counties, townships and villages; the province itself (河南省,
410000) is added here as the root, the parent of every city.
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterator
from importlib import resources

from django.db import transaction

from .models import PREFIX_LENGTH, Level, Region

DIVISIONS_FILE = "henan-divisions.csv.gz"
PROVINCE_CODE = "410000"
PROVINCE_NAME = "河南省"
_ORDER = [Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE]


def _rows() -> Iterator[dict[str, str]]:
    ref = resources.files("fangpin.regions") / "data" / DIVISIONS_FILE
    with ref.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as text:
        yield from csv.DictReader(text)


def prefix_of(code: str, level: str) -> str:
    return code[: PREFIX_LENGTH[Level(level)]]


def _province() -> Region:
    prefix = PROVINCE_CODE[:2]
    return Region(
        code=PROVINCE_CODE,
        name=PROVINCE_NAME,
        level=Level.PROVINCE,
        parent_id=None,
        prefix=prefix,
        prefix_code=prefix.ljust(12, "0"),
    )


def regions_load(*, city: str | None = "4104") -> int:
    """Load (or refresh) the tree for one city, or for the whole province when city is None
    (or the province's code, 41 / 410000). The province row is always loaded: it is the
    parent of every city.

    Idempotent: codes already present are updated in place, nothing is deleted.
    Returns the number of regions in the loaded subtree (the province row included).
    """
    if city and city.strip()[:2] == PROVINCE_CODE[:2] and city.strip()[2:].strip("0") == "":
        city = None  # 41, 410000, 410000000000: the whole province
    city_prefix = city[:4] if city else None
    wanted: dict[str, list[Region]] = {level: [] for level in _ORDER}
    wanted[Level.PROVINCE].append(_province())
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
                parent_id=row["parent"] or PROVINCE_CODE,
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
