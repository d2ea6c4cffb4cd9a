"""Reads of the registry, always through core.scoping (out of scope looks like missing).

The household list must stay cheap at a million households: every search path below ends
in an index range or an exact index hit (village code range, 户编号 prefix, 户主姓名 prefix,
exact 身份证号, exact member name) — never an OR across joins.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Case as SqlCase
from django.db.models import Exists, IntegerField, Max, Model, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from fangpin.core import idcard
from fangpin.core.keyset import Page, keyset_page
from fangpin.core.scoping import covers, get_scoped, region_q, scoped
from fangpin.regions.selectors import region_prefix, scoped_in_region

from .attention import Attention
from .attention import person_q as attention_q
from .choices import SAFE_HOUSING
from .models import ArchiveDocument, Guarantee, Household, IncomeRecord, Membership, Person
from .past import as_they_left, person_history_q

if TYPE_CHECKING:
    from fangpin.accounts.models import User
    from fangpin.monitoring.models import Case  # the reverse relation `household.cases`

# A name shared by more people than this is too common to list by member name alone;
# the 户主 prefix search still finds them.
MEMBER_NAME_HIT_LIMIT = 2000
_ID_SHAPE = re.compile(r"^(\d{17}[\dX]|\d{15})$")
_NUMBER_SHAPE = re.compile(r"^[0-9A-Za-z-]+$")


# Household list filters (the page's and the home cards' links): value -> label.
CATEGORY_CHOICES = (("alleviated", "脱贫户"), ("general", "一般农户"))
PROBLEM_CHOICES = (("guarantee", "三保障及饮水有问题"), ("below_line", "收入不高于监测线"))
# Sorts on indexed columns only (户编号 unique, 户主姓名 indexed, village+户编号 indexed).
SORTS = {
    "village": ("village_id", "number"),
    "number": ("number",),
    "head": ("head_name", "number"),
    "-number": ("-number",),
}
SORT_CHOICES = (("village", "按村、户编号"), ("number", "按户编号"), ("head", "按户主姓名"))
DEFAULT_ORDER = ("village_id", "number")
# A name search near a village ranks its matches: that village, then its township, county,
# city, province (the prefix lengths of 统计用区划代码), then everything else.
NEAR_PREFIX_LENGTHS = (12, 9, 6, 4, 2)
RANKED_ORDER = ("nearness", "village_id", "number")


def guarantee_problem_q(prefix: str = "") -> Q:
    """Rows (of Guarantee, or through `prefix`) where any guarantee is not met."""
    return (
        Q(**{f"{prefix}food_ok": False})
        | Q(**{f"{prefix}clothing_ok": False})
        | Q(**{f"{prefix}education_ok": False})
        | Q(**{f"{prefix}medical_ok": False})
        | Q(**{f"{prefix}water_ok": False})
        | ~Q(**{f"{prefix}housing_grade__in": list(SAFE_HOUSING)})
    )


@dataclass(frozen=True)
class BelowLine:
    """Households whose latest income record of the latest year is at or below that year's
    monitoring line (`incomes`: those records, one per household)."""

    year: int | None
    line: Decimal | None
    incomes: QuerySet[IncomeRecord]


def below_line(*, user: User) -> BelowLine:
    """The home card's "不高于监测线" set, read the same way by the card and the list."""
    from fangpin.policy.services import monitoring_line

    incomes = scoped(IncomeRecord.objects.all(), user)
    year = incomes.aggregate(y=Max("year"))["y"]
    if year is None:
        return BelowLine(None, None, IncomeRecord.objects.none())
    line = monitoring_line(year)
    if line is None:
        return BelowLine(year, None, IncomeRecord.objects.none())
    later = IncomeRecord.objects.filter(household_id=OuterRef("household_id"), year=year).filter(
        Q(recorded_on__gt=OuterRef("recorded_on"))
        | Q(recorded_on=OuterRef("recorded_on"), id__gt=OuterRef("id"))
    )
    rows = incomes.filter(year=year, per_capita_net__lte=line).exclude(Exists(later))
    return BelowLine(year, line, rows)


