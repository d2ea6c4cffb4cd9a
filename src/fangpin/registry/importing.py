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

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import IO, TYPE_CHECKING, Any, NamedTuple, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from fangpin.core import excel, idcard
from fangpin.core.errors import BadValue, Conflict
from fangpin.core.scoping import covers
from fangpin.regions.models import Level, Region

from .choices import (
    EDUCATION_VALUES,
    LABOUR_VALUES,
    RELATIONS,
    SCHOOL_STATUS_VALUES,
    EndReason,
    Relation,
)
from .models import Household, Membership, Person
from .services import (
    CleanMember,
    clean_choice,
    clean_disability_grade,
    clean_health,
    require_writer,
)

if TYPE_CHECKING:
    from fangpin.accounts.models import User

HEADERS: tuple[str, ...] = (
    "户编号",
    "村代码",
    "姓名",
    "身份证号",
    "与户主关系",
    "是否脱贫户",
    "健康状况",
    "劳动技能",
    "文化程度",
    "在校生情况",
    "残疾等级",
    "联系电话",
    "家庭住址",
)
REQUIRED = ("户编号", "村代码", "姓名", "身份证号", "与户主关系", "是否脱贫户")
YES = {"是", "1", "Y", "YES", "TRUE", "脱贫户"}
NO = {"否", "0", "N", "NO", "FALSE", "一般农户"}
CHANGE_REASON = "Excel导入"
LEFT_REASON = "导入名单中已无此人"
BATCH = 1000
LOOKUP_CHUNK = 900  # stays under SQLite's bound-parameter limit

# Messages people see in the problem table (tests import them).
MSG_REQUIRED = "必填项为空"
MSG_ID_AS_NUMBER = (
    "身份证号被存成了数字(Excel 显示为 4.10421E+17 一类),后几位已丢失;"
    "请将该列设为“文本”格式后重新录入"
)
MSG_NUMBER_AS_NUMBER = "户编号被存成了数字,位数可能已丢失;请将该列设为“文本”格式后重新录入"
MSG_HEADS = "一户必须有且只有一名户主,户编号 {number} 现有 {count} 名"
MSG_DUPLICATE = "与第{row}行是同一人(身份证号重复)"
MSG_IN_OTHER = "此人已是另一农户{where}的成员,请先办理迁出或分户"
MSG_UNKNOWN_VILLAGE = "村代码 {code} 不存在"
MSG_FOREIGN_VILLAGE = "村代码 {code} 不存在或不在您的管辖范围内"
MSG_FOREIGN_HOUSEHOLD = "户编号 {number} 已被管辖范围以外的农户使用"
MSG_INCONSISTENT = "同一户的{column}与第{row}行不一致"
MSG_YES_NO = "应填“是”或“否”"
MSG_MISSING_HEADER = "缺少此列(模板第一行应为:{headers})"

T = TypeVar("T", bound=Model)


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


@dataclass
class ImportResult:
    dry_run: bool
    problems: list[Problem] = field(default_factory=list)
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

    def summary(self) -> str:
        verb = "将" if self.dry_run else "已"
        return (
            f"共 {self.rows} 行:{verb}新建 {self.created} 户,{verb}更新 {self.updated} 户,"
            f"无变化 {self.unchanged} 户;新建人员 {self.persons_created} 人,"
            f"成员退出 {self.members_ended} 人"
        )


@dataclass
class Row:
    """A checked row, values exactly as they will be stored."""

    line: int
    number: str
    village: str
    is_alleviated: bool
    address: str
    phone: str
    member: CleanMember


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), LOOKUP_CHUNK):
        yield items[start : start + LOOKUP_CHUNK]


def _in(model: type[T], column: str, values: Iterable[Any], **extra: Any) -> list[T]:
    found: list[T] = []
    for chunk in _chunks(sorted(set(values))):
        found.extend(model._default_manager.filter(**{f"{column}__in": chunk}, **extra))
    return found


