"""Asset disposal (资产处置) as data: the village requests, the township and then the county
approve, either may reject. One row per (state, action) with its roles, guards and next
state, as `monitoring/workflow.py` does for cases; the service, API and pages read it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fangpin.accounts.models import Role
from fangpin.core.errors import Conflict

from .error_codes import ProgramsErrorCode as Code
from .models import AssetDisposal, DisposalState
from .models.assets import OPEN_DISPOSAL_STATES

Guard = Callable[[AssetDisposal], None]


# ---------------------------------------------------------------- guards (409, one per rule)


def asset_not_disposed(disposal: AssetDisposal) -> None:
    """An asset is disposed of once: a second approval would rewrite its disposal day."""
    if disposal.asset.disposed_on is not None:
        raise Conflict(
            f"资产“{disposal.asset.name}”已于 {disposal.asset.disposed_on} 处置",
            code=Code.ASSET_DISPOSED,
        )


def no_other_open_request(disposal: AssetDisposal) -> None:
    """One request at a time per asset, so two approvals cannot race to dispose it twice."""
    others = AssetDisposal.objects.filter(
        asset_id=disposal.asset_id, state__in=OPEN_DISPOSAL_STATES
    )
    if disposal.pk is not None:
        others = others.exclude(pk=disposal.pk)
    if others.exists():
        raise Conflict(
            f"资产“{disposal.asset.name}”已有一份处置申请在审核中", code=Code.DISPOSAL_OPEN
        )


# ---------------------------------------------------------------- the state table


@dataclass(frozen=True)
class Step:
    source: str
    action: str
    target: str
    roles: frozenset[str]
    guards: tuple[Guard, ...] = ()


VILLAGE = frozenset({Role.VILLAGE})
TOWNSHIP = frozenset({Role.TOWNSHIP})
COUNTY = frozenset({Role.COUNTY})
S = DisposalState

# The request itself (no state before it).
REQUEST_ROLES = VILLAGE
REQUEST_GUARDS: tuple[Guard, ...] = (asset_not_disposed, no_other_open_request)

STEPS: tuple[Step, ...] = (
    Step(S.REQUESTED, "approve_township", S.TOWNSHIP_APPROVED, TOWNSHIP, (asset_not_disposed,)),
    Step(S.REQUESTED, "reject", S.REJECTED, TOWNSHIP),
    Step(S.TOWNSHIP_APPROVED, "approve_county", S.APPROVED, COUNTY, (asset_not_disposed,)),
    Step(S.TOWNSHIP_APPROVED, "reject", S.REJECTED, COUNTY),
)

ACTIONS: dict[str, str] = {
    "approve_township": "乡镇审核通过",
    "approve_county": "县级批准",
    "reject": "不予批准",
}


def step_for(state: str, action: str) -> Step | None:
    return next((s for s in STEPS if s.source == state and s.action == action), None)


def actions_for(disposal: AssetDisposal, role: str) -> list[str]:
    """The actions the role may take on the disposal now (the page's buttons)."""
    return [s.action for s in STEPS if s.source == disposal.state and role in s.roles]