@dataclass(frozen=True)
class StatusFilter:
    """The household list's monitoring-status filter (识别中, 已纳入 ...). Cases belong to
    monitoring, a higher app, so monitoring contributes the filter when it starts
    (`register_status_filter`) and the registry never imports it."""

    choices: tuple[tuple[str, str], ...]
    apply: Callable[[QuerySet[Household], str], QuerySet[Household]]


_status_filters: list[StatusFilter] = []


def register_status_filter(status_filter: StatusFilter) -> None:
    _status_filters[:] = [status_filter]


def status_choices() -> tuple[tuple[str, str], ...]:
    return _status_filters[0].choices if _status_filters else ()


def household_page(
    *,
    user: User,
    size: int,
    cursor: str | None = None,
    page: int = 1,
    near: str | None = None,
    **filters: Any,
) -> Page[Household]:
    """One page of household_list(**filters), by keyset `cursor` (or page number), with the
    count capped (core.keyset). A name search with `near` (a village inside the user's
    region) lists that village's matches first, then its township's, county's ...; every
    other list keeps its sort, ending in the unique 户编号."""
    qs = household_list(user=user, **filters)
    order: tuple[str, ...] = SORTS.get(filters.get("sort") or "", DEFAULT_ORDER)
    ranked = nearness(qs, user, near) if is_name_query(filters.get("q")) else None
    if ranked is not None:
        qs, order = ranked, RANKED_ORDER
    return keyset_page(qs, order, size=size, cursor=cursor, page=page)


def is_name_query(q: str | None) -> bool:
    text = idcard.clean(q) if q else ""
    return bool(text) and not _ID_SHAPE.match(text) and not _NUMBER_SHAPE.match(text)


def nearness(qs: QuerySet[Household], user: User, near: str | None) -> QuerySet[Household] | None:
    """`qs` annotated with `nearness` (0 = in the village `near`, 1 = its township, ...), or
    None when `near` is not a region the user may see (then the list keeps its plain order)."""
    prefix = region_prefix(near) if near else None
    if prefix is None or not covers(user, prefix):
        return None
    cuts = [n for n in NEAR_PREFIX_LENGTHS if n <= len(prefix)]
    whens = [
        When(region_q("village_id", prefix[:n]), then=Value(rank)) for rank, n in enumerate(cuts)
    ]
    return qs.annotate(
        nearness=SqlCase(*whens, default=Value(len(cuts)), output_field=IntegerField())
    )


def household_list(
    *,
    user: User,
    region: str | None = None,
    q: str | None = None,
    attention: str | None = None,
    category: str | None = None,
    status: str | None = None,
    problem: str | None = None,
    sort: str | None = None,
) -> QuerySet[Household]:
    """Households in the user's region (and `region`, if given) matching `q`, and with a
    current member in the special-attention group `attention`, if given.

    Also filtered by `category` (脱贫户 or not), monitoring `status` (see status_choices(),
    from the household's cases), `problem` (the home cards' guarantee and income sets), and
    sorted by `sort` (SORTS). Unknown filter values are ignored.

    `q` is an ID number (exact, current members; only for roles that see ID numbers), a
    户编号 (prefix), or a name (户主 name prefix, or any current member's exact name).
    An unknown or foreign `region` yields nothing.
    """
    qs = scoped_in_region(Household.objects.select_related("village"), user, region)
    if attention in Attention.values:
        members = Membership.objects.filter(
            household_id=OuterRef("pk"), ended_on__isnull=True
        ).filter(attention_q(attention, timezone.localdate(), prefix="person__"))
        qs = qs.filter(Exists(members))
    if category == "alleviated":
        qs = qs.filter(is_alleviated=True)
    elif category == "general":
        qs = qs.filter(is_alleviated=False)
    if status and status in dict(status_choices()):
        qs = _status_filters[0].apply(qs, status)
    if problem == "guarantee":
        qs = qs.filter(
            Exists(Guarantee.objects.filter(guarantee_problem_q(), household_id=OuterRef("pk")))
        )
    elif problem == "below_line":
        rows = below_line(user=user).incomes
        qs = qs.filter(Exists(rows.filter(household_id=OuterRef("pk"))))
    if sort in SORTS:
        qs = qs.order_by(*SORTS[sort])
    return _search(qs, q, user)