class _Reader:
    """Turns raw cells into Rows, collecting problems."""

    def __init__(self, user: User | None) -> None:
        self.user = user
        self.problems: list[Problem] = []

    def problem(self, line: int, column: str, message: str) -> None:
        self.problems.append(Problem(line, column, message))

    def header_map(self, header: list[Any]) -> dict[str, int] | None:
        names = {excel.text(v).replace(" ", ""): i for i, v in enumerate(header)}
        missing = [h for h in HEADERS if h not in names]
        for name in missing:
            self.problem(1, name, MSG_MISSING_HEADER.format(headers=" · ".join(HEADERS)))
        return None if missing else {h: names[h] for h in HEADERS}

    def check(self, line: int, column: str, clean: Callable[[], Any]) -> Any:
        """Run one field's check, recording its problem; None when it failed."""
        try:
            return clean()
        except BadValue as exc:
            self.problem(line, column, exc.detail)
            return None

    def row(self, line: int, cells: dict[str, Any]) -> Row | None:
        before = len(self.problems)
        for column in REQUIRED:
            if excel.is_blank(cells[column]):
                self.problem(line, column, MSG_REQUIRED)
        raw_number = cells["户编号"]
        if excel.is_number_cell(raw_number) and excel.digits_lost(raw_number):
            self.problem(line, "户编号", MSG_NUMBER_AS_NUMBER)
        raw_id = cells["身份证号"]
        number = None
        if excel.is_blank(raw_id):
            pass
        elif excel.is_number_cell(raw_id) or excel.SCIENTIFIC.match(excel.text(raw_id)):
            self.problem(line, "身份证号", MSG_ID_AS_NUMBER)
        else:
            number = self.check(line, "身份证号", lambda: idcard.parse(excel.text(raw_id)))
        relation = excel.text(cells["与户主关系"])
        if relation:
            self.check(
                line,
                "与户主关系",
                lambda: clean_choice(relation, RELATIONS, "与户主关系"),
            )
        health = self.check(line, "健康状况", lambda: clean_health(excel.text(cells["健康状况"])))
        choices: dict[str, str | None] = {}
        for column, allowed in (
            ("劳动技能", LABOUR_VALUES),
            ("文化程度", EDUCATION_VALUES),
            ("在校生情况", SCHOOL_STATUS_VALUES),
        ):
            choices[column] = self.check(
                line, column, partial(clean_choice, excel.text(cells[column]), allowed, column)
            )
        grade = self.check(line, "残疾等级", lambda: clean_disability_grade(cells["残疾等级"]))
        alleviated = excel.text(cells["是否脱贫户"]).upper()
        if alleviated and alleviated not in YES | NO:
            self.problem(line, "是否脱贫户", MSG_YES_NO)
        village = excel.text(cells["村代码"]).replace(" ", "")
        if village and not (village.isdigit() and len(village) == 12):
            self.problem(line, "村代码", "村代码应为12位数字")
        phone = excel.text(cells["联系电话"]).replace(" ", "")
        if len(phone) > 20:
            self.problem(line, "联系电话", "联系电话过长")
        address = excel.text(cells["家庭住址"])
        if len(address) > 200:
            self.problem(line, "家庭住址", "家庭住址过长(最多200字)")
        name = excel.text(cells["姓名"])
        if len(name) > 64:
            self.problem(line, "姓名", "姓名过长")
        if len(self.problems) > before or number is None:
            return None
        member = CleanMember(
            name=name,
            id_number=number,
            relation=relation,
            health=health,
            labour=choices["劳动技能"] or "",
            education=choices["文化程度"] or "",
            school_status=choices["在校生情况"] or "",
            disability_grade=grade,
            phone=phone,
        )
        return Row(
            line=line,
            number=excel.text(raw_number).replace(" ", ""),
            village=village,
            is_alleviated=alleviated in YES,
            address=address,
            phone=phone,
            member=member,
        )


def _read(user: User | None, file: Any, result: ImportResult) -> list[Row]:
    reader = _Reader(user)
    try:
        raw = excel.read_first_sheet(file)
    except BadValue as exc:
        result.problems.append(Problem(0, "", exc.detail))
        return []
    columns = reader.header_map(raw[0])
    if columns is None:
        result.problems.extend(reader.problems)
        return []
    rows: list[Row] = []
    for index, values in enumerate(raw[1:], start=2):
        if all(excel.is_blank(v) for v in values):
            continue
        result.rows += 1
        cells = {h: (values[i] if i < len(values) else "") for h, i in columns.items()}
        row = reader.row(index, cells)
        if row is not None:
            rows.append(row)
        else:
            result.incomplete.add(excel.text(cells["户编号"]).replace(" ", ""))
    if result.rows == 0:
        reader.problem(0, "", "文件中只有表头,没有数据行")
    result.problems.extend(reader.problems)
    return rows


@dataclass
class _Plan:
    new_households: list[Household] = field(default_factory=list)
    changed_households: list[Household] = field(default_factory=list)
    new_persons: list[Person] = field(default_factory=list)
    changed_persons: list[Person] = field(default_factory=list)
    ended: dict[int, Membership] = field(default_factory=dict)
    moves: int = 0  # ended memberships whose person joins another household in the file
    relation_changed: list[Membership] = field(default_factory=list)
    # (household number, person id number, relation) for memberships to start
    joins: list[tuple[str, str, str]] = field(default_factory=list)


PERSON_FIELDS = (
    "name",
    "health",
    "labour",
    "education",
    "school_status",
    "disability_grade",
    "phone",
)
HOUSEHOLD_FIELDS = ("village_id", "address", "phone", "is_alleviated", "head_name", "member_count")


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


def _household_values(members: list[Row]) -> dict[str, Any]:
    head = next(r for r in members if r.member.relation == Relation.HEAD)
    address = head.address or next((r.address for r in members if r.address), "")
    return {
        "village_id": head.village,
        "address": address,
        "phone": head.phone,
        "is_alleviated": head.is_alleviated,
        "head_name": head.member.name,
        "member_count": len(members),
    }


