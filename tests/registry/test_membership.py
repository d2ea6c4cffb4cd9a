from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile

from fangpin.core.errors import BadValue, Conflict, Forbidden, NotFound
from fangpin.registry import selectors, services
from fangpin.registry.models import Household, Membership, Person
from tests.conftest import BAOFENG, BAOFENG_VILLAGE, CITY, YEXIAN_VILLAGE
from tests.registry.helpers import make_household, member, new_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(make_user):
    return make_user("village", BAOFENG_VILLAGE)


def person(household: Household, relation: str) -> Person:
    return household.memberships.get(relation=relation, ended_on__isnull=True).person


def test_a_birth_adds_a_member_and_updates_the_count(clerk):
    household = make_household(clerk, BAOFENG_VILLAGE, members=2)
    baby = member("之孙子", id_number=new_id(birth=dt.date(2025, 3, 1)), name="王宝宝")
    services.member_add(user=clerk, household_id=household.pk, member=baby, reason="出生")
    household.refresh_from_db()
    assert household.member_count == 3
    assert [m.person.name for m in selectors.household_members(household=household)][-1] == "王宝宝"


def test_a_death_ends_the_membership_and_keeps_the_person(clerk):
    household = make_household(clerk, BAOFENG_VILLAGE, members=3)
    mother = person(household, "之子")
    day = dt.date(2026, 5, 1)
    services.member_end(
        user=clerk, household_id=household.pk, person_id=mother.pk, reason="死亡", ended_on=day
    )
    household.refresh_from_db()
    mother.refresh_from_db()
    assert household.member_count == 2
    assert mother.died_on == day
    past = selectors.household_past_members(household=household)
    assert [(m.person_id, m.end_reason, m.ended_on) for m in past] == [(mother.pk, "死亡", day)]


def test_when_the_head_leaves_a_new_head_must_be_named(clerk):
    household = make_household(clerk, BAOFENG_VILLAGE, members=2, head_name="老王")
    head, spouse = person(household, "户主"), person(household, "配偶")
    with pytest.raises(BadValue) as caught:
        services.member_end(user=clerk, household_id=household.pk, person_id=head.pk, reason="死亡")
    assert caught.value.code == "head_required"
    services.member_end(
        user=clerk,
        household_id=household.pk,
        person_id=head.pk,
        reason="死亡",
        new_head_person_id=spouse.pk,
    )
    household.refresh_from_db()
    assert household.head_name == spouse.name and household.member_count == 1


def test_a_person_who_left_can_join_another_household(clerk):
    first = make_household(clerk, BAOFENG_VILLAGE, members=2)
    second = make_household(clerk, BAOFENG_VILLAGE, members=1)
    bride = person(first, "配偶")
    data = member("之儿媳", id_number=bride.id_number, name=bride.name)
    with pytest.raises(Conflict) as caught:
        services.member_add(user=clerk, household_id=second.pk, member=data)
    assert caught.value.code == "person_in_other_household"
    services.member_end(user=clerk, household_id=first.pk, person_id=bride.pk, reason="婚出")
    services.member_add(user=clerk, household_id=second.pk, member=data, reason="婚入")
    assert Person.objects.with_id_number(bride.id_number).count() == 1
    assert bride.memberships.count() == 2
    assert bride.memberships.get(ended_on__isnull=True).household == second


def test_splitting_a_household_moves_members_into_a_new_one(clerk):
    household = make_household(clerk, BAOFENG_VILLAGE, members=4)
    son, daughter = person(household, "之子"), person(household, "之女")
    new = services.household_split(
        user=clerk, household_id=household.pk, relations={son.pk: "户主", daughter.pk: "之兄弟姐妹"}
    )
    household.refresh_from_db()
    assert (household.member_count, new.member_count) == (2, 2)
    assert new.head_name == son.name and new.village_id == household.village_id
    assert new.number != household.number
    old = Membership.objects.get(person=son, household=household)
    assert old.ended_on is not None and old.end_reason == "分户"
    assert Person.objects.count() == 4


def test_a_split_must_leave_someone_behind_and_name_one_head(clerk):
    household = make_household(clerk, BAOFENG_VILLAGE, members=2)
    head, spouse = person(household, "户主"), person(household, "配偶")
    with pytest.raises(BadValue) as caught:
        services.household_split(
            user=clerk, household_id=household.pk, relations={head.pk: "户主", spouse.pk: "配偶"}
        )
    assert caught.value.code == "empty_household"
    with pytest.raises(BadValue) as caught:
        services.household_split(
            user=clerk, household_id=household.pk, relations={spouse.pk: "配偶"}
        )
    assert caught.value.code == "head_count"


