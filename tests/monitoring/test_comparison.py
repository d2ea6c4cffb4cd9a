"""信息比对 after verification: the department records of the last 12 months found for the
household's members, from the batches already screened (CONTRACT §4)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.test import Client

from fangpin.screening.services import batch_upload
from tests.screening.conftest import english_header, screening_sandbox, write_csv

from .conftest import Cadres, poor_household

__all__ = ["screening_sandbox"]  # autouse here too: batches run in this process, in tmp_path


def _screen(cadres: Cadres, tmp_path: Path, capture: Any, source: str, period: str, rows) -> None:
    path = write_csv(tmp_path / f"{source}-{period}.csv", english_header(source), rows)
    with capture(execute=True):
        batch = batch_upload(user=cadres.county.user, source=source, period=period, file=path)
    batch.refresh_from_db()
    assert batch.status == "done", batch.error


def _member(hh: Any, index: int) -> Any:
    return hh.current_memberships().order_by("id")[index].person


def test_verification_records_what_the_departments_said_about_the_members(
    cadres: Cadres, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    hh = poor_household()
    head, son = _member(hh, 0), _member(hh, 1)
    stranger = poor_household()
    other = _member(stranger, 0)
    today = cadres.clock.day
    recent = (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    old = dt.date(today.year - 2, today.month, 1).strftime("%Y-%m")
    settled = f"{recent}-12"
    capture = django_capture_on_commit_callbacks
    _screen(
        cadres,
        tmp_path,
        capture,
        "medical",
        recent,
        [
            [head.id_number, head.name, settled, "52000", "30000", "22000", "是"],
            [other.id_number, other.name, settled, "8000", "6000", "2000", "否"],
        ],
    )
    _screen(
        cadres,
        tmp_path,
        capture,
        "civil",
        recent,
        [[son.id_number, son.name, "临时救助", f"{recent}-03", "1500"]],
    )
    _screen(
        cadres,
        tmp_path,
        capture,
        "civil",
        old,
        [[son.id_number, son.name, "低保", f"{old}-03", "3000"]],
    )

    case_id = cadres.report(hh).json()["id"]
    before = cadres.county.api("GET", f"/cases/{case_id}").json()
    assert before["comparison"] is None
    verified = cadres.act(
        case_id, "village", "verify", {"findings": "属实", "consent_signed": True}
    )
    comparison = verified.json()["comparison"]
    assert sorted((r["source"], r["person"]) for r in comparison) == [
        ("civil", son.name),
        ("medical", head.name),
    ]
    medical = next(r for r in comparison if r["source"] == "medical")
    assert medical["source_label"] == "医保"
    assert medical["date"] == settled
    assert "个人自付 22,000.00 元" in medical["says"]
    assert "是否住院 是" in medical["says"]
    civil = next(r for r in comparison if r["source"] == "civil")
    assert "临时救助" in civil["says"]  # the 低保 of two years ago is not in the last 12 months

    web = Client()
    web.force_login(cadres.village.user)
    page = web.get(f"/monitoring/cases/{case_id}/").content.decode()
    assert "信息比对" in page
    assert "个人自付 22,000.00 元" in page


def test_a_household_no_department_knows_gets_an_empty_comparison(cadres: Cadres) -> None:
    case_id = cadres.report(poor_household()).json()["id"]
    verified = cadres.act(
        case_id, "village", "verify", {"findings": "属实", "consent_signed": True}
    )
    assert verified.json()["comparison"] == []
    web = Client()
    web.force_login(cadres.village.user)
    page = web.get(f"/monitoring/cases/{case_id}/").content.decode()
    assert "未查到该户成员的记录" in page