def _person_values(row: Row) -> dict[str, Any]:
    m = row.member
    return {
        "name": m.name,
        "health": m.health,
        "labour": m.labour,
        "education": m.education,
        "school_status": m.school_status,
        "disability_grade": m.disability_grade,
        "phone": m.phone,
    }


def _plan(user: User | None, groups: dict[str, list[Row]], result: ImportResult) -> _Plan:
    plan = _Plan()
    problems = result.problems
    households = {h.number: h for h in _in(Household, "number", groups)}
    for number, found in households.items():
        if user is not None and not covers(user, found.village_id):
            problems.append(
                Problem(
                    groups[number][0].line, "户编号", MSG_FOREIGN_HOUSEHOLD.format(number=number)
                )
            )
    all_rows = [r for members in groups.values() for r in members]
    persons = {
        p.id_number: p
        for p in _in(Person, "id_number", {r.member.id_number.value for r in all_rows})
    }
    current_of_person: dict[int, Membership] = {
        m.person_id: m
        for m in _in(
            Membership,
            "person_id",
            [p.pk for p in persons.values()],
            ended_on__isnull=True,
        )
    }
    numbers_by_household_id = {h.pk: n for n, h in households.items()}
    other_ids = {m.household_id for m in current_of_person.values()} - set(numbers_by_household_id)
    other_numbers = {h.pk: h for h in _in(Household, "pk", other_ids)}
    current_of_household: dict[int, list[Membership]] = defaultdict(list)
    for m in _in(Membership, "household_id", list(numbers_by_household_id), ended_on__isnull=True):
        current_of_household[m.household_id].append(m)

    for number, members in groups.items():
        values = _household_values(members)
        household: Household | None = households.get(number)
        changed = False
        if household is None:
            plan.new_households.append(Household(number=number, **values))
            result.created += 1
        else:
            diff = {k: v for k, v in values.items() if getattr(household, k) != v}
            if diff:
                for k, v in diff.items():
                    setattr(household, k, v)
                plan.changed_households.append(household)
                changed = True
        listed: set[int] = set()
        for row in members:
            value = row.member.id_number.value
            person = persons.get(value)
            if person is None:
                person = Person(
                    id_number=value,
                    sex=row.member.id_number.sex,
                    birth_date=row.member.id_number.birth_date,
                    **_person_values(row),
                )
                persons[value] = person
                plan.new_persons.append(person)
                plan.joins.append((number, value, row.member.relation))
                changed = True
                continue
            wanted = _person_values(row)
            if row.member.relation == Relation.HEAD:
                # The 户主 row's phone is the household's; a head's own phone is kept.
                del wanted["phone"]
            diff = {k: v for k, v in wanted.items() if getattr(person, k) != v}
            if diff:
                for k, v in diff.items():
                    setattr(person, k, v)
                plan.changed_persons.append(person)
                changed = True
            listed.add(person.pk)
            current = current_of_person.get(person.pk)
            if (
                current is not None
                and household is not None
                and current.household_id == household.pk
            ):
                if current.relation != row.member.relation:
                    current.relation = row.member.relation
                    plan.relation_changed.append(current)
                    changed = True
                continue
            if current is not None:
                if current.household_id in numbers_by_household_id:
                    plan.ended[current.pk] = current  # moves between households in the file
                    plan.moves += 1
                else:
                    other = other_numbers.get(current.household_id)
                    where = ""
                    if other is not None and (user is None or covers(user, other.village_id)):
                        where = f"(户编号 {other.number})"
                    problems.append(Problem(row.line, "身份证号", MSG_IN_OTHER.format(where=where)))
                    continue
            plan.joins.append((number, value, row.member.relation))
            changed = True
        if household is not None:
            for m in current_of_household.get(household.pk, []):
                if m.person_id not in listed and m.pk not in plan.ended:
                    plan.ended[m.pk] = m
                    changed = True
        if household is not None:
            if changed:
                result.updated += 1
            else:
                result.unchanged += 1
    result.persons_created = len(plan.new_persons)
    result.members_ended = len(plan.ended) - plan.moves
    return plan


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
        person_ids = {p.id_number: p.pk for p in _in(Person, "id_number", ids)}
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


def household_import(
    *, user: User | None, file: str | IO[bytes] | bytes | Any, dry_run: bool
) -> ImportResult:
    """Check a household Excel file and, unless `dry_run` or a problem is found, apply it.

    `user` None is the operator at the command line (whole registry); otherwise the user
    must be allowed to write and every village must lie in their region.
    """
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


def _problem_order(problem: Problem) -> tuple[int, int, str]:
    """By row, then in the template's column order."""
    column = HEADERS.index(problem.column) if problem.column in HEADERS else -1
    return (problem.row, column, problem.message)


def _reset_counts(result: ImportResult) -> None:
    result.created = result.updated = result.unchanged = 0
    result.persons_created = result.members_ended = 0
