from __future__ import annotations

from decimal import Decimal

from fangpin.core import idcard
from fangpin.registry.models import Household, Membership
from tests.conftest import BAOFENG, BAOFENG_TOWN, BAOFENG_VILLAGE, CITY, YEXIAN_VILLAGE
from tests.registry.helpers import make_household, member, new_id


def household_body(**extra):
    body = {
        "village_code": BAOFENG_VILLAGE,
        "is_alleviated": True,
        "address": "周庄村三组",
        "phone": "13812345678",
        "members": [
            member("户主", name="王大山", labour="普通劳动力"),
            member("配偶", name="李秀英", health="长期慢性病"),
            member("之子", name="王小明", education="初中", school_status="九年级"),
        ],
    }
    body.update(extra)
    return body


def test_village_user_registers_a_household_and_gets_its_id(api_as):
    client = api_as("village", BAOFENG_VILLAGE)
    response = client.api("POST", "/households", household_body())
    assert response.status_code == 201
    body = response.json()
    household = Household.objects.get(pk=body["id"])
    assert household.head_name == "王大山" and household.member_count == 3
    assert body["number"].startswith(BAOFENG_VILLAGE)
    assert [m["relation"] for m in body["members"]] == ["户主", "配偶", "之子"]
    assert body["latest_income"] is None and body["current_case"] is None


def test_birth_date_and_sex_are_derived_from_the_id_number(api_as):
    client = api_as("village", BAOFENG_VILLAGE)
    number = idcard.make("410421", __import__("datetime").date(1975, 3, 9), 124)  # even: 女
    head = member("户主", name="赵桂兰", id_number=number)
    body = client.api("POST", "/households", household_body(members=[head])).json()
    assert body["members"][0]["birth_date"] == "1975-03-09"
    assert body["members"][0]["sex"] == "女"


def test_fifteen_digit_and_full_width_id_numbers_are_normalised_on_create(api_as):
    client = api_as("village", BAOFENG_VILLAGE)
    eighteen = new_id()
    fifteen = eighteen[:6] + eighteen[8:17]
    wide = "".join(chr(ord(c) + 0xFEE0) for c in new_id())
    members = [member("户主", id_number=fifteen), member("配偶", id_number=" " + wide + " ")]
    body = client.api("POST", "/households", household_body(members=members)).json()
    numbers = [m["id_number"] for m in body["members"]]
    assert numbers[0] == eighteen
    assert all(len(n) == 18 and n.isascii() for n in numbers)


def test_a_household_needs_exactly_one_head(api_as):
    client = api_as("village", BAOFENG_VILLAGE)
    two_heads = household_body(members=[member("户主"), member("户主")])
    no_head = household_body(members=[member("配偶")])
    for body in (two_heads, no_head):
        response = client.api("POST", "/households", body)
        assert response.status_code == 400
        assert response.json()["code"] == "head_count"
    assert not Household.objects.exists()


