"""Working-day deadlines follow China's holiday schedule and flag guesses past its last year."""

from __future__ import annotations

import datetime as dt

from fangpin.core.deadlines import add_working_days, is_working_day, last_known_year


def test_national_day_week_is_not_counted():
    # 2025: 1–8 October were holidays; Saturday 11 October was a make-up working day.
    due = add_working_days(dt.date(2025, 9, 30), 1)
    assert due.due_on == dt.date(2025, 10, 9)
    assert due.provisional is False


def test_a_make_up_saturday_counts_as_a_working_day():
    assert is_working_day(dt.date(2025, 10, 11)) == (True, False)
    assert add_working_days(dt.date(2025, 10, 10), 1).due_on == dt.date(2025, 10, 11)


def test_fifteen_working_days_over_spring_festival_take_longer():
    ordinary = add_working_days(dt.date(2025, 3, 3), 15).due_on
    festival = add_working_days(dt.date(2025, 1, 24), 15).due_on
    assert ordinary == dt.date(2025, 3, 24)
    assert (festival - dt.date(2025, 1, 24)).days > (ordinary - dt.date(2025, 3, 3)).days


def test_beyond_the_announced_years_weekends_only_and_provisional():
    year = last_known_year() + 1
    start = dt.date(year, 1, 5)
    while start.weekday() != 0:  # a Monday
        start += dt.timedelta(days=1)
    due = add_working_days(start, 5)
    assert due.due_on == start + dt.timedelta(days=7)
    assert due.provisional is True


def test_a_deadline_crossing_into_an_unknown_year_is_provisional():
    last = dt.date(last_known_year(), 12, 24)
    assert add_working_days(last, 10).provisional is True


def test_provisional_deadlines_are_recomputed_when_the_calendar_learns_the_year(
    cadres, monkeypatch, capsys
):
    from django.core.management import call_command

    from fangpin.core import deadlines
    from fangpin.monitoring.models import Case

    from .conftest import poor_household

    case_id = cadres.report(poor_household()).json()["id"]
    # Pretend the case was reported with an older calendar that knew one year less.
    case = Case.objects.get(pk=case_id)
    Case.objects.filter(pk=case_id).update(
        deadline=case.deadline + dt.timedelta(days=3), deadline_provisional=True
    )
    call_command("recompute-deadlines")
    assert "变更了 1 条" in capsys.readouterr().out
    case.refresh_from_db()
    expected = deadlines.add_working_days(case.discovered_on, 15)
    assert (case.deadline, case.deadline_provisional) == (expected.due_on, expected.provisional)
