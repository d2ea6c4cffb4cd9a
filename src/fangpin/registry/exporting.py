"""Household export in the import template (CONTRACT §5): exporting a region and importing
the file again changes nothing.

ID numbers and phones are written in full only for roles that see personal data, and for
the operator at the command line (no user), since only such a file can be imported again.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from fangpin.core import excel, idcard
from fangpin.core.errors import NotFound
from fangpin.core.scoping import region_q, scoped

from .choices import Relation
from .importing import HEADERS
from .models import Membership
from .selectors import region_prefix

if TYPE_CHECKING:
    from fangpin.accounts.models import User

# Columns kept as text in Excel so long digit strings are never turned into numbers.
TEXT_COLUMNS = {HEADERS.index(h) for h in ("户编号", "村代码", "身份证号", "联系电话", "残疾等级")}
WIDTHS = {0: 20, 1: 15, 2: 10, 3: 21, 4: 10, 5: 10, 6: 14, 7: 18, 8: 12, 9: 12, 10: 8, 11: 14}


def _memberships(*, user: User | None, prefix: str) -> Any:
    qs = Membership.objects.filter(ended_on__isnull=True)
    qs = (
        scoped(qs, user, prefix=prefix)
        if user is not None
        else qs.filter(region_q(Membership.region_field, prefix))
    )
    return (
        qs.select_related("person", "household")
        .order_by("household__village_id", "household__number", "started_on", "id")
        .iterator(chunk_size=2000)
    )


def _prefix(region: str) -> str:
    prefix = region_prefix(region)
    if prefix is None:
        raise NotFound(f"区划代码 {region} 不存在或不在您的管辖范围内", code="region_not_found")
    return prefix


def export_rows(*, user: User | None, region: str) -> Iterator[list[Any]]:
    """Template rows for every current member under `region`, 户主 first in each household."""
    return _rows(user=user, prefix=_prefix(region))


def _rows(*, user: User | None, prefix: str) -> Iterator[list[Any]]:
    personal = user is None or user.sees_personal_data
    household_rows: list[list[Any]] = []
    current = None
    for m in _memberships(user=user, prefix=prefix):
        if m.household_id != current and household_rows:
            yield from _head_first(household_rows)
            household_rows = []
        current = m.household_id
        household_rows.append(_row(m, personal))
    if household_rows:
        yield from _head_first(household_rows)


def _head_first(rows: list[list[Any]]) -> list[list[Any]]:
    relation = HEADERS.index("与户主关系")
    return sorted(rows, key=lambda r: r[relation] != Relation.HEAD)


def _row(m: Membership, personal: bool) -> list[Any]:
    h, p = m.household, m.person
    # The 户主's row carries the household's phone (see importing).
    phone = h.phone if m.relation == Relation.HEAD else p.phone
    return [
        h.number,
        h.village_id,
        p.name,
        p.id_number if personal else idcard.mask(p.id_number),
        m.relation,
        "是" if h.is_alleviated else "否",
        p.health,
        p.labour,
        p.education,
        p.school_status,
        "" if p.disability_grade is None else str(p.disability_grade),
        phone if personal else idcard.mask_phone(phone),
        h.address,
    ]


def household_export(*, user: User | None, region: str, file: str | Path | IO[bytes]) -> int:
    """Write the region's households to `file` (xlsx); return the number of person rows."""
    return excel.write_sheet(
        file,
        headers=HEADERS,
        rows=export_rows(user=user, region=region),
        title="农户信息",
        text_columns=TEXT_COLUMNS,
        widths=WIDTHS,
    )
