"""Personal data as an insider would attack it (issue 8, part 3): rebuilding ID numbers from
what each role is shown, a person who moved away, formulas in exported names, file modes and
the logs. The department's reach over every route and page is walked in test_scope_walk.py.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from fangpin.core import idcard
from fangpin.core.errors import BadValue, Conflict
from fangpin.core.scoping import scoped
from fangpin.monitoring import services as monitoring
from fangpin.registry import services
from fangpin.registry.models import Person
from tests.conftest import BAOFENG, BAOFENG_TOWN, BAOFENG_VILLAGE, CITY, YEXIAN_VILLAGE
from tests.registry.helpers import member, new_id

pytestmark = pytest.mark.django_db

BIRTHS = (dt.date(1961, 3, 17), dt.date(1988, 11, 5), dt.date(2010, 6, 30))
ROLES = {
    "city": CITY,
    "county": BAOFENG,
    "township": BAOFENG_TOWN,
    "village": BAOFENG_VILLAGE,
    "department": CITY,
    "viewer": CITY,
}
PERSONAL_ROLES = {"county", "township", "village"}

FULL_ID = re.compile(r"(?<![\dX])\d{17}[\dX](?![\dX])")
MASKED_ID = re.compile(r"(?<![\d*])(\d{6})\*{8}(\d{3}[\dX])(?![\dX])")
DATES = (
    re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)"),
    re.compile(r"(?<!\d)(\d{4})/(\d{1,2})/(\d{1,2})(?!\d)"),
    re.compile(r"(?<!\d)(\d{4})年(\d{1,2})月(\d{1,2})日"),
    re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)"),
)


@pytest.fixture
def registered(make_user: Callable[..., Any]) -> dict[str, Any]:
    """A 周庄村 household of three with birth dates that appear nowhere else, and its case."""
    clerk = make_user("village", BAOFENG_VILLAGE, "zhouzhuang-clerk")
    ids = [new_id(birth=b, male=i != 1) for i, b in enumerate(BIRTHS)]
    relations = ["户主", "配偶", "之子"]
    home = services.household_create(
        user=clerk,
        village_code=BAOFENG_VILLAGE,
        is_alleviated=True,
        phone="13812345678",
        members=[
            member(relation, id_number=number, name=f"王{relation}")
            for relation, number in zip(relations, ids, strict=True)
        ],
    )
    case = monitoring.case_create(
        user=clerk, household=home, channel="self_report", category="marginal", risk_types=["01"]
    )
    return {"household": home, "ids": ids, "case": case}


def _views(client: Any, registered: dict[str, Any]) -> dict[str, tuple[int, str]]:
    """What a signed-in client is shown: the household page, API, list, search, export, case."""
    home, head_id = registered["household"], registered["ids"][0]
    case = registered["case"]
    out: dict[str, tuple[int, str]] = {}

    def page(label: str, url: str) -> None:
        response = client.get(url)
        out[label] = (response.status_code, response.content.decode())

    def api(label: str, url: str, data: Any = None) -> None:
        response = client.get(f"/api/v1{url}", data)
        out[label] = (response.status_code, json.dumps(response.json(), ensure_ascii=False))

    page("household page", reverse("registry:household_detail", args=[home.pk]))
    page("member list", reverse("registry:household_list"))
    page("search", reverse("registry:household_list") + f"?q={head_id}")
    page("case page", reverse("monitoring:case_detail", args=[case.pk]))
    api("household API", f"/households/{home.pk}")
    api("list API", "/households")
    api("search API", "/households", {"q": head_id})
    api("case API", f"/cases/{case.pk}")
    response = client.get(reverse("registry:export"))
    text = ""
    if response.status_code == 200:
        book = load_workbook(io.BytesIO(response.content))
        text = "\n".join(
            " ".join("" if v is None else str(v) for v in row)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    out["export"] = (response.status_code, text)
    return out


def rebuilt_ids(text: str) -> set[str]:
    """Every valid ID number that can be read or rebuilt from one view's text: shown in full,
    or a masked one completed with any date shown in the same view."""
    found = {m for m in FULL_ID.findall(text) if idcard.is_valid(m)}
    dates = set()
    for pattern in DATES:
        for year, month, day in pattern.findall(text):
            dates.add(f"{year}{int(month):02d}{int(day):02d}")
    for head, tail in MASKED_ID.findall(text):
        found |= {c for c in (head + d + tail for d in dates) if idcard.is_valid(c)}
    return found


@pytest.mark.parametrize("role", sorted(ROLES))
def test_no_role_without_personal_data_can_rebuild_an_id_number(
    role, registered, make_user, client
):
    client.force_login(make_user(role, ROLES[role]))
    views = _views(client, registered)
    ids = set(registered["ids"])
    if role == "department":
        assert {label: status for label, (status, _) in views.items()} == dict.fromkeys(views, 403)
        return
    assert all(status == 200 for status, _ in views.values()), {k: s for k, (s, _) in views.items()}
    # A search page repeats what was typed in its box; that number was the user's already.
    typed = registered["ids"][0]
    shown = {
        label: rebuilt_ids(text.replace(typed, "") if "search" in label else text) & ids
        for label, (_, text) in views.items()
    }
    if role in PERSONAL_ROLES:
        # The test sees what it should: the roles that work with persons get the numbers.
        assert ids <= shown["household page"] and ids <= shown["household API"]
        return
    assert shown == {label: set() for label in views}
    # The ID is there, masked, and its shown digits are not the birth date.
    assert MASKED_ID.search(views["household page"][1])
    everything = "\n".join(text.replace(typed, "") for _, text in views.values())
    for born in BIRTHS:
        assert f"{born:%Y%m%d}" not in everything.replace("-", "")
    household = json.loads(views["household API"][1])
    assert [m["birth_date"] for m in household["members"]] == [None, None, None]
    today = timezone.localdate()
    bands = [idcard.age_band(born, today) for born in BIRTHS]
    assert [m["age_band"] for m in household["members"]] == bands


@pytest.mark.parametrize("role", sorted(ROLES))
def test_a_search_by_id_number_confirms_nothing_to_a_role_shown_masked_numbers(
    role, registered, make_user, client
):
    """Masked digits and an age band leave a few hundred candidates: if the search answered
    for each, trying them would rebuild the number."""
    if role == "department":
        return  # refused the list altogether (above)
    client.force_login(make_user(role, ROLES[role]))
    head_id = registered["ids"][0]
    found = client.get("/api/v1/households", {"q": head_id}).json()["count"]
    page = client.get(reverse("registry:household_list"), {"q": head_id}).content.decode()
    if role in PERSONAL_ROLES:
        assert found == 1
        assert registered["household"].number in page
    else:
        assert found == 0
        assert registered["household"].number not in page


def test_an_age_band_is_shown_instead_of_the_age_beside_a_masked_id(registered, make_user, client):
    client.force_login(make_user("viewer", CITY))
    html = client.get(reverse("registry:household_detail", args=[registered["household"].pk]))
    today = timezone.localdate()
    head_age = today.year - 1961 - ((today.month, today.day) < (3, 17))
    band = idcard.age_band(BIRTHS[0], today)
    assert band in html.content.decode() and band != str(head_age)
    assert f"<td>{head_age}</td>" not in html.content.decode()


def test_masking_keeps_no_birth_digit():
    number = idcard.make("410421", dt.date(1975, 8, 19), 123)
    masked = idcard.mask(number)
    assert masked == number[:6] + "********" + number[-4:]
    assert "19750819" not in masked.replace("*", "")
    assert idcard.age_band(dt.date(1975, 8, 19), dt.date(2026, 8, 18)) == "50-59岁"
    assert idcard.age_band(dt.date(1940, 1, 1), dt.date(2026, 1, 1)) == "80岁及以上"


# ------------------------------------------------------------------------- moved persons


@pytest.fixture
def moved(make_user: Callable[..., Any]) -> dict[str, Any]:
    """A spouse leaves a 周庄村 (宝丰县) household and joins one in 叶县, where the 叶县
    village records her new phone and health."""
    old_clerk = make_user("village", BAOFENG_VILLAGE, "old-village")
    new_clerk = make_user("village", YEXIAN_VILLAGE, "new-village")
    spouse_id = new_id(birth=dt.date(1990, 4, 2), male=False)
    old = services.household_create(
        user=old_clerk,
        village_code=BAOFENG_VILLAGE,
        is_alleviated=False,
        members=[
            member("户主", name="赵大"),
            member("配偶", name="钱二", id_number=spouse_id, phone="13911110000"),
        ],
    )
    person = Person.objects.with_id_number(spouse_id).get()
    services.member_end(user=old_clerk, household_id=old.pk, person_id=person.pk, reason="迁出")
    new = services.household_create(
        user=new_clerk,
        village_code=YEXIAN_VILLAGE,
        is_alleviated=False,
        members=[
            member(
                "户主",
                name="钱二",
                id_number=spouse_id,
                phone="13922220000",
                health="长期慢性病",
            )
        ],
    )
    return {"old": old, "new": new, "person": person, "old_clerk": old_clerk, "id": spouse_id}


def test_a_person_who_moved_away_is_only_the_old_households_past(moved, client, api_as):
    old, person = moved["old"], moved["person"]
    client.force_login(moved["old_clerk"])
    page = client.get(reverse("registry:household_detail", args=[old.pk])).content.decode()
    api = api_as("village", BAOFENG_VILLAGE, "old-village-api")
    detail = api.api("GET", f"/households/{old.pk}").json()
    # The past member is there, as she was when she left: old phone, old health.
    past = {m["person_id"]: m for m in detail["past_members"]}
    assert past[person.pk]["phone"] == "13911110000"
    assert past[person.pk]["health"] == "健康"
    assert "13911110000" in page
    # Nothing the new village recorded since, on the page (history included) or in the API.
    for later in ("13922220000", "长期慢性病", "new-village"):
        assert later not in json.dumps(detail, ensure_ascii=False)
    # (长期慢性病 is also one of the health options of the page's member form.)
    for later in ("13922220000", 'bad">长期慢性病', "→ 长期慢性病", "new-village"):
        assert later not in page
    # Her new household is out of reach, and the old village cannot find her by her number.
    assert api.api("GET", f"/households/{moved['new'].pk}").status_code == 404
    assert api.api("GET", "/households", {"q": moved["id"]}).json()["count"] == 0


def test_the_old_village_cannot_change_a_person_who_moved_away(moved):
    clerk, old, person = moved["old_clerk"], moved["old"], moved["person"]
    with pytest.raises(BadValue):
        services.member_end(user=clerk, household_id=old.pk, person_id=person.pk, reason="迁出")
    with pytest.raises(Conflict):
        services.member_add(
            user=clerk,
            household_id=old.pk,
            member=member("配偶", name="钱二", id_number=moved["id"], phone="13900000000"),
        )
    person.refresh_from_db()
    assert person.phone == "13922220000"


def test_a_person_is_in_the_region_of_their_current_household_only(moved, make_user):
    old_village = make_user("village", BAOFENG_VILLAGE, "another-old-clerk")
    new_village = make_user("village", YEXIAN_VILLAGE, "another-new-clerk")
    person = moved["person"]
    assert not scoped(Person.objects.all(), old_village).filter(pk=person.pk).exists()
    assert scoped(Person.objects.all(), new_village).filter(pk=person.pk).exists()
    assert scoped(Person.objects.all(), new_village, prefix=YEXIAN_VILLAGE).count() == 1


def test_the_new_village_sees_the_person_as_she_is_now_without_the_old_households_past(
    moved, api_as, client
):
    api = api_as("village", YEXIAN_VILLAGE, "new-village-api")
    members = api.api("GET", f"/households/{moved['new'].pk}").json()["members"]
    assert [(m["phone"], m["health"]) for m in members] == [("13922220000", "长期慢性病")]
    client.force_login(api.user)
    page = client.get(reverse("registry:household_detail", args=[moved["new"].pk])).text
    assert "13922220000" in page
    # What the old village recorded while she lived there is that household's history.
    assert "13911110000" not in page and "old-village" not in page


def test_a_member_who_died_is_shown_as_deceased_among_the_past_members(make_user, client):
    clerk = make_user("village", BAOFENG_VILLAGE, "death-clerk")
    home = services.household_create(
        user=clerk,
        village_code=BAOFENG_VILLAGE,
        is_alleviated=False,
        members=[member("户主", name="孙大"), member("之父", name="孙老")],
    )
    elder = Person.objects.get(memberships__household=home, name="孙老")
    services.member_end(user=clerk, household_id=home.pk, person_id=elder.pk, reason="死亡")
    client.force_login(clerk)
    past = client.get(f"/api/v1/households/{home.pk}").json()["past_members"]
    assert [(m["name"], m["end_reason"]) for m in past] == [("孙老", "死亡")]
    page = client.get(reverse("registry:household_detail", args=[home.pk])).text
    assert "已故" in page and f"死亡日期:<del>—</del> → {timezone.localdate():%Y-%m-%d}" in page