def _search(qs: QuerySet[Household], q: str | None, user: User) -> QuerySet[Household]:
    text = idcard.clean(q) if q else ""
    if not text:
        return qs
    if _ID_SHAPE.match(text) and not user.sees_personal_data:
        # A role shown only masked numbers cannot search by one either: each hit would confirm
        # a guessed number (the masked digits and the age band leave a few hundred candidates).
        return qs.filter(number=text)
    if _ID_SHAPE.match(text):
        # ID numbers are stored encrypted: only the full number is found (by its keyed hash).
        holders = Membership.objects.filter(
            person__in=Person.objects.with_id_number(text), ended_on__isnull=True
        ).values_list("household_id", flat=True)
        return qs.filter(Q(pk__in=list(holders)) | Q(number=text))
    if _NUMBER_SHAPE.match(text):
        return qs.filter(number__startswith=text)
    # Names: evaluate the (small) member hit list first so the database sees two index
    # lookups OR-ed together rather than a subquery it would scan for.
    # Only members inside the user's region: a common name has thousands of bearers in a
    # city, and the cap must not cut off those of the user's own village.
    member_households = list(
        scoped(Membership.objects.filter(person__name=text, ended_on__isnull=True), user)
        .values_list("household_id", flat=True)
        .order_by()[:MEMBER_NAME_HIT_LIMIT]
    )
    return qs.filter(Q(head_name__startswith=text) | Q(pk__in=member_households))


def household_get(*, user: User, household_id: int | str) -> Household:
    """One household in the user's region, or NotFound (missing and foreign look the same)."""
    return get_scoped(Household.objects.select_related("village", "grid"), user, pk=household_id)


def household_get_for_update(*, user: User, household_id: int | str) -> Household:
    """Like household_get, locking the row (call inside a transaction)."""
    return get_scoped(Household.objects.select_for_update(), user, pk=household_id)


def household_members(*, household: Household) -> list[Membership]:
    """Current members, 户主 first, then by when they joined."""
    rows = list(
        household.memberships.filter(ended_on__isnull=True)
        .select_related("person")
        .order_by("started_on", "id")
    )
    rows.sort(key=lambda m: (m.relation != "户主",))
    return rows


def household_past_members(*, household: Household) -> list[Membership]:
    """Ended memberships (death, marriage out, 分户 ...), most recent first, each person as
    they were when they left (see `past`): never what another household recorded since."""
    return as_they_left(
        list(
            household.memberships.filter(ended_on__isnull=False)
            .select_related("person")
            .order_by("-ended_on", "-id")
        )
    )


def household_latest_income(*, household: Household) -> IncomeRecord | None:
    return household.incomes.order_by("-year", "-recorded_on", "-id").first()


def household_incomes(*, household: Household) -> list[IncomeRecord]:
    return list(household.incomes.order_by("-year", "-recorded_on", "-id"))


def household_guarantee(*, household: Household) -> Guarantee | None:
    return Guarantee.objects.filter(household=household).first()


def household_documents(*, household: Household) -> list[ArchiveDocument]:
    return list(household.documents.select_related("uploaded_by").order_by("-uploaded_at"))


def household_open_case(*, household: Household) -> Case | None:
    """The household's open monitoring case (identification under way, or monitored)."""
    return household.cases.open().first()  # type: ignore[attr-defined]


def person_current_membership(*, user: User, id_number: str) -> Membership | None:
    """The current membership of a person (by ID number) inside the user's region."""
    value = idcard.parse(id_number).value
    return (
        scoped(Membership.objects.select_related("household", "person"), user)
        .filter(person__in=Person.objects.with_id_number(value), ended_on__isnull=True)
        .first()
    )


# ---------------------------------------------------------------------------- history


@dataclass(frozen=True)
class Change:
    field: str  # the field's Chinese label
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    """One recorded change shown on the household page."""

    when: dt.datetime
    who: str  # the acting user's name, or "系统" for imports and commands
    action: str  # 新增 / 修改 / 删除
    what: str  # e.g. "家庭成员 张三(之子)"
    changes: list[Change] = field(default_factory=list)
    reason: str = ""  # e.g. 分户, 死亡, Excel导入


