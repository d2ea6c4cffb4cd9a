from __future__ import annotations

from ninja import Router, Schema

from fangpin.auth import AuthedRequest

from . import selectors
from .models import Region

router = Router(tags=["行政区划"])


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent: str | None

    @staticmethod
    def resolve_parent(obj: Region) -> str | None:
        return obj.parent_id


@router.get("/{code}", response=RegionOut, summary="查询一个行政区划")
def region_detail(request: AuthedRequest, code: str) -> Region:
    return selectors.region_get(user=request.auth, code=code)


@router.get("/{code}/children", response=list[RegionOut], summary="下级行政区划")
def region_children(request: AuthedRequest, code: str) -> list[Region]:
    return list(selectors.region_children(user=request.auth, code=code))