def test_a_bad_check_digit_is_refused_naming_the_member(api_as):
    client = api_as("village", BAOFENG_VILLAGE)
    good = new_id()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    response = client.api(
        "POST",
        "/households",
        household_body(members=[member("户主"), member("配偶", id_number=bad)]),
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_id_number"
    assert "第2名成员" in response.json()["detail"]


def test_a_person_already_in_another_household_is_refused_with_409(api_as):
    client = api_as("village", BAOFENG_VILLAGE)
    shared = new_id()
    first = client.api(
        "POST", "/households", household_body(members=[member("户主", id_number=shared)])
    )
    assert first.status_code == 201
    second = client.api(
        "POST",
        "/households",
        household_body(members=[member("户主"), member("之子", id_number=shared)]),
    )
    assert second.status_code == 409
    assert second.json()["code"] == "person_in_other_household"
    assert Household.objects.count() == 1


def test_unknown_values_in_code_lists_are_refused(api_as):
    client = api_as("village", BAOFENG_VILLAGE)
    response = client.api(
        "POST", "/households", household_body(members=[member("户主", labour="很能干")])
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_choice"


def test_a_malformed_body_answers_422(api_as):
    client = api_as("village", BAOFENG_VILLAGE)
    response = client.api("POST", "/households", {"village_code": BAOFENG_VILLAGE})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_body"


def test_registering_in_a_village_outside_the_region_answers_404(api_as):
    client = api_as("township", BAOFENG_TOWN)
    for village in (YEXIAN_VILLAGE, "410421999999"):
        response = client.api("POST", "/households", household_body(village_code=village))
        assert response.status_code == 404
        assert response.json()["code"] == "village_not_found"


def test_read_only_roles_cannot_register_households(api_as):
    for role, region in (("city", CITY), ("viewer", BAOFENG)):
        response = api_as(role, region).api("POST", "/households", household_body())
        assert response.status_code == 403
        assert response.json()["code"] == "role_read_only"
    # A department reaches no household route at all (accounts.reach).
    response = api_as("department", BAOFENG).api("POST", "/households", household_body())
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_household_list_is_paged_and_counts_everything(api_as, make_user):
    user = make_user("village", BAOFENG_VILLAGE)
    for _ in range(23):
        make_household(user, BAOFENG_VILLAGE, members=1)
    client = api_as("county", BAOFENG)
    first = client.api("GET", "/households").json()
    second = client.api("GET", "/households?page=2").json()
    assert first["count"] == second["count"] == 23
    assert len(first["items"]) == 20 and len(second["items"]) == 3
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}


def test_household_list_finds_by_head_name_member_name_id_number_and_number(api_as, make_user):
    user = make_user("village", BAOFENG_VILLAGE)
    target = make_household(user, BAOFENG_VILLAGE, head_name="欧阳春")
    make_household(user, BAOFENG_VILLAGE, head_name="张三丰")
    spouse = target.memberships.get(relation="配偶").person
    client = api_as("county", BAOFENG)

    def ids(query):
        return [i["id"] for i in client.api("GET", "/households", {"q": query}).json()["items"]]

    assert ids("欧阳") == [target.pk]
    assert ids(spouse.name) == [target.pk]
    assert ids(spouse.id_number) == [target.pk]
    assert ids(spouse.id_number.lower()) == [target.pk]
    assert ids(target.number) == [target.pk]
    assert ids("没有这个人") == []


def test_household_list_filters_by_region_and_ignores_foreign_regions(api_as, make_user):
    baofeng_user = make_user("village", BAOFENG_VILLAGE)
    yexian_user = make_user("village", YEXIAN_VILLAGE)
    mine = make_household(baofeng_user, BAOFENG_VILLAGE)
    make_household(yexian_user, YEXIAN_VILLAGE)
    client = api_as("county", BAOFENG)
    assert [i["id"] for i in client.api("GET", "/households").json()["items"]] == [mine.pk]
    town = client.api("GET", f"/households?region={BAOFENG_TOWN}").json()
    assert town["count"] == 1
    foreign = client.api("GET", f"/households?region={YEXIAN_VILLAGE}").json()
    assert foreign == {
        "items": [],
        "count": 0,
        "count_capped": False,
        "page": 1,
        "page_size": 20,
        "next_cursor": None,
    }
    city = api_as("city", CITY).api("GET", "/households").json()
    assert city["count"] == 2


def test_household_list_reads_a_fixed_number_of_queries(
    api_as, make_user, django_assert_max_num_queries
):
    user = make_user("village", BAOFENG_VILLAGE)
    for _ in range(5):
        make_household(user, BAOFENG_VILLAGE)
    client = api_as("county", BAOFENG)
    # token lookup, region, page, count (and session bookkeeping) — not one per household
    with django_assert_max_num_queries(6):
        assert client.api("GET", "/households").json()["count"] == 5


def test_city_and_viewer_see_masked_id_numbers_and_phones(api_as, make_user):
    user = make_user("village", BAOFENG_VILLAGE)
    household = make_household(user, BAOFENG_VILLAGE, phone="13812345678")
    head = household.memberships.get(relation="户主").person
    for role, region in (("city", CITY), ("viewer", BAOFENG)):
        client = api_as(role, region)
        listed = client.api("GET", "/households").json()["items"][0]
        assert listed["phone"] == "138****5678"
        detail = client.api("GET", f"/households/{household.pk}").json()
        assert detail["members"][0]["id_number"] == idcard.mask(head.id_number)
        assert head.id_number not in str(detail)
    county = api_as("county", BAOFENG).api("GET", f"/households/{household.pk}").json()
    assert county["members"][0]["id_number"] == head.id_number
    assert county["phone"] == "13812345678"


def test_household_detail_outside_the_region_answers_404(api_as, make_user):
    household = make_household(make_user("village", YEXIAN_VILLAGE), YEXIAN_VILLAGE)
    response = api_as("county", BAOFENG).api("GET", f"/households/{household.pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": "对象不存在或不在您的管辖范围内", "code": "not_found"}
    assert api_as("county", BAOFENG).api("GET", "/households/999999").status_code == 404


def test_income_is_divided_by_the_current_members_to_two_decimals(api_as, make_user):
    household = make_household(make_user("village", BAOFENG_VILLAGE), BAOFENG_VILLAGE, members=3)
    client = api_as("village", BAOFENG_VILLAGE)
    response = client.api(
        "POST",
        f"/households/{household.pk}/incomes",
        {
            "year": 2025,
            "wage": "12000.00",
            "operating": 3000,
            "property": "100.5",
            "transfer": 2400,
            "operating_cost": 1500,
            "insurance_payout": 800,
        },
    )
    assert response.status_code == 201
    body = response.json()
    # (12000 + 3000 + 100.5 + 2400 − 1500) ÷ 3 = 5333.50
    assert body["net_income"] == "16000.50"
    assert body["per_capita_net"] == "5333.50"
    assert body["members"] == 3
    detail = client.api("GET", f"/households/{household.pk}").json()
    assert detail["latest_income"]["per_capita_net"] == "5333.50"
    assert detail["latest_income"]["insurance_payout"] == "800.00"


def test_per_capita_income_rounds_half_up_to_the_fen(api_as, make_user):
    household = make_household(make_user("village", BAOFENG_VILLAGE), BAOFENG_VILLAGE, members=3)
    client = api_as("village", BAOFENG_VILLAGE)
    body = client.api(
        "POST", f"/households/{household.pk}/incomes", {"year": 2025, "wage": "10000"}
    ).json()
    assert body["per_capita_net"] == "3333.33"
    assert Decimal(body["per_capita_net"]) * 3 != Decimal("10000")  # kept exact, not floated
    body = client.api(
        "POST", f"/households/{household.pk}/incomes", {"year": 2025, "wage": "0.05"}
    ).json()
    assert body["per_capita_net"] == "0.02"


def test_negative_income_is_refused(api_as, make_user):
    household = make_household(make_user("village", BAOFENG_VILLAGE), BAOFENG_VILLAGE)
    response = api_as("village", BAOFENG_VILLAGE).api(
        "POST", f"/households/{household.pk}/incomes", {"year": 2025, "wage": -5}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "negative_amount"


def test_read_only_roles_cannot_record_income_or_guarantees(api_as, make_user):
    household = make_household(make_user("village", BAOFENG_VILLAGE), BAOFENG_VILLAGE)
    client = api_as("city", CITY)
    income = client.api("POST", f"/households/{household.pk}/incomes", {"year": 2025})
    guarantees = client.api(
        "PUT",
        f"/households/{household.pk}/guarantees",
        {
            "food_ok": True,
            "clothing_ok": True,
            "education_ok": True,
            "medical_ok": True,
            "housing_grade": "A",
            "water_ok": True,
        },
    )
    assert income.status_code == guarantees.status_code == 403
    assert income.json()["code"] == guarantees.json()["code"] == "role_read_only"


def test_guarantees_are_set_then_changed_with_history(api_as, make_user):
    household = make_household(make_user("village", BAOFENG_VILLAGE), BAOFENG_VILLAGE)
    client = api_as("village", BAOFENG_VILLAGE)
    body = {
        "food_ok": True,
        "clothing_ok": True,
        "education_ok": True,
        "medical_ok": True,
        "housing_grade": "B",
        "water_ok": True,
    }
    first = client.api("PUT", f"/households/{household.pk}/guarantees", body)
    assert first.status_code == 200 and first.json()["all_met"] is True
    second = client.api(
        "PUT", f"/households/{household.pk}/guarantees", {**body, "housing_grade": "C"}
    ).json()
    assert second["housing_ok"] is False and second["all_met"] is False
    detail = client.api("GET", f"/households/{household.pk}").json()
    assert detail["guarantees"]["housing_grade"] == "C"
    history = household.guarantee.history.all()
    assert [h.housing_grade for h in history.order_by("history_date")] == ["B", "C"]
    assert {h.history_user.username for h in history} == {client.user.username}


def test_a_bad_housing_grade_answers_400(api_as, make_user):
    household = make_household(make_user("village", BAOFENG_VILLAGE), BAOFENG_VILLAGE)
    response = api_as("village", BAOFENG_VILLAGE).api(
        "PUT",
        f"/households/{household.pk}/guarantees",
        {
            "food_ok": True,
            "clothing_ok": True,
            "education_ok": True,
            "medical_ok": True,
            "housing_grade": "E",
            "water_ok": True,
        },
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid_choice"


def test_api_changes_are_recorded_with_the_token_user(api_as):
    client = api_as("village", BAOFENG_VILLAGE)
    body = client.api("POST", "/households", household_body()).json()
    household = Household.objects.get(pk=body["id"])
    users = {h.history_user_id for h in household.history.all()}
    users |= {h.history_user_id for h in Membership.history.filter(household_id=household.pk)}
    assert users == {client.user.pk}


def test_households_need_a_token(anonymous):
    assert anonymous.api("GET", "/households").status_code == 401


def test_household_detail_shows_the_open_case_briefly(api_as, make_user):
    from fangpin.monitoring.services import case_create

    clerk = make_user("village", BAOFENG_VILLAGE)
    household = make_household(clerk, BAOFENG_VILLAGE)
    case = case_create(
        user=clerk,
        household=household,
        channel="cadre_visit",
        category="marginal",
        risk_types=["01"],
    )
    detail = api_as("county", BAOFENG).api("GET", f"/households/{household.pk}").json()
    assert detail["current_case"] == {"id": case.pk, "state": "reported", "category": "marginal"}


def test_a_page_number_beyond_any_data_answers_an_empty_page(api_as):
    response = api_as("county", BAOFENG).api("GET", "/households?page=99999999999999999999")
    assert response.status_code == 200
    assert response.json()["items"] == []