_ACTIONS = {"+": "新增", "~": "修改", "-": "删除"}
_SKIP = {
    "id",
    "id_hash",
    "updated_at",
    "created_at",
    "uploaded_at",
    "household",
    "person",
    "recorded_by",
}
_PERSONAL = {"id_number", "phone"}
# Never shown beside a masked ID number: they are its hidden digits.
_HIDDEN_UNLESS_PERSONAL = {"birth_date"}


def _shown(value: Any, name: str, personal: bool) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    text = str(value)
    if name in _PERSONAL and not personal:
        return idcard.mask(text) if name == "id_number" else idcard.mask_phone(text)
    return text


def _tracked_fields(model: type[Model]) -> list[tuple[str, str, str]]:
    """(attname, name, label) of the fields whose changes are shown."""
    out = []
    for f in model._meta.concrete_fields:
        if f.name in _SKIP:
            continue
        out.append((f.attname, f.name, str(f.verbose_name)))
    return out


def _entries(
    records: Iterable[Any],
    model: type[Model],
    label: str,
    describe: Any,
    personal: bool,
) -> list[HistoryEntry]:
    fields = _tracked_fields(model)
    previous: dict[int, Any] = {}
    out: list[HistoryEntry] = []
    for rec in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        before = previous.get(rec.id)
        changes = []
        for attname, name, verbose in fields:
            if name in _HIDDEN_UNLESS_PERSONAL and not personal:
                continue
            new = getattr(rec, attname)
            old = getattr(before, attname) if before is not None else None
            if before is None and (new is None or new == ""):
                continue
            if before is None or old != new:
                changes.append(
                    Change(
                        field=verbose,
                        old=_shown(old, name, personal) if before is not None else "",
                        new=_shown(new, name, personal),
                    )
                )
        previous[rec.id] = rec
        if rec.history_type == "~" and not changes:
            continue
        user = rec.history_user
        who = (user.get_full_name() or user.username) if user is not None else "系统"
        out.append(
            HistoryEntry(
                when=rec.history_date,
                who=who,
                action=_ACTIONS.get(rec.history_type, rec.history_type),
                what=f"{label} {describe(rec)}".strip(),
                changes=changes,
                reason=rec.history_change_reason or "",
            )
        )
    return out


def household_history(*, user: User, household: Household, limit: int = 200) -> list[HistoryEntry]:
    """Every recorded change to the household, its members, persons, incomes, guarantee and
    archive, newest first, with who and when. ID numbers and phones are masked unless the
    user's role sees personal data. A former member's changes end when they left."""
    personal = user.sees_personal_data
    hid = household.pk
    person_ids = list(household.memberships.values_list("person_id", flat=True))
    names = dict(Person.objects.filter(pk__in=person_ids).values_list("pk", "name"))
    # (model, rows of its history for this household, section label, which row it was)
    sources: list[tuple[type[Model], Q, str, Callable[[Any], str]]] = [
        (Household, Q(id=hid), "农户信息", lambda r: ""),
        (
            Membership,
            Q(household_id=hid),
            "家庭成员",
            lambda r: f"{names.get(r.person_id, '')}({r.relation})",
        ),
        (Person, person_history_q(hid), "人员信息", lambda r: r.name),
        (IncomeRecord, Q(household_id=hid), "收入核算", lambda r: f"{r.year}年"),
        (Guarantee, Q(household_id=hid), "两不愁三保障及饮水", lambda r: ""),
        (ArchiveDocument, Q(household_id=hid), "户档资料", lambda r: r.title),
    ]
    entries: list[HistoryEntry] = []
    for model, lookup, label, describe in sources:
        rows = model.history.filter(lookup).select_related("history_user")  # type: ignore[attr-defined]
        entries += _entries(rows, model, label, describe, personal)
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]


def households_for_export(*, user: User | None, region: str) -> QuerySet[Household]:
    """Households under `region` for the Excel export; no user = operator (CLI), all of it."""
    prefix = region_prefix(region)
    if prefix is None:
        return Household.objects.none()
    qs = Household.objects.all()
    if user is not None:
        return scoped(qs, user, prefix=prefix).order_by("village_id", "number")
    return qs.filter(region_q(Household.region_field, prefix)).order_by("village_id", "number")
