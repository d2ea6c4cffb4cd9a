"""Excel imports of the programs modules: one template per module (first sheet, Chinese
headers). All or nothing: every row is tried through the same services as the API, each in
its own savepoint, and if any row is wrong nothing is written and every problem is reported
as (row, message). The file passes the upload gate (core.excel.read_first_sheet) first.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from django.db import transaction

from fangpin.core import excel, idcard
from fangpin.core.errors import BadValue, FangpinError, NotFound
from fangpin.registry.models import Household, Person

from . import services
from .error_codes import ProgramsErrorCode as Code
from .models import Entity, Workshop
from .models.assets import RIGHTS

if TYPE_CHECKING:
    from fangpin.accounts.models import User

MAX_PROBLEMS = 200


@dataclass(frozen=True)
class Kind:
    key: str
    title: str
    headers: tuple[str, ...]
    required: frozenset[str]
    text_columns: tuple[int, ...]
    write: Callable[[User, dict[str, str]], Any]


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    written: int = 0
    dry_run: bool = False
    problems: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _date(value: str, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.replace("/", "-")[:10])
    except ValueError:
        raise BadValue(f"{label}“{value}”不是日期(如 2026-03-01)", code=Code.INVALID_DATE) from None


def _count(value: str, label: str) -> int:
    try:
        number = float(value or 0)
    except ValueError:
        raise BadValue(f"{label}“{value}”不是整数", code=Code.INVALID_COUNT) from None
    if not number.is_integer() or not 0 <= number <= 32_767:
        raise BadValue(f"{label}“{value}”应为 0 至 32767 的整数", code=Code.INVALID_COUNT)
    return int(number)


def _funds(user: User, r: dict[str, str]) -> Any:
    return services.fund_allocation_create(
        user=user,
        year=r["年度"],
        level=r["资金级别"],
        county_code=r["县代码"],
        purpose=r["用途"],
        amount=r["金额(元)"],
        note=r.get("文号或说明", ""),
    )


def _projects(user: User, r: dict[str, str]) -> Any:
    return services.project_create(
        user=user,
        name=r["项目名称"],
        type=r["项目类型"],
        year=r["年度"],
        village_code=r["村代码"],
        budget=r["预算(元)"],
        status=r.get("状态") or "planned",
        households_benefiting=_count(r.get("受益户数", ""), "受益户数"),
    )


def _assets(user: User, r: dict[str, str]) -> Any:
    return services.asset_create(
        user=user,
        name=r["资产名称"],
        asset_class=r["资产类别"],
        value=r["资产价值(元)"],
        village_code=r["村代码"],
        rights={key: r.get(label, "") for key, label in RIGHTS},
    )


def _workers(user: User, r: dict[str, str]) -> Any:
    village = r["村代码"]
    workshop = Workshop.objects.filter(name=r["车间名称"], village_id=village).first()
    if workshop is None:
        workshop = services.workshop_create(
            user=user,
            name=r["车间名称"],
            type=r["车间类型"],
            village_code=village,
            owner=r["经营主体"],
        )
    number = idcard.normalise(r["身份证号"])
    person = Person.objects.with_id_number(number).first() if number else None
    if person is None:
        raise NotFound("身份证号不在农户名册中", code=Code.PERSON_NOT_FOUND)
    return services.workshop_worker_add(
        user=user,
        workshop_id=workshop.pk,
        person_id=person.pk,
        starts_on=_date(r["上岗日期"], "上岗日期"),
        monthly_wage=r["月工资(元)"],
    )


def _entities(user: User, r: dict[str, str]) -> Any:
    return services.entity_create(
        user=user,
        name=r["名称"],
        type=r["类型"],
        county_code=r["县代码"],
        level=r.get("级别", ""),
        industry=r.get("主导产业", ""),
    )


def _links(user: User, r: dict[str, str]) -> Any:
    """A 四金 link by 户编号 and the entity's name in the household's county; the household's
    income record for the year follows, as for a link made on the page or through the API."""
    missing = NotFound("户编号不存在或不在您的管辖范围内", code=Code.LINK_HOUSEHOLD_NOT_FOUND)
    number = r["户编号"].strip()
    household = Household.objects.filter(number=number).first()
    if household is None:
        raise missing
    entity = Entity.objects.filter(
        name=r["经营主体"].strip(), county_id=household.village_id[:6]
    ).first()
    if entity is None:
        raise NotFound(
            f"该户所在县没有名为“{r['经营主体']}”的经营主体,请先导入经营主体",
            code=Code.ENTITY_NOT_FOUND,
        )
    return services.benefit_link_create(
        user=user,
        household_id=household.pk,
        entity_id=entity.pk,
        kind=r["收益类型"],
        year=r["年度"],
        amount=r["金额(元)"],
    )


def _talents(user: User, r: dict[str, str]) -> Any:
    return services.talent_create(
        user=user,
        name=r["姓名"],
        origin_village_code=r["籍贯村代码"],
        skill=r["专长"],
        location=r.get("现所在地", ""),
        returned=r.get("已返乡创业", "") in ("是", "1", "true", "True"),
        phone=r.get("联系电话", ""),
        project=r.get("创业项目", ""),
    )


KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        Kind(
            "funds",
            "衔接资金",
            ("年度", "资金级别", "县代码", "用途", "金额(元)", "文号或说明"),
            frozenset({"年度", "资金级别", "县代码", "用途", "金额(元)"}),
            (2,),
            _funds,
        ),
        Kind(
            "projects",
            "帮扶项目",
            ("项目名称", "项目类型", "年度", "村代码", "预算(元)", "状态", "受益户数"),
            frozenset({"项目名称", "项目类型", "年度", "村代码", "预算(元)"}),
            (3,),
            _projects,
        ),
        Kind(
            "assets",
            "项目资产",
            ("资产名称", "资产类别", "资产价值(元)", "村代码", *[label for _, label in RIGHTS]),
            frozenset({"资产名称", "资产类别", "资产价值(元)", "村代码"}),
            (3,),
            _assets,
        ),
        Kind(
            "workers",
            "车间务工人员",
            ("车间名称", "村代码", "车间类型", "经营主体", "身份证号", "上岗日期", "月工资(元)"),
            frozenset(
                {"车间名称", "村代码", "车间类型", "经营主体", "身份证号", "上岗日期", "月工资(元)"}
            ),
            (1, 4),
            _workers,
        ),
        Kind(
            "entities",
            "经营主体",
            ("名称", "类型", "县代码", "级别", "主导产业"),
            frozenset({"名称", "类型", "县代码"}),
            (2,),
            _entities,
        ),
        Kind(
            "links",
            "联农带农(四金)",
            ("户编号", "经营主体", "收益类型", "年度", "金额(元)"),
            frozenset({"户编号", "经营主体", "收益类型", "年度", "金额(元)"}),
            (0,),
            _links,
        ),
        Kind(
            "talents",
            "人才",
            ("姓名", "籍贯村代码", "专长", "现所在地", "已返乡创业", "创业项目", "联系电话"),
            frozenset({"姓名", "籍贯村代码", "专长"}),
            (1, 6),
            _talents,
        ),
    )
}


def kind_get(key: str) -> Kind:
    if key not in KINDS:
        raise NotFound("没有这种导入模板", code=Code.UNKNOWN_KIND)
    return KINDS[key]


def template_xlsx(key: str) -> bytes:
    kind = kind_get(key)
    buffer = io.BytesIO()
    excel.write_sheet(
        buffer, headers=kind.headers, rows=[], title=kind.title, text_columns=kind.text_columns
    )
    return buffer.getvalue()


def programs_import(
    *, user: User, kind: str, file: IO[bytes] | bytes, dry_run: bool = False
) -> ImportResult:
    """Import one module's rows, all or nothing; `dry_run` checks every row, writes none."""
    spec = kind_get(kind)
    services.require_writer(user)
    rows = excel.read_first_sheet(file)
    headers = [excel.text(h) for h in rows[0]]
    result = ImportResult(kind=kind, dry_run=dry_run)
    missing = [h for h in spec.required if h not in headers]
    if missing:
        result.problems.append((1, f"缺少列:{'、'.join(sorted(missing))}"))
        return result
    text_at = {
        headers.index(spec.headers[i]) for i in spec.text_columns if spec.headers[i] in headers
    }
    with transaction.atomic():
        for number, raw in enumerate(rows[1:], start=2):
            if all(excel.is_blank(v) for v in raw):
                continue
            result.rows += 1
            cells = list(raw) + [""] * (len(headers) - len(raw))
            record: dict[str, str] = {}
            problem = ""
            for index, name in enumerate(headers):
                if not name:
                    continue
                value = cells[index]
                if index in text_at and excel.is_number_cell(value) and excel.digits_lost(value):
                    problem = f"{name}被 Excel 存成了数字,位数已丢失;请把该列设为文本后重新填写"
                record[name] = excel.text(value)
            empty = [h for h in spec.headers if h in spec.required and not record.get(h)]
            if empty and not problem:
                problem = f"{'、'.join(empty)}不能为空"
            if not problem:
                try:
                    with transaction.atomic():
                        spec.write(user, record)
                    result.written += 1
                except FangpinError as exc:
                    problem = exc.detail
            if problem:
                result.problems.append((number, problem))
                if len(result.problems) >= MAX_PROBLEMS:
                    break
        if result.problems or dry_run:
            transaction.set_rollback(True)
            result.written = 0
    return result


# The employment half's templates (training schools, certificates, transfers, public jobs).
from .importing_employment import KINDS as EMPLOYMENT_KINDS  # noqa: E402

KINDS.update(EMPLOYMENT_KINDS)
