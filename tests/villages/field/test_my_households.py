"""我的农户: the grid worker's households, each with what it needs now, most needy first."""

from __future__ import annotations

import datetime as dt

import pytest

from fangpin.monitoring import clock
from fangpin.monitoring.models import Case, Category, Channel, RiskType, State
from fangpin.screening.models import Warning
from fangpin.villages.field import services as field
from fangpin.villages.models import Problem, Visit
from tests.conftest import BAOFENG_VILLAGE
from tests.registry.helpers import make_household

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(make_user):
    return make_user("village", BAOFENG_VILLAGE, "wangge")


@pytest.fixture
def grid(worker):
    return field.grid_create(
        user=worker,
        name="一组",
        level="group",
        region_code=BAOFENG_VILLAGE,
        worker_username=worker.username,
    )


def _placed(worker, grid, name, **kwargs):
    home = make_household(worker, BAOFENG_VILLAGE, head_name=name, **kwargs)
    field.household_grid_set(user=worker, household_id=home.pk, grid_id=grid.pk)
    return home


def test_each_household_shows_what_it_needs_and_the_neediest_come_first(
    client, worker, grid, make_user
):
    today = clock.today()
    quiet = _placed(worker, grid, "赵安")
    Visit.objects.create(household=quiet, visited_on=today, met="户主", created_by=worker)
    busy = _placed(worker, grid, "钱忙", is_alleviated=True)  # never visited
    Warning.objects.create(
        household=busy, rule="medical_out_of_pocket", message="自付较高", deadline=today
    )
    Case.objects.create(
        household=busy,
        village_id=BAOFENG_VILLAGE,
        state=State.REPORTED,
        channel=Channel.CADRE_VISIT,
        category=Category.UNSTABLE,
        risk_types=[RiskType.ILLNESS],
        discovered_on=today,
        deadline=today + dt.timedelta(days=15),
    )
    Problem.objects.create(
        village_id=BAOFENG_VILLAGE,
        household=busy,
        type="housing",
        description="房屋漏雨",
        responsible_unit="住建局",
        deadline=today + dt.timedelta(days=10),
        created_by=worker,
    )
    elsewhere = make_household(worker, BAOFENG_VILLAGE, head_name="孙别组")  # in no grid of mine

    client.force_login(worker)
    page = client.get("/villages/my-households/").content.decode()
    assert page.index("钱忙户") < page.index("赵安户")  # the needy one first
    assert "孙别组" not in page
    busy_row = page[page.index(f'data-household="{busy.pk}"') :]
    busy_row = busy_row[: busy_row.index("</tr>")]
    for need in ("应走访", "预警 1 条待核实", "已发现待核实", "普查问题 1 个待整改"):
        assert need in busy_row, need
    quiet_row = page[page.index(f'data-household="{quiet.pk}"') :]
    quiet_row = quiet_row[: quiet_row.index("</tr>")]
    assert "应走访" not in quiet_row and today.isoformat() in quiet_row
    assert elsewhere.pk  # made, but not listed


def test_another_workers_grid_is_not_mine(client, worker, grid, make_user):
    _placed(worker, grid, "赵安")
    colleague = make_user("village", BAOFENG_VILLAGE, "colleague")
    client.force_login(colleague)
    page = client.get("/villages/my-households/").content.decode()
    assert "赵安户" not in page and "还没有负责的网格农户" in page
