"""Household import from the county Excel template (CONTRACT §5).

One row per person; rows sharing a 户编号 form a household, and the rows of a household
list all of its current members. The import is all-or-nothing: every row is checked in
memory first and nothing is written if any problem is found. It is idempotent: values are
normalised exactly as stored, so the same file a second time finds nothing to change and
writes nothing (no history rows either). Writes are bulk, with history written in bulk too.

The 联系电话 on the 户主's row is the household's phone (as in the national record).
Members of a household in the file who are missing from its rows have left: their
membership is ended (the person stays on record). A person still in a household that is
not in the file cannot join another one (they must leave first).
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from fangpin.core import metrics
from fangpin.core.errors import Conflict

from ..services import require_writer
from .constants import BATCH as BATCH
from .constants import CHANGE_REASON as CHANGE_REASON
from .constants import HEADERS as HEADERS
from .constants import LEFT_REASON as LEFT_REASON
from .constants import LOOKUP_CHUNK as LOOKUP_CHUNK
from .constants import MAX_PROBLEMS as MAX_PROBLEMS
from .constants import MSG_DUPLICATE as MSG_DUPLICATE
from .constants import MSG_FOREIGN_HOUSEHOLD as MSG_FOREIGN_HOUSEHOLD
from .constants import MSG_FOREIGN_VILLAGE as MSG_FOREIGN_VILLAGE
from .constants import MSG_HEADS as MSG_HEADS
from .constants import MSG_ID_AS_NUMBER as MSG_ID_AS_NUMBER
from .constants import MSG_IN_OTHER as MSG_IN_OTHER
from .constants import MSG_INCONSISTENT as MSG_INCONSISTENT
from .constants import MSG_MISSING_HEADER as MSG_MISSING_HEADER
from .constants import MSG_NUMBER_AS_NUMBER as MSG_NUMBER_AS_NUMBER
from .constants import MSG_REQUIRED as MSG_REQUIRED
from .constants import MSG_UNKNOWN_VILLAGE as MSG_UNKNOWN_VILLAGE
from .constants import MSG_YES_NO as MSG_YES_NO
from .constants import NO as NO
from .constants import REQUIRED as REQUIRED
from .constants import YES as YES
from .planning import HOUSEHOLD_FIELDS as HOUSEHOLD_FIELDS
from .planning import PERSON_FIELDS as PERSON_FIELDS
from .planning import _plan
from .reading import Row as Row
from .reading import T as T
from .reading import _read
from .result import ImportResult as ImportResult
from .result import Problem as Problem
from .result import ProblemList as ProblemList
from .result import _problem_order, _reset_counts
from .validation import _check_households
from .writing import _write

if TYPE_CHECKING:
    from fangpin.accounts.models import User


def household_import(
    *, user: User | None, file: str | IO[bytes] | bytes | Any, dry_run: bool
) -> ImportResult:
    """Check a household Excel file and, unless `dry_run` or a problem is found, apply it.

    `user` None is the operator at the command line (whole registry); otherwise the user
    must be allowed to write and every village must lie in their region.
    """
    result = _household_import(user=user, file=file, dry_run=dry_run)
    outcome = "rejected" if result.problems else ("dry_run" if dry_run else "applied")
    transaction.on_commit(
        lambda: metrics.import_finished(kind="households", outcome=outcome, rows=result.rows)
    )
    return result


def _household_import(
    *, user: User | None, file: str | IO[bytes] | bytes | Any, dry_run: bool
) -> ImportResult:
    if user is not None:
        require_writer(user)
    result = ImportResult(dry_run=dry_run)
    rows = _read(user, file, result)
    if result.problems and not rows:
        result.problems.sort(key=_problem_order)
        return result
    # Duplicate persons across the whole file.
    first_line: dict[str, int] = {}
    unique_rows: list[Row] = []
    for row in rows:
        value = row.member.id_number.value
        if value in first_line:
            result.problems.append(
                Problem(row.line, "身份证号", MSG_DUPLICATE.format(row=first_line[value]))
            )
            result.incomplete.add(row.number)
            continue
        first_line[value] = row.line
        unique_rows.append(row)
    with transaction.atomic():
        groups = _check_households(user, unique_rows, result)
        if result.problems:
            result.problems.sort(key=_problem_order)
            _reset_counts(result)
            return result
        plan = _plan(user, groups, result)
        if result.problems:
            result.problems.sort(key=_problem_order)
            _reset_counts(result)
            return result
        if dry_run:
            return result
        try:
            _write(user, plan)
        except IntegrityError:
            # Someone changed the same households meanwhile; nothing of ours is kept.
            raise Conflict("导入时数据被他人同时修改,请重新导入", code="import_conflict") from None
    return result
