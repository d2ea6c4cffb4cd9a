"""Tables (page and Excel) and panel rows for asset income, disposals, the yearly check and
联村共建; the same `Table` shape as `tables.py`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .models import (
    AssetCheck,
    AssetClass,
    AssetDisposal,
    AssetIncome,
    Condition,
    DisposalKind,
    DisposalState,
    DistributionRule,
    VillageGroup,
)
from .selectors_assets import AssetWork, GroupCounts

if TYPE_CHECKING:
    from .models import Asset
    from .tables import Table


def _money(value: Any) -> str:
    return f"{(value or 0):.2f}"


def _label(choices: Any, value: str) -> str:
    return str(dict(choices.choices).get(value, value or "—"))


def _pct(value: Any) -> str:
    return f"{float(value):.2%}"


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


def asset_work_rows(w: AssetWork) -> list[tuple[str, str, Any]]:
    """(section, label, value) of the panel's asset-work figures."""
    c = w.check
    return [
        ("资产收益", "当年资产收益(元)", _money(w.income)),
        ("资产收益", "已分配到户(元)", _money(w.distributed)),
        ("资产收益", "分配到户户数", w.distributed_households),
        ("资产处置", "审核中的处置申请", w.disposals_open),
        ("资产处置", "当年批准处置", w.disposals_approved),
        ("资产处置", "当年不予批准", w.disposals_rejected),
        ("年度清查", "应清查资产", c.assets),
        ("年度清查", "已清查", c.checked),
        ("年度清查", "未清查", c.unchecked),
        ("年度清查", "清查覆盖率", _pct(c.coverage)),
        ("年度清查", "资产不存在", c.missing),
        ("年度清查", "未正常使用", c.idle),
        ("联村共建", "联村共建组", w.groups),
        ("联村共建", "参与村数", w.group_villages),
    ]


def asset_work_chart(w: AssetWork) -> dict[str, Any]:
    """ECharts option: the year's check, checked against not yet checked."""
    return {
        "key": "check",
        "title": f"资产年度清查(覆盖率 {_pct(w.check.coverage)})",
        "option": {
            "tooltip": {"trigger": "item"},
            "series": [
                {
                    "type": "pie",
                    "radius": "60%",
                    "data": [
                        {"name": "已清查", "value": w.check.checked},
                        {"name": "未清查", "value": w.check.unchecked},
                    ],
                }
            ],
        },
    }


def _make(
    key: str,
    title: str,
    headers: list[str],
    objects: Iterable[Any],
    row: Any,
    flag: Any = None,
    flag_label: str = "",
) -> Table:
    from .tables import Table

    items = list(objects)
    return Table(
        key=key,
        title=title,
        headers=headers,
        rows=[row(o) for o in items],
        flagged=[bool(flag(o)) if flag else False for o in items],
        flag_label=flag_label,
    )


def incomes_table(qs: Iterable[AssetIncome]) -> Table:
    def undistributed(i: AssetIncome) -> Any:
        return i.amount - (getattr(i, "distributed", None) or 0)

    return _make(
        "asset_incomes",
        "资产收益",
        ["编号", "资产", "所在村", "年度", "收益(元)", "来源", "分配方式", "已分配(元)", "户数"],
        qs,
        lambda i: [
            i.pk,
            i.asset.name,
            i.asset.village.name,
            i.year,
            _money(i.amount),
            i.source,
            _label(DistributionRule, i.rule) if i.rule else "未分配",
            _money(getattr(i, "distributed", None)),
            getattr(i, "households", 0),
        ],
        lambda i: undistributed(i) > 0,
        "尚有收益未分配",
    )


def disposals_table(qs: Iterable[AssetDisposal]) -> Table:
    return _make(
        "asset_disposals",
        "资产处置",
        [
            "编号",
            "资产",
            "所在村",
            "处置方式",
            "理由",
            "处置价值(元)",
            "接收方",
            "申请日期",
            "状态",
        ],
        qs,
        lambda d: [
            d.pk,
            d.asset.name,
            d.asset.village.name,
            _label(DisposalKind, d.kind),
            d.reason,
            _money(d.value),
            d.recipient,
            d.requested_on,
            _label(DisposalState, d.state),
        ],
        lambda d: d.state in (DisposalState.REQUESTED, DisposalState.TOWNSHIP_APPROVED),
        "待审核",
    )


def check_table(rows: list[tuple[Asset, AssetCheck | None]]) -> Table:
    def found(c: AssetCheck | None, text: str) -> str:
        return "未清查" if c is None else text

    return _make(
        "asset_check",
        "资产年度清查",
        ["资产编号", "资产", "类别", "所在村", "资产存在", "状况", "正常使用", "权属清晰", "备注"],
        rows,
        lambda r: [
            r[0].pk,
            r[0].name,
            _label(AssetClass, r[0].asset_class),
            r[0].village.name,
            found(r[1], _yes(r[1].exists) if r[1] else ""),
            found(r[1], _label(Condition, r[1].condition) if r[1] else ""),
            found(r[1], _yes(r[1].in_use) if r[1] else ""),
            found(r[1], _yes(r[1].rights_ok) if r[1] else ""),
            r[1].notes if r[1] else "",
        ],
        lambda r: r[1] is None,
        "当年未清查",
    )


def groups_table(qs: Iterable[VillageGroup]) -> Table:
    return _make(
        "village_groups",
        "联村共建",
        ["名称", "县", "牵头村", "成员村", "共建产业", "年度", "项目数", "经营主体数"],
        qs,
        lambda g: [
            g.name,
            g.county.name,
            g.lead_village.name,
            "、".join(v.name for v in g.villages.all()),
            g.industry,
            g.year,
            len(g.projects.all()),
            len(g.entities.all()),
        ],
    )


def group_counts_table(rows: list[GroupCounts]) -> Table:
    return _make(
        "village_group_counts",
        "联村共建按县计数",
        ["县", "联村共建组", "参与村数", "项目数", "经营主体数"],
        rows,
        lambda r: [r.name, r.groups, r.villages, r.projects, r.entities],
    )
