"""/api/v1/households (CONTRACT §4): thin handlers over selectors and services."""

from __future__ import annotations

from typing import Any

from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from fangpin.auth import AuthedRequest
from fangpin.core.keyset import MAX_PAGE

from . import selectors, services
from .schemas import (
    PAGE_SIZE,
    EmploymentIn,
    GuaranteesIn,
    GuaranteesOut,
    HouseholdIn,
    HouseholdOut,
    HouseholdPage,
    IncomeIn,
    IncomeOut,
    MemberOut,
    guarantees_out,
    household_item,
    household_out,
    income_out,
    member_out,
)

router = Router(tags=["农户"])


class ListQuery(Schema):
    region: str | None = None
    q: str | None = None
    page: int = 1
    cursor: str | None = Field(
        None, max_length=512, description="上一页返回的 next_cursor;给出时忽略 page"
    )
    near: str | None = Field(
        None,
        max_length=12,
        description="按姓名查询时,此村(或乡镇)的农户排在前面,其次同乡镇、同县……",
    )
    # Extra filters (the pages' too): unknown values are ignored.
    category: str | None = None
    status: str | None = None
    problem: str | None = None
    attention: str | None = None
    sort: str | None = None


@router.post("", response={201: HouseholdOut}, summary="登记农户(须有且只有一名户主)")
def household_create(request: AuthedRequest, body: HouseholdIn) -> Status[dict[str, Any]]:
    household = services.household_create(
        user=request.auth,
        village_code=body.village_code,
        is_alleviated=body.is_alleviated,
        address=body.address or "",
        phone=body.phone or "",
        members=[m.dict() for m in body.members],
    )
    return Status(201, household_out(household, request.auth.sees_personal_data))


@router.get("", response=HouseholdPage, summary="农户列表(按区划、姓名、身份证号或户编号查询)")
def household_list(request: AuthedRequest, filters: Query[ListQuery]) -> dict[str, Any]:
    page = min(max(filters.page, 1), MAX_PAGE)
    found = selectors.household_page(
        user=request.auth,
        size=PAGE_SIZE,
        cursor=filters.cursor,
        page=page,
        near=filters.near,
        region=filters.region,
        q=filters.q,
        category=filters.category,
        status=filters.status,
        problem=filters.problem,
        attention=filters.attention,
        sort=filters.sort,
    )
    personal = request.auth.sees_personal_data
    return {
        "items": [household_item(h, personal) for h in found.rows],
        "count": found.count,
        "count_capped": found.count_capped,
        "page": page,
        "page_size": PAGE_SIZE,
        "next_cursor": found.next_cursor,
    }


@router.get("/{household_id}", response=HouseholdOut, summary="农户详情")
def household_detail(request: AuthedRequest, household_id: int) -> dict[str, Any]:
    household = selectors.household_get(user=request.auth, household_id=household_id)
    return household_out(household, request.auth.sees_personal_data)


@router.post(
    "/{household_id}/incomes",
    response={201: IncomeOut},
    summary="录入年度收入(自动计算人均纯收入)",
)
def income_create(
    request: AuthedRequest, household_id: int, body: IncomeIn
) -> Status[dict[str, Any]]:
    record = services.income_record(user=request.auth, household_id=household_id, **body.dict())
    return Status(201, income_out(record))


@router.put(
    "/{household_id}/guarantees",
    response=GuaranteesOut,
    summary="更新两不愁三保障及饮水情况",
)
def guarantees_update(
    request: AuthedRequest, household_id: int, body: GuaranteesIn
) -> dict[str, Any]:
    guarantee = services.guarantees_set(user=request.auth, household_id=household_id, **body.dict())
    return guarantees_out(guarantee)


@router.put(
    "/{household_id}/members/{person_id}/employment",
    response=MemberOut,
    summary="更新成员就业情况(就业状态、地域、务工月数)",
)
def member_employment_set(
    request: AuthedRequest, household_id: int, person_id: int, body: EmploymentIn
) -> dict[str, Any]:
    services.person_employment_set(
        user=request.auth,
        household_id=household_id,
        person_id=person_id,
        status=body.employment_status,
        work_place=body.work_place,
        work_place_text=body.work_place_text,
        year=body.employment_year,
        months=body.employment_months,
    )
    household = selectors.household_get(user=request.auth, household_id=household_id)
    membership = next(
        m for m in selectors.household_members(household=household) if m.person_id == person_id
    )
    return member_out(membership, request.auth.sees_personal_data)
