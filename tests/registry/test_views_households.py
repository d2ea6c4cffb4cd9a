"""The household list and household page (户档) as a cadre uses them in the browser."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from fangpin.accounts.models import User
from fangpin.core import idcard
from fangpin.registry import services
from fangpin.registry.models import Household, IncomeRecord
from tests.conftest import (
    BAOFENG,
    BAOFENG_TOWN,
    BAOFENG_VILLAGE,
    CITY,
    YEXIAN,
    YEXIAN_VILLAGE,
)
from tests.registry.helpers import make_household, member, new_id

pytestmark = pytest.mark.django_db

LIST = reverse("registry:household_list")

# Another village of 周庄镇, to show filtering within a township.
OTHER_BAOFENG_VILLAGE = "410421101202"


def detail(household: Household) -> str:
    return reverse("registry:household_detail", args=[household.pk])


@pytest.fixture
def browser(make_user: Callable[..., User]) -> Callable[..., Client]:
    """browser("village", BAOFENG_VILLAGE) -> a logged-in web client."""

    def make(role: str, region: str) -> Client:
        user = make_user(role, region)
        client = Client()
        client.force_login(user)
        client.user = user  # type: ignore[attr-defined]
        return client

    return make


@pytest.fixture
def clerk(make_user: Callable[..., User]) -> User:
    return make_user("county", BAOFENG, username="baofeng-clerk")


@pytest.fixture
def yexian_clerk(make_user: Callable[..., User]) -> User:
    return make_user("county", YEXIAN, username="yexian-clerk")


def test_anonymous_visitor_is_sent_to_login(client: Client) -> None:
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_village_user_sees_only_its_own_village_households(
    browser: Callable[..., Client], clerk: User, yexian_clerk: User
) -> None:
    mine = make_household(clerk, BAOFENG_VILLAGE, head_name="王守田")
    neighbour = make_household(clerk, OTHER_BAOFENG_VILLAGE, head_name="李长顺")
    foreign = make_household(yexian_clerk, YEXIAN_VILLAGE, head_name="赵叶生")

    page = browser("village", BAOFENG_VILLAGE).get(LIST)

    html = page.content.decode()
    assert page.status_code == 200
    assert "王守田" in html and detail(mine) in html
    assert "李长顺" not in html and neighbour.number not in html
    assert "赵叶生" not in html and foreign.number not in html
    assert "共 <strong>1</strong> 户" in html


def test_household_of_another_county_answers_404(
    browser: Callable[..., Client], yexian_clerk: User
) -> None:
    foreign = make_household(yexian_clerk, YEXIAN_VILLAGE, head_name="赵叶生")

    page = browser("village", BAOFENG_VILLAGE).get(detail(foreign))

    assert page.status_code == 404
    assert "赵叶生" not in page.content.decode()
    assert "不在您的管辖范围内" in page.content.decode()


def test_region_filter_outside_the_users_region_answers_404(
    browser: Callable[..., Client],
) -> None:
    page = browser("county", BAOFENG).get(LIST, {"region": YEXIAN})
    assert page.status_code == 404


def test_township_user_filters_the_list_by_one_of_its_villages(
    browser: Callable[..., Client], clerk: User
) -> None:
    make_household(clerk, BAOFENG_VILLAGE, head_name="王守田")
    make_household(clerk, OTHER_BAOFENG_VILLAGE, head_name="李长顺")
    client = browser("township", BAOFENG_TOWN)

    everything = client.get(LIST).content.decode()
    one_village = client.get(LIST, {"region": OTHER_BAOFENG_VILLAGE}).content.decode()

    assert "王守田" in everything and "李长顺" in everything
    assert f'<option value="{OTHER_BAOFENG_VILLAGE}">' in everything
    assert "李长顺" in one_village and "王守田" not in one_village


def test_search_finds_a_household_by_head_name_member_id_number_and_household_number(
    browser: Callable[..., Client], clerk: User
) -> None:
    daughter_id = new_id(male=False)
    wanted = services.household_create(
        user=clerk,
        village_code=BAOFENG_VILLAGE,
        is_alleviated=True,
        members=[
            member("户主", name="孙桂兰"),
            member("之女", name="孙小梅", id_number=daughter_id),
        ],
    )
    other = make_household(clerk, BAOFENG_VILLAGE, head_name="周大海")
    client = browser("village", BAOFENG_VILLAGE)

    for q in ("孙桂兰", daughter_id, wanted.number):
        html = client.get(LIST, {"q": q}).content.decode()
        assert detail(wanted) in html, q
        assert detail(other) not in html, q


def test_live_search_answers_htmx_with_the_results_only(
    browser: Callable[..., Client], clerk: User
) -> None:
    make_household(clerk, BAOFENG_VILLAGE, head_name="孙桂兰")
    client = browser("village", BAOFENG_VILLAGE)

    part = client.get(
        LIST, {"q": "孙桂"}, headers={"HX-Request": "true", "HX-Target": "results"}
    ).content.decode()

    assert "孙桂兰" in part
    assert "<html" not in part and "<form" not in part


def test_list_pages_by_twenty_and_shows_the_count(
    browser: Callable[..., Client], clerk: User
) -> None:
    for i in range(23):
        make_household(clerk, BAOFENG_VILLAGE, members=1, head_name=f"户主{i:02d}")
    client = browser("village", BAOFENG_VILLAGE)

    first = client.get(LIST).content.decode()
    second = client.get(LIST, {"page": 2}).content.decode()

    assert "共 <strong>23</strong> 户" in first
    assert first.count("/households/") - first.count('href="/households/"') >= 20
    assert "户主19" in first and "户主20" not in first
    assert "户主20" in second and "户主22" in second and "户主00" not in second
    assert "下一页" in first and "上一页" in second


def test_next_page_link_carries_a_cursor_and_follows_on_without_repeats(
    browser: Callable[..., Client], clerk: User
) -> None:
    for i in range(45):
        make_household(clerk, BAOFENG_VILLAGE, members=1, head_name=f"户主{i:02d}")
    client = browser("village", BAOFENG_VILLAGE)

    shown: list[str] = []
    url = LIST
    for number in (1, 2, 3):
        html = client.get(url).content.decode()
        shown += re.findall(r"户主\d\d", html)
        link = re.search(r'href="([^"]*cursor=[^"]*)">下一页', html)
        if number < 3:
            assert link is not None and f"第 {number}/3 页" in html
            url = LIST + link.group(1).replace("&amp;", "&")
        else:
            assert link is None and "上一页" in html

    assert shown == [f"户主{i:02d}" for i in range(45)]


def test_viewer_sees_masked_id_numbers_and_phones_village_user_sees_them_in_full(
    browser: Callable[..., Client], clerk: User
) -> None:
    head_id = new_id()
    household = services.household_create(
        user=clerk,
        village_code=BAOFENG_VILLAGE,
        is_alleviated=False,
        phone="13812345678",
        members=[member("户主", name="钱有福", id_number=head_id)],
    )

    for_viewer = browser("viewer", BAOFENG).get(LIST).content.decode()
    viewer_page = browser("viewer", BAOFENG).get(detail(household)).content.decode()
    for_village = browser("village", BAOFENG_VILLAGE).get(LIST).content.decode()
    village_page = browser("village", BAOFENG_VILLAGE).get(detail(household)).content.decode()

    for html in (for_viewer, viewer_page):
        assert head_id not in html and "13812345678" not in html
        assert idcard.mask(head_id) in html and "138****5678" in html
    for html in (for_village, village_page):
        assert head_id in html and "13812345678" in html


def test_list_page_query_count_does_not_grow_with_the_households_shown(
    browser: Callable[..., Client], clerk: User, django_assert_max_num_queries: Any
) -> None:
    for i in range(20):
        make_household(clerk, BAOFENG_VILLAGE, members=2, head_name=f"户主{i:02d}")
    client = browser("county", BAOFENG)
    client.get(LIST)  # warm the session and content-type caches

    # session, user, regions (own, filter, path, children), count, page, heads
    with django_assert_max_num_queries(12):
        page = client.get(LIST, {"region": BAOFENG_VILLAGE})
    assert page.status_code == 200
    assert "户主19" in page.content.decode()


def test_household_page_shows_members_past_members_income_guarantees_and_history(
    browser: Callable[..., Client], clerk: User
) -> None:
    household = make_household(clerk, BAOFENG_VILLAGE, members=2, head_name="吴老栓")
    leaving = household.current_memberships().exclude(relation="户主").get()
    services.member_end(
        user=clerk, household_id=household.pk, person_id=leaving.person_id, reason="婚出"
    )
    services.income_record(
        user=clerk, household_id=household.pk, year=2025, wage="3000", transfer="1200"
    )
    services.guarantees_set(
        user=clerk,
        household_id=household.pk,
        food_ok=True,
        clothing_ok=True,
        education_ok=True,
        medical_ok=True,
        housing_grade="C",
        water_ok=True,
    )

    html = browser("village", BAOFENG_VILLAGE).get(detail(household)).content.decode()

    assert "吴老栓" in html
    assert "曾经的成员" in html and leaving.person.name in html and "婚出" in html
    assert "4200.00" in html  # one member left: 4,200 yuan per person
    assert "低于监测线" in html
    assert "C级(局部危险)" in html and "存在问题" in html
    assert "变更记录" in html and "baofeng-clerk" in html and "收入核算 2025年" in html


def test_village_user_records_income_with_htmx_and_gets_the_updated_section(
    browser: Callable[..., Client], clerk: User
) -> None:
    household = make_household(clerk, BAOFENG_VILLAGE, members=2)
    client = browser("village", BAOFENG_VILLAGE)

    part = client.post(
        reverse("registry:income_add", args=[household.pk]),
        {"year": 2025, "wage": "20000", "operating": "", "operating_cost": "1000"},
        headers={"HX-Request": "true"},
    ).content.decode()

    record = IncomeRecord.objects.get(household=household)
    assert record.per_capita_net == 9500
    assert record.recorded_by == client.user  # type: ignore[attr-defined]
    assert 'id="incomes"' in part and "9500.00" in part
    assert "已记录 2025 年收入" in part
    assert 'hx-swap-oob="true"' in part  # the change history is refreshed too


def test_a_service_refusal_is_shown_as_a_friendly_message(
    browser: Callable[..., Client], clerk: User
) -> None:
    household = make_household(clerk, BAOFENG_VILLAGE, members=1)
    only = household.current_memberships().get()
    services.member_end(
        user=clerk, household_id=household.pk, person_id=only.person_id, reason="死亡"
    )

    page = browser("village", BAOFENG_VILLAGE).post(
        reverse("registry:income_add", args=[household.pk]), {"year": 2025, "wage": "100"}
    )

    assert page.status_code == 400
    assert "该户没有现有成员,无法计算人均收入" in page.content.decode()
    assert not IncomeRecord.objects.filter(household=household).exists()


def test_guarantees_are_set_from_the_household_page(
    browser: Callable[..., Client], clerk: User
) -> None:
    household = make_household(clerk, BAOFENG_VILLAGE)
    client = browser("village", BAOFENG_VILLAGE)

    response = client.post(
        reverse("registry:guarantees_update", args=[household.pk]),
        {"food_ok": "on", "clothing_ok": "on", "education_ok": "on", "housing_grade": "B"},
    )

    assert response.status_code == 302
    household.guarantee.refresh_from_db()
    assert household.guarantee.medical_ok is False and household.guarantee.water_ok is False
    html = client.get(detail(household)).content.decode()
    assert "有成员未参保" in html and "已更新两不愁三保障及饮水情况" in html


def test_read_only_roles_get_no_forms_and_403_when_posting(
    browser: Callable[..., Client], clerk: User
) -> None:
    household = make_household(clerk, BAOFENG_VILLAGE)
    client = browser("city", CITY)

    page = client.get(detail(household)).content.decode()
    refused = client.post(
        reverse("registry:income_add", args=[household.pk]), {"year": 2025, "wage": "1"}
    )

    assert "录入收入" not in page and "上传资料" not in page
    assert refused.status_code == 403
    assert "只能查看" in refused.content.decode()


def test_archive_document_is_uploaded_and_downloaded_within_scope_only(
    browser: Callable[..., Client], clerk: User
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    household = make_household(clerk, BAOFENG_VILLAGE)
    client = browser("village", BAOFENG_VILLAGE)

    client.post(
        reverse("registry:document_add", args=[household.pk]),
        {
            "kind": "承诺授权书",
            "title": "2025年授权书",
            "file": SimpleUploadedFile("consent.pdf", b"%PDF-1.4 test", "application/pdf"),
        },
    )
    document = household.documents.get()
    url = reverse("registry:document_download", args=[household.pk, document.pk])

    assert "2025年授权书" in client.get(detail(household)).content.decode()
    assert b"".join(client.get(url).streaming_content) == b"%PDF-1.4 test"  # type: ignore[attr-defined]
    assert browser("village", YEXIAN_VILLAGE).get(url).status_code == 404


def test_a_birth_is_registered_and_a_death_ends_the_membership_from_the_household_page(
    browser: Callable[..., Client], clerk: User
) -> None:
    household = make_household(clerk, BAOFENG_VILLAGE, members=2, head_name="田广福")
    spouse = household.current_memberships().get(relation="配偶")
    client = browser("village", BAOFENG_VILLAGE)
    baby_id = new_id(male=False)

    added = client.post(
        reverse("registry:member_add", args=[household.pk]),
        {"name": "田小禾", "id_number": baby_id, "relation": "之女", "reason": "出生"},
        headers={"HX-Request": "true"},
    ).content.decode()
    ended = client.post(
        reverse("registry:member_end", args=[household.pk]),
        {"end-person": spouse.person_id, "end-reason": "死亡", "end-ended_on": "2026-03-01"},
        headers={"HX-Request": "true"},
    ).content.decode()

    household.refresh_from_db()
    assert household.member_count == 2
    assert "已登记新成员 田小禾" in added and "田小禾" in added
    assert "已于 2026-03-01 退出本户" in ended
    assert "曾经的成员" in ended and "死亡" in ended
    assert 'id="facts" hx-swap-oob="true"' in ended  # the household size is refreshed too


def test_the_head_cannot_leave_without_naming_a_new_head(
    browser: Callable[..., Client], clerk: User
) -> None:
    household = make_household(clerk, BAOFENG_VILLAGE, members=2)
    head = household.current_memberships().get(relation="户主")

    page = browser("village", BAOFENG_VILLAGE).post(
        reverse("registry:member_end", args=[household.pk]),
        {"end-person": head.person_id, "end-reason": "迁出"},
    )

    assert page.status_code == 400
    assert "户主退出后须指定新的户主" in page.content.decode()
    assert household.current_memberships().count() == 2


def test_household_page_forms_have_distinct_field_ids(
    browser: Callable[..., Client], clerk: User
) -> None:
    household = make_household(clerk, BAOFENG_VILLAGE, members=2)
    html = browser("village", BAOFENG_VILLAGE).get(detail(household)).content.decode()

    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_the_households_phone_and_address_are_changed_on_its_page_with_history(
    browser: Callable[..., Client], clerk: User
) -> None:
    household = make_household(clerk, BAOFENG_VILLAGE, phone="13812345678", address="周庄村一组")
    client = browser("village", BAOFENG_VILLAGE)
    url = reverse("registry:contact_update", args=[household.pk])
    page = client.get(detail(household)).content.decode()
    assert f'action="{url}"' in page and 'value="13812345678"' in page

    refused = client.post(url, {"contact-phone": "12345", "contact-address": "周庄村二组"})
    assert refused.status_code == 400
    assert "联系电话不是有效的电话号码" in refused.content.decode()
    household.refresh_from_db()
    assert (household.phone, household.address) == ("13812345678", "周庄村一组")

    part = client.post(
        url,
        {"contact-phone": "(0375) 6123456", "contact-address": "周庄村 二组"},
        headers={"HX-Request": "true"},
    ).content.decode()
    household.refresh_from_db()
    assert (household.phone, household.address) == ("0375-6123456", "周庄村 二组")
    assert "已更新联系电话和家庭住址" in part and "0375-6123456" in part
    latest = household.history.first()  # type: ignore[attr-defined]
    assert latest.history_user == client.user  # type: ignore[attr-defined]
    assert latest.prev_record.phone == "13812345678"
    assert "周庄村 二组" in client.get(detail(household)).content.decode()


def test_read_only_roles_cannot_change_a_households_phone(
    browser: Callable[..., Client], clerk: User
) -> None:
    household = make_household(clerk, BAOFENG_VILLAGE, phone="13812345678")
    client = browser("city", CITY)
    assert "修改联系电话和家庭住址" not in client.get(detail(household)).content.decode()
    url = reverse("registry:contact_update", args=[household.pk])
    assert client.post(url, {"contact-phone": "13900001111"}).status_code == 403
    household.refresh_from_db()
    assert household.phone == "13812345678"
