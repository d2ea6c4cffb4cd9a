"""Per-household rules checked against the file and the stored registry."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from fangpin.core.scoping import covers
from fangpin.regions.models import Level, Region

from ..choices import Relation
from .constants import MSG_FOREIGN_VILLAGE, MSG_HEADS, MSG_INCONSISTENT, MSG_UNKNOWN_VILLAGE
from .reading import Row, _in
from .result import ImportResult, Problem

if TYPE_CHECKING:
    from fangpin.accounts.models import User


def _check_households(
    user: User | None, rows: list[Row], result: ImportResult
) -> dict[str, list[Row]]:
    """Household-level rules: one 户主, consistent household values, known villages."""
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        groups[row.number].append(row)
    problems = result.problems
    villages = {r.code for r in _in(Region, "code", {r.village for r in rows}, level=Level.VILLAGE)}
    for row in rows:
        if row.village not in villages:
            problems.append(
                Problem(row.line, "村代码", MSG_UNKNOWN_VILLAGE.format(code=row.village))
            )
        elif user is not None and not covers(user, row.village):
            problems.append(
                Problem(row.line, "村代码", MSG_FOREIGN_VILLAGE.format(code=row.village))
            )
    for number, members in groups.items():
        first = members[0]
        for row in members[1:]:
            if row.village != first.village:
                problems.append(
                    Problem(
                        row.line, "村代码", MSG_INCONSISTENT.format(column="村代码", row=first.line)
                    )
                )
            if row.is_alleviated != first.is_alleviated:
                problems.append(
                    Problem(
                        row.line,
                        "是否脱贫户",
                        MSG_INCONSISTENT.format(column="是否脱贫户", row=first.line),
                    )
                )
        heads = [r for r in members if r.member.relation == Relation.HEAD]
        if len(heads) != 1 and number not in result.incomplete:
            where = heads[1] if len(heads) > 1 else first
            problems.append(
                Problem(where.line, "与户主关系", MSG_HEADS.format(number=number, count=len(heads)))
            )
    return groups
