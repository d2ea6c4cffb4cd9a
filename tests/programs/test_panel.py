"""The programs panel: a small data set for every module, and every figure the panel shows
checked against counts made here from the data itself."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from fangpin.programs import services as programs
from fangpin.programs.indicators import fund_spending_progress, workshop_alleviated_workers
from tests.conftest import BAOFENG, BAOFENG_VILLAGE, CITY, YEXIAN, YEXIAN_VILLAGE
from tests.registry.helpers import make_household

pytestmark = pytest.mark.django_db

RIGHTS = ("ownership", "operation", "management", "income", "supervision", "disposal")


@pytest.fixture
def data(make_user):
    today = timezone.localdate()
    year = today.year
    bf = make_user("county", BAOFENG, "bf")
    yx = make_user("county", YEXIAN, "yx")
    clerk_bf = make_user("village", BAOFENG_VILLAGE, "clerk-bf")
    clerk_yx = make_user("village", YEXIAN_VILLAGE, "clerk-yx")
    d: dict = {"year": year, "today": today}
    d["funds"] = [
        (bf, year, "central", BAOFENG, "industry", Decimal("3000")),
        (bf, year, "county", BAOFENG, "other", Decimal("1000")),
        (bf, year - 1, "central", BAOFENG, "industry", Decimal("2000")),
        (yx, year, "provincial", YEXIAN, "industry", Decimal("500")),
    ]
    for user, y, level, county, purpose, amount in d["funds"]:
        programs.fund_allocation_create(
            user=user, year=y, level=level, county_code=county, purpose=purpose, amount=amount
        )
    d["projects"] = [
        # user, village, year, budget, status, spent
        (bf, BAOFENG_VILLAGE, year, Decimal("1000"), "in_progress", Decimal("0")),
        (bf, BAOFENG_VILLAGE, year, Decimal("3000"), "completed", Decimal("3000")),
        (bf, BAOFENG_VILLAGE, year - 1, Decimal("500"), "completed", Decimal("100")),
        (yx, YEXIAN_VILLAGE, year, Decimal("800"), "in_progress", Decimal("400")),
    ]
    for i, (user, village, y, budget, status, spent) in enumerate(d["projects"]):
        p = programs.project_create(
            user=user,
            name=f"项目{i}",
            type="industry",
            year=y,
            village_code=village,
            budget=budget,
            status=status,
        )
        if spent:
            programs.project_spending_record(user=user, project_id=p.pk, amount=spent)
    full = dict.fromkeys(RIGHTS, "村集体")
    d["assets"] = [
        (bf, BAOFENG_VILLAGE, Decimal("100"), full),
        (bf, BAOFENG_VILLAGE, Decimal("250"), {**full, "income": ""}),
        (yx, YEXIAN_VILLAGE, Decimal("900"), {}),
    ]
    for i, (user, village, value, rights) in enumerate(d["assets"]):
        programs.asset_create(
            user=user,
            name=f"资产{i}",
            asset_class="operating",
            value=value,
            village_code=village,
            rights=rights,
        )
    d["entities"] = [
        (bf, BAOFENG, "enterprise"),
        (bf, BAOFENG, "cooperative"),
        (yx, YEXIAN, "enterprise"),
    ]
    entities = [
        programs.entity_create(user=u, name=f"主体{i}", type=t, county_code=c)
        for i, (u, c, t) in enumerate(d["entities"])
    ]
    homes_bf = [
        make_household(clerk_bf, BAOFENG_VILLAGE, members=1, is_alleviated=i < 4) for i in range(6)
    ]
    homes_yx = [make_household(clerk_yx, YEXIAN_VILLAGE, members=1, is_alleviated=True)]
    d["links"] = [
        (bf, homes_bf[0], entities[0], "dividend", year, Decimal("300")),
        (bf, homes_bf[0], entities[1], "rent", year, Decimal("200")),
        (bf, homes_bf[1], entities[0], "wage", year, Decimal("1000")),
        (bf, homes_bf[2], entities[0], "asset_income", year - 1, Decimal("50")),
        (yx, homes_yx[0], entities[2], "rent", year, Decimal("70")),
    ]
    for user, home, entity, kind, y, amount in d["links"]:
        programs.benefit_link_create(
            user=user, household_id=home.pk, entity_id=entity.pk, kind=kind, year=y, amount=amount
        )
    shop = programs.workshop_create(
        user=bf, name="车间一", type="factory", village_code=BAOFENG_VILLAGE, owner="甲"
    )
    shop2 = programs.workshop_create(
        user=bf, name="车间二", type="home", village_code=BAOFENG_VILLAGE, owner="乙"
    )
    start = today - dt.timedelta(days=30)
    d["workers"] = [(shop, h, None) for h in homes_bf[:5]] + [
        (shop2, homes_bf[5], None),
        (shop2, homes_bf[4], today - dt.timedelta(days=1)),  # left yesterday
    ]
    for workshop, home, ends in d["workers"]:
        programs.workshop_worker_add(
            user=bf,
            workshop_id=workshop.pk,
            person_id=home.current_memberships().first().person_id,
            starts_on=start,
            ends_on=ends,
            monthly_wage=1500,
        )
    d["talents"] = [(bf, True), (bf, False), (bf, True), (yx, True)]
    for i, (user, returned) in enumerate(d["talents"]):
        village = BAOFENG_VILLAGE if user is bf else YEXIAN_VILLAGE
        programs.talent_create(
            user=user, name=f"人才{i}", origin_village_code=village, skill="技", returned=returned
        )
    d["bf"], d["homes_bf"], d["homes_yx"] = bf, homes_bf, homes_yx
    return d


def _expect(d: dict, county: str | None) -> dict:
    """Every figure of the panel, counted from the data set (None: the whole city)."""
    year = d["year"]

    def here(code: str) -> bool:
        return county is None or code.startswith(county)

    funds = [f for f in d["funds"] if here(f[3]) and f[1] == year]
    total = sum((f[5] for f in funds), Decimal(0))
    projects = [p for p in d["projects"] if here(p[1]) and p[2] == year]
    budget = sum((p[3] for p in projects), Decimal(0))
    spent = sum((p[5] for p in projects), Decimal(0))
    month_share = Decimal(d["today"].month) / 12
    lagging = sum(
        1 for p in projects if p[4] in ("in_progress", "completed") and p[5] / p[3] < month_share
    )
    assets = [a for a in d["assets"] if here(a[1])]
    entities = [e for e in d["entities"] if here(e[1])]
    links = [lk for lk in d["links"] if here(lk[1].village_id) and lk[4] == year]
    workers = [
        w for w in d["workers"] if here(w[0].village_id) and (w[2] is None or w[2] >= d["today"])
    ]
    shops = {w[0].pk for w in d["workers"] if here(w[0].village_id)}
    alleviated = {s: sum(1 for w in workers if w[0].pk == s and w[1].is_alleviated) for s in shops}
    talents = [
        t for t in d["talents"] if county is None or (t[0] is d["bf"]) == (county == BAOFENG)
    ]
    return {
        "funds.total": f"{total:.2f}",
        "projects": len(projects),
        "projects_budget": f"{budget:.2f}",
        "projects_spent": f"{spent:.2f}",
        "spending_progress": round(float(spent / budget), 4),
        "projects_lagging": lagging,
        "assets": len(assets),
        "assets_value": f"{sum(a[2] for a in assets):.2f}",
        "assets_incomplete": sum(1 for a in assets if not all(a[3].get(k) for k in RIGHTS)),
        "entities": len(entities),
        "entities_leading": sum(1 for e in entities if e[2] == "enterprise"),
        "linked_households": len({lk[1].pk for lk in links}),
        "links_amount.dividend": f"{sum(lk[5] for lk in links if lk[3] == 'dividend'):.2f}",
        "links_amount.rent": f"{sum(lk[5] for lk in links if lk[3] == 'rent'):.2f}",
        "links_amount.wage": f"{sum(lk[5] for lk in links if lk[3] == 'wage'):.2f}",
        "workshops": len(shops),
        "workshop_workers": len(workers),
        "workshop_alleviated_workers": sum(alleviated.values()),
        "workshops_flagged": sum(1 for n in alleviated.values() if n < 5),
        "talents": len(talents),
        "talents_returned": sum(1 for t in talents if t[1]),
    }


def _flat(panel: dict, key: str):
    value = panel
    for part in key.split("."):
        value = value[part]
    return value


@pytest.mark.parametrize(
    ("role", "region", "county"), [("county", BAOFENG, BAOFENG), ("city", CITY, None)]
)
def test_every_panel_figure_matches_the_data(data, api_as, role, region, county):
    panel = api_as(role, region).api("GET", "/programs/panel", {"region": region}).json()
    for key, want in _expect(data, county).items():
        assert _flat(panel, key) == want, key


def test_the_panel_of_another_county_is_not_found(data, api_as):
    client = api_as("county", YEXIAN)
    assert client.api("GET", "/programs/panel", {"region": BAOFENG}).status_code == 404


def test_the_indicator_formulas_count_the_same(data):
    period = data["today"].strftime("%Y-%m")
    want = _expect(data, BAOFENG)
    assert (
        workshop_alleviated_workers(BAOFENG, period).numerator
        == want["workshop_alleviated_workers"]
    )
    assert float(fund_spending_progress(BAOFENG, period).value) == want["spending_progress"]
