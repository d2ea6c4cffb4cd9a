"""What an import reports back: the problems found and the counts written."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .constants import HEADERS, MAX_PROBLEMS


class Problem(NamedTuple):
    """One problem: the Excel row number as the user sees it, the Chinese column header,
    and what is wrong. Row 0 means the file as a whole."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.row == 0:
            return self.message
        return f"第{self.row}行 {self.column}:{self.message}"


class ProblemList(list[Problem]):
    """The problems reported: the first MAX_PROBLEMS in report order are kept, all are
    counted (`total`). A file with a million bad rows costs a bounded list, not a million."""

    def __init__(self, problems: Iterable[Problem] = ()) -> None:
        super().__init__()
        self.total = 0
        self.extend(problems)

    def append(self, problem: Problem) -> None:
        self.total += 1
        super().append(problem)
        if len(self) >= 4 * MAX_PROBLEMS:
            self._keep_first()

    def extend(self, problems: Iterable[Problem]) -> None:
        uncounted = problems.total - len(problems) if isinstance(problems, ProblemList) else 0
        for problem in problems:
            self.append(problem)
        self.total += uncounted

    def sort(  # type: ignore[override]
        self, *, key: Callable[[Problem], Any] | None = None, reverse: bool = False
    ) -> None:
        """Report order (row, then template column); only the first MAX_PROBLEMS stay."""
        self._keep_first()

    def _keep_first(self) -> None:
        super().sort(key=_problem_order)
        del self[MAX_PROBLEMS:]


@dataclass
class ImportResult:
    dry_run: bool
    problems: ProblemList = field(default_factory=ProblemList)
    rows: int = 0
    created: int = 0  # households
    updated: int = 0
    unchanged: int = 0
    persons_created: int = 0
    members_ended: int = 0
    # 户编号 of households with a rejected row: their 户主 count is not judged on the rest.
    incomplete: set[str] = field(default_factory=set, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def problem_count(self) -> int:
        """All problems found; `problems` lists the first MAX_PROBLEMS of them."""
        return self.problems.total

    def summary(self) -> str:
        verb = "将" if self.dry_run else "已"
        return (
            f"共 {self.rows} 行:{verb}新建 {self.created} 户,{verb}更新 {self.updated} 户,"
            f"无变化 {self.unchanged} 户;新建人员 {self.persons_created} 人,"
            f"成员退出 {self.members_ended} 人"
        )


def _problem_order(problem: Problem) -> tuple[int, int, str]:
    """By row, then in the template's column order."""
    column = HEADERS.index(problem.column) if problem.column in HEADERS else -1
    return (problem.row, column, problem.message)


def _reset_counts(result: ImportResult) -> None:
    result.created = result.updated = result.unchanged = 0
    result.persons_created = result.members_ended = 0