def test_merging_moves_every_member_and_keeps_the_old_household_empty(clerk):
    target = make_household(clerk, BAOFENG_VILLAGE, members=2)
    source = make_household(clerk, BAOFENG_VILLAGE, members=2)
    moving = {m.person_id: "其他" for m in source.memberships.all()}
    services.household_merge(
        user=clerk, household_id=target.pk, source_household_id=source.pk, relations=moving
    )
    target.refresh_from_db()
    source.refresh_from_db()
    assert (target.member_count, source.member_count) == (4, 0)
    assert source.head_name == ""
    assert Household.objects.filter(pk=source.pk).exists()
    assert set(
        Membership.objects.filter(household=source).values_list("end_reason", flat=True)
    ) == {"合户"}


def test_income_uses_the_member_count_at_the_time_it_is_recorded(clerk):
    household = make_household(clerk, BAOFENG_VILLAGE, members=2)
    first = services.income_record(user=clerk, household_id=household.pk, year=2025, wage=9000)
    services.member_add(user=clerk, household_id=household.pk, member=member("之子"))
    second = services.income_record(user=clerk, household_id=household.pk, year=2026, wage=9000)
    assert (first.members, str(first.per_capita_net)) == (2, "4500.00")
    assert (second.members, str(second.per_capita_net)) == (3, "3000.00")
    assert selectors.household_latest_income(household=household) == second


def test_archive_documents_are_attached_with_the_uploader(clerk, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    household = make_household(clerk, BAOFENG_VILLAGE)
    document = services.archive_document_add(
        user=clerk,
        household_id=household.pk,
        kind="申请书",
        title="纳入监测申请书",
        file=ContentFile(b"%PDF-1.4 test", name="apply.pdf"),
    )
    assert document.uploaded_by == clerk
    assert document.file.read() == b"%PDF-1.4 test"
    assert selectors.household_documents(household=household) == [document]


def test_the_household_history_shows_who_changed_what(clerk, make_user):
    household = make_household(clerk, BAOFENG_VILLAGE, members=2, phone="13812345678")
    spouse = person(household, "配偶")
    services.guarantees_set(
        user=clerk,
        household_id=household.pk,
        food_ok=True,
        clothing_ok=True,
        education_ok=True,
        medical_ok=True,
        housing_grade="A",
        water_ok=True,
    )
    township = make_user("township", BAOFENG_VILLAGE[:9])
    services.guarantees_set(
        user=township,
        household_id=household.pk,
        food_ok=True,
        clothing_ok=True,
        education_ok=True,
        medical_ok=False,
        housing_grade="A",
        water_ok=True,
    )
    services.member_end(user=clerk, household_id=household.pk, person_id=spouse.pk, reason="婚出")
    entries = selectors.household_history(user=clerk, household=household)
    latest = entries[0]
    assert latest.who == clerk.username and latest.action in {"修改"}
    guarantee_change = next(
        e for e in entries if e.what.startswith("两不愁三保障") and e.action == "修改"
    )
    assert guarantee_change.who == township.username
    assert [(c.field, c.old, c.new) for c in guarantee_change.changes] == [
        ("基本医疗有保障", "是", "否")
    ]
    ended = next(e for e in entries if e.what.startswith("家庭成员") and e.action == "修改")
    assert ("退出原因", "—", "婚出") in [(c.field, c.old, c.new) for c in ended.changes]
    assert ended.reason == "婚出"
    # A viewer sees the same history with masked personal data.
    viewer = make_user("viewer", BAOFENG)
    created = next(
        e
        for e in selectors.household_history(user=viewer, household=household)
        if e.what.startswith("农户信息") and e.action == "新增"
    )
    assert ("联系电话", "", "138****5678") in [(c.field, c.old, c.new) for c in created.changes]


def test_read_only_roles_and_other_regions_cannot_change_members(clerk, make_user):
    household = make_household(clerk, BAOFENG_VILLAGE)
    with pytest.raises(Forbidden):
        services.member_add(
            user=make_user("city", CITY), household_id=household.pk, member=member("之子")
        )
    with pytest.raises(NotFound):
        services.member_add(
            user=make_user("village", YEXIAN_VILLAGE),
            household_id=household.pk,
            member=member("之子"),
        )
