"""Policy parameters and monitoring lines: read and edited by the city only, with history."""

from __future__ import annotations

from fangpin.policy.models import MonitoringLine, Parameter
from fangpin.policy.services import monitoring_line, parameter_int
from tests.conftest import BAOFENG, CITY


def test_city_reads_the_henan_defaults(api_as):
    body = api_as("city", CITY).api("GET", "/policy").json()
    assert body["monitoring_lines"]["2024"] == 8300
    params = body["parameters"]
    assert params["notice_min_days"]["value"] == 5
    assert params["inclusion_deadline_working_days"]["value"] == 15
    assert params["warning_response_days"]["value"] == 10
    assert params["elimination_min_stable_months"]["value"] == 6
    assert params["elimination_min_months_monitored"]["value"] == 2


def test_city_sets_a_new_year_line_and_later_years_use_it(api_as):
    client = api_as("city", CITY)
    response = client.api("PUT", "/policy/monitoring-lines/2026", {"yuan": 8700})
    assert response.status_code == 200
    assert response.json() == {"year": 2026, "yuan": 8700}
    assert monitoring_line(2027) == 8700
    assert monitoring_line(2025) == 8300


def test_a_changed_parameter_keeps_its_history(api_as):
    client = api_as("city", CITY)
    assert client.api("PUT", "/policy/parameters/notice_min_days", {"value": 7}).status_code == 200
    assert parameter_int("notice_min_days") == 7
    row = Parameter.objects.get(key="notice_min_days")
    assert [h.value for h in row.history.order_by("history_id")][-2:] == [5, 7]


def test_other_roles_may_not_read_or_edit_policy(api_as):
    county = api_as("county", BAOFENG)
    assert county.api("GET", "/policy").status_code == 403
    assert county.api("PUT", "/policy/monitoring-lines/2026", {"yuan": 1}).status_code == 403
    assert county.api("PUT", "/policy/parameters/notice_min_days", {"value": 1}).status_code == 403
    assert MonitoringLine.objects.filter(year=2026).count() == 0


def test_unknown_parameters_and_negative_values_are_bad_values(api_as):
    client = api_as("city", CITY)
    assert client.api("PUT", "/policy/parameters/nonsense", {"value": 1}).json()["code"] == (
        "unknown_parameter"
    )
    assert client.api("PUT", "/policy/monitoring-lines/2026", {"yuan": -5}).json()["code"] == (
        "invalid_number"
    )


def test_a_longer_notice_minimum_is_enforced_by_the_workflow(api_as, cadres, clock):
    from fangpin.monitoring.guards import GuardCode
    from tests.monitoring.conftest import poor_household

    api_as("city", CITY).api("PUT", "/policy/parameters/notice_min_days", {"value": 7})
    case_id = cadres.report(poor_household()).json()["id"]
    cadres.run(case_id, cadres.steps()[:2])
    response = cadres.act(
        case_id, "village", "publicize", {"starts_on": clock.day.isoformat(), "days": 5}
    )
    assert response.json()["code"] == GuardCode.NOTICE_TOO_SHORT


def test_a_day_count_with_a_fraction_is_a_bad_value_and_changes_nothing(api_as):
    client = api_as("city", CITY)
    response = client.api("PUT", "/policy/parameters/notice_min_days", {"value": 5.5})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_number"
    assert parameter_int("notice_min_days") == 5
    assert client.api("PUT", "/policy/parameters/notice_min_days", {"value": 7}).status_code == 200
    assert parameter_int("notice_min_days") == 7


def test_a_value_too_large_to_store_is_a_bad_value(api_as):
    client = api_as("city", CITY)
    line = client.api("PUT", "/policy/monitoring-lines/2026", {"yuan": "1e40"})
    assert (line.status_code, line.json()["code"]) == (400, "invalid_number")
    value = client.api("PUT", "/policy/parameters/disaster_loss_yuan", {"value": "1e40"})
    assert (value.status_code, value.json()["code"]) == (400, "invalid_number")


def test_a_yearly_figure_is_kept_per_year_with_its_history(api_as):
    from fangpin.policy.models import YearValue
    from fangpin.policy.services import parameter

    client = api_as("city", CITY)
    body = client.api("GET", "/policy").json()
    assert body["parameters_by_year"]["rural_disposable_income_prev_year"]["2025"] == 21330
    key = "/policy/parameters/rural_disposable_income_prev_year"
    assert client.api("PUT", key, {"value": 21500, "year": 2025}).json() == {
        "key": "rural_disposable_income_prev_year",
        "year": 2025,
        "value": 21500,
    }
    assert parameter("rural_disposable_income_prev_year", year=2025) == 21500
    assert parameter("rural_disposable_income_prev_year", year=2024) == 20053
    row = YearValue.objects.get(key="rural_disposable_income_prev_year", year=2025)
    assert [h.value for h in row.history.order_by("history_id")][-2:] == [21330, 21500]
    assert client.api("PUT", key, {"value": 1, "year": 1900}).status_code == 400


def test_the_city_renames_from_a_date_and_earlier_dates_keep_the_old_name(api_as):
    import datetime as dt

    from fangpin.policy.services import term

    client = api_as("city", CITY)
    terms = client.api("GET", "/policy").json()["terms"]["monitored_object"]["versions"]
    assert [t["text"] for t in terms] == ["防止返贫监测对象", "防止返贫致贫对象"]
    response = client.api(
        "PUT", "/policy/terms/category.sudden", {"valid_from": "2027-01-01", "text": "突发困难户"}
    )
    assert response.status_code == 200
    assert term("category.sudden", dt.date(2026, 12, 31)) == "突发严重困难户"
    assert term("category.sudden", dt.date(2027, 1, 1)) == "突发困难户"
    unknown = client.api("PUT", "/policy/terms/nothing", {"valid_from": "2027-01-01", "text": "x"})
    assert unknown.json()["code"] == "unknown_term"
    assert (
        api_as("county", BAOFENG)
        .api("PUT", "/policy/terms/category.sudden", {"valid_from": "2027-01-01", "text": "y"})
        .status_code
        == 403
    )
