"""One event, one warning (CONTRACT §6): the rules that fired on one stay, grant or assessment
make one warning naming them all; a household with an open case gets the event as evidence on
its case; the same batch screened again makes nothing new."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from fangpin.monitoring.models import Case, CaseEvent
from fangpin.screening import selectors, services
from fangpin.screening.models import Warning
from tests.conftest import BAOFENG

from .conftest import id_for, make_monitored

MEDICAL_RULES = [
    "medical_inpatient_single",
    "medical_out_of_pocket_absolute",
    "medical_out_of_pocket_share",
]
MEDICAL_TITLES = [
    "医保单次住院个人自付超过限额",
    "医保年度个人自付超过绝对额",
    "医保年度个人自付超过上年农村居民人均可支配收入的比例",
]


def _stay(id_number: str, name: str, day: str, out_of_pocket: str) -> list[str]:
    return [id_number, name, day, "40000", "5000", out_of_pocket, "是"]


def _person_pk(id_number: str) -> int:
    from fangpin.registry.models import Person

    return int(Person.objects.with_id_number(id_number).get().pk)


def _page(make_user, path: str) -> str:
    client = Client()
    client.force_login(make_user("county", BAOFENG))
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_a_stay_that_fires_three_medical_rules_makes_one_warning_naming_all_three(
    household, screen, county, api_as, make_user
):
    a = id_for(dt.date(1970, 1, 1))
    household([("甲", a)])
    batch = screen("medical", "2024-03", [_stay(a, "甲", "2024-03-01", "25000")])
    assert batch.warnings_made == 1
    warning = Warning.objects.get()
    assert warning.rules == MEDICAL_RULES
    assert warning.event == f"medical:{warning.person_id}:2024-03-01"
    assert selectors.open_warning_count(user=county) == 1  # the dashboard's count

    item = api_as("county", BAOFENG).api("GET", "/warnings").json()["items"][0]
    assert item["rules"] == MEDICAL_RULES
    assert item["rule_titles"] == MEDICAL_TITLES

    listing = _page(make_user, reverse("screening:warning_list"))
    detail = _page(make_user, reverse("screening:warning_detail", args=[warning.pk]))
    for page in (listing, detail):
        assert all(title in page for title in MEDICAL_TITLES)
        assert not any(code in page for code in MEDICAL_RULES)


def test_two_stays_of_one_household_make_two_warnings(household, screen):
    a = id_for(dt.date(1970, 1, 1))
    household([("甲", a)])
    screen("medical", "2024-03", [_stay(a, "甲", "2024-03-01", "25000")])
    april = screen("medical", "2024-04", [_stay(a, "甲", "2024-04-10", "12000")])
    assert april.warnings_made == 1
    warnings = list(Warning.objects.order_by("id"))
    assert [w.status for w in warnings] == ["open", "open"]
    assert [w.event.rsplit(":", 1)[1] for w in warnings] == ["2024-03-01", "2024-04-10"]
    assert warnings[1].rules == MEDICAL_RULES  # 12,000 alone, 37,000 in the year


def test_a_household_with_an_open_case_gets_the_event_on_its_case_not_a_warning(
    household, screen, county, make_user, django_capture_on_commit_callbacks
):
    a = id_for(dt.date(1970, 1, 1))
    make_monitored(household([("甲", a)]))
    case = Case.objects.get()
    batch = screen("medical", "2024-03", [_stay(a, "甲", "2024-03-01", "25000")])
    assert batch.warnings_made == 0
    assert not Warning.objects.exists()
    entry = CaseEvent.objects.get(case=case, action="department_evidence")
    assert entry.body["rules"] == MEDICAL_RULES
    assert entry.body["evidence"][0]["settled_on"] == "2024-03-01"

    page = _page(make_user, reverse("monitoring:case_detail", args=[case.pk]))
    assert "部门筛查证据" in page
    assert all(title in page for title in MEDICAL_TITLES)
    assert "个人自付25,000元" in page

    with django_capture_on_commit_callbacks(execute=True):
        services.batch_rerun(user=county, batch=batch)
    assert CaseEvent.objects.filter(action="department_evidence").count() == 1
    assert not Warning.objects.exists()


def test_the_same_batch_screened_twice_makes_nothing_new(
    household, screen, county, django_capture_on_commit_callbacks
):
    a, b = id_for(dt.date(1970, 1, 1)), id_for(dt.date(1980, 1, 1))
    household([("甲", a)])
    household([("乙", b)])
    rows = [[a, "甲", "D", "2024-03-01"], [b, "乙", "C", "2024-03-05"]]
    first = screen("housing", "2024-03", rows)
    assert first.warnings_made == 2
    again = screen("housing", "2024-03", rows, name="again.csv")
    assert again.warnings_made == 0
    Warning.objects.filter(person__name="甲").update(
        status=Warning.Status.DISMISSED, dismiss_reason="已核实"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.batch_rerun(user=county, batch=first)
    first.refresh_from_db()
    assert (first.status, first.warnings_made) == ("done", 0)
    assert Warning.objects.count() == 2


def test_a_batch_page_links_to_that_batchs_warnings(household, screen, api_as, make_user):
    a, b = id_for(dt.date(1970, 1, 1)), id_for(dt.date(1980, 1, 1))
    household([("甲", a)])
    household([("乙", b)])
    housing = screen("housing", "2024-03", [[a, "甲", "D", "2024-03-01"]])
    medical = screen("medical", "2024-03", [_stay(b, "乙", "2024-03-02", "25000")], name="m.csv")

    link = reverse("screening:warning_list") + f"?batch={housing.pk}&status="
    assert link in _page(make_user, reverse("screening:batch_detail", args=[housing.pk]))
    listing = _page(make_user, reverse("screening:warning_list") + f"?batch={housing.pk}&status=")
    assert "住房鉴定为C级或D级危房" in listing
    assert "乙" not in listing and "甲" in listing

    body = api_as("county", BAOFENG).api("GET", f"/warnings?batch={medical.pk}").json()
    assert body["count"] == 1
    assert body["items"][0]["batch_id"] == medical.pk


@pytest.mark.xdist_group("spark")  # with the other Spark tests: one session
def test_duckdb_and_spark_make_the_same_warnings_per_event(household, screen):
    people = [id_for(dt.date(1960 + i, 1, 1)) for i in range(3)]
    household([("甲", people[0]), ("乙", people[1])])
    household([("丙", people[2])], alleviated=True)
    rows = [
        _stay(people[0], "甲", "2024-03-01", "25000"),
        _stay(people[0], "甲", "2024-03-09", "1000"),
        _stay(people[1], "乙", "2024-03-02", "12000"),
        _stay(people[2], "丙", "2024-03-03", "7000"),
    ]

    def made() -> list[tuple[object, ...]]:
        out = [
            (
                w.household_id,
                w.person_id,
                w.event,
                tuple(w.rules),
                w.message,
                w.risk_type,
                tuple(
                    tuple(sorted((k, v) for k, v in r.items() if k != "batch")) for r in w.evidence
                ),
            )
            for w in Warning.objects.order_by("event")
        ]
        Warning.objects.all().delete()
        return out

    duck = screen("medical", "2024-03", rows, engine="duckdb")
    by_duckdb = made()
    spark = screen("medical", "2024-03", rows, engine="spark", name="spark.csv")
    assert (duck.status, spark.status) == ("done", "done")
    assert len(by_duckdb) == 3  # one per person's stays, whatever the number of rules
    # 甲's event is the stay over the single-stay limit, not the later small one.
    assert [e[2].rsplit(":", 1)[1] for e in by_duckdb if e[1] == _person_pk(people[0])] == [
        "2024-03-01"
    ]
    assert made() == by_duckdb
