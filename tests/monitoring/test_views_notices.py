"""Printed notices: the village 公示, the 公告 of results and the household's 明白卡."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from fangpin.core.idcard import mask
from fangpin.monitoring import pdf
from fangpin.registry.models import Household

from .conftest import Cadres, poor_household

pytestmark = pytest.mark.django_db


def browser(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def head(hh: Household) -> Any:
    return hh.current_memberships().get(relation="户主").person


def pdf_text(response: Any) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(body))
    assert_fonts_embedded(reader)
    return "".join(page.extract_text() for page in reader.pages)


def assert_fonts_embedded(reader: PdfReader) -> None:
    """Every font of every page carries its glyphs: a viewer without Chinese fonts shows it."""
    seen = 0
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font", {}).get_object()
        for ref in fonts.values():
            font = ref.get_object()
            for part in font.get("/DescendantFonts", [font]):
                part = part.get_object()
                descriptor = part["/FontDescriptor"].get_object()
                assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), part
                seen += 1
    assert seen


@pytest.fixture
def publicized(cadres: Cadres) -> tuple[Household, int]:
    hh = poor_household()
    case_id = cadres.report(hh).json()["id"]
    cadres.run(case_id, cadres.steps()[:3])
    return hh, case_id


def test_the_village_notice_names_the_head_masks_the_id_and_gives_the_period(
    cadres: Cadres, publicized: tuple[Household, int]
) -> None:
    hh, case_id = publicized
    person = head(hh)
    text = browser(cadres.village.user).get(f"/monitoring/cases/{case_id}/notice/")
    page = text.content.decode()
    assert person.name in page
    assert mask(person.id_number) in page
    assert person.id_number not in page  # a notice is posted in public
    start = cadres.clock.day - dt.timedelta(days=10)  # as recorded with the publicize action
    assert f"{start.year}年{start.month}月{start.day}日至" in page
    assert "共 5 天" in page
    assert "识别纳入公示" in page
    assert "12317" in page


def test_the_notice_pdf_is_a_pdf_with_the_head_of_household_in_chinese(
    cadres: Cadres, publicized: tuple[Household, int]
) -> None:
    hh, case_id = publicized
    response = browser(cadres.village.user).get(f"/monitoring/cases/{case_id}/notice/?format=pdf")
    text = pdf_text(response)
    assert head(hh).name in text
    assert "公示期" in text
    assert mask(head(hh).id_number) in text


def test_without_a_truetype_chinese_font_the_pdf_is_refused_not_left_unreadable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pdf, "TTF_CANDIDATES", ())
    monkeypatch.delenv(pdf.FONT_ENV, raising=False)
    pdf.cjk_font.cache_clear()
    try:
        with pytest.raises(pdf.MissingCJKFont, match="fonts-wqy-zenhei"):
            pdf.cjk_font()
    finally:
        pdf.cjk_font.cache_clear()


def test_the_elimination_notice_is_titled_for_the_elimination(cadres: Cadres) -> None:
    hh = poor_household()
    case_id = cadres.monitored(hh)
    cadres.act(case_id, "village", "propose_elimination", {"mode": "natural"})
    page = browser(cadres.village.user).get(f"/monitoring/cases/{case_id}/notice/")
    text = page.content.decode()
    assert "风险消除公示" in text
    assert "自然消除" in text


def test_the_understanding_card_shows_plan_helper_and_measures(cadres: Cadres) -> None:
    hh = poor_household()
    case_id = cadres.monitored(hh)
    cadres.village.api(
        "PUT",
        f"/cases/{case_id}/plan",
        {"helper_name": "王帮扶", "helper_phone": "13800001234", "summary": "医疗救助"},
    )
    cadres.village.api(
        "POST",
        f"/cases/{case_id}/measures",
        {"type": "health", "content": "大病救助", "starts_on": "2026-01-01"},
    )
    web = browser(cadres.village.user)
    page = web.get(f"/monitoring/cases/{case_id}/card/").content.decode()
    for words in ("明白卡", "王帮扶", "13800001234", "大病救助", mask(head(hh).id_number)):
        assert words in page
    text = pdf_text(web.get(f"/monitoring/cases/{case_id}/card/?format=pdf"))
    assert "王帮扶" in text and head(hh).name in text


def test_a_household_not_yet_monitored_has_no_card(
    cadres: Cadres, publicized: tuple[Household, int]
) -> None:
    _, case_id = publicized
    assert browser(cadres.village.user).get(f"/monitoring/cases/{case_id}/card/").status_code == 404


def test_the_county_announcement_lists_households_approved_in_the_period(cadres: Cadres) -> None:
    hh = poor_household()
    cadres.monitored(hh)
    other = poor_household()
    cadres.report(other)  # reported only: not in the announcement
    web = browser(cadres.county.user)
    day = cadres.clock.day.isoformat()
    query = f"?kind=identified&date_from={day}&date_to={day}"
    page = web.get(f"/monitoring/announcements/{query}").content.decode()
    assert head(hh).name in page
    assert head(other).name not in page
    assert mask(head(hh).id_number) in page
    assert "共有 1 户 3 人纳入防止返贫致贫对象" in page
    text = pdf_text(web.get(f"/monitoring/announcements/{query}&format=pdf"))
    assert head(hh).name in text


def test_the_announcement_without_a_query_covers_this_month(cadres: Cadres) -> None:
    hh = poor_household()
    cadres.monitored(hh)
    page = browser(cadres.township.user).get("/monitoring/announcements/").content.decode()
    assert head(hh).name in page
    assert "周庄镇人民政府" in page


def test_notices_carry_the_name_of_the_monitored_object_in_force_on_their_date(
    cadres: Cadres,
) -> None:
    """防止返贫监测对象 until 2025, 防止返贫致贫对象 from 2026-01-01 (policy terms)."""
    web = browser(cadres.village.user)
    texts = {}
    for day in (dt.date(2025, 12, 20), dt.date(2026, 1, 20)):
        cadres.clock.set(day + dt.timedelta(days=10))
        case_id = cadres.report(poor_household()).json()["id"]
        cadres.run(case_id, cadres.steps()[:3])  # the notice starts ten days back: on `day`
        page = web.get(f"/monitoring/cases/{case_id}/notice/").content.decode()
        printed = pdf_text(web.get(f"/monitoring/cases/{case_id}/notice/?format=pdf"))
        texts[day.year] = (page, printed)
    for text in texts[2025]:
        assert "纳入防止返贫监测对象" in text
        assert "防止返贫致贫对象" not in text
    for text in texts[2026]:
        assert "纳入防止返贫致贫对象" in text
        assert "防止返贫监测对象" not in text


def test_a_renamed_category_shows_on_notices_from_its_date_only(cadres: Cadres, make_user) -> None:
    from fangpin.policy.services import term_set
    from tests.conftest import CITY

    term_set(
        user=make_user("city", CITY),
        key="category.unstable",
        valid_from=dt.date(2026, 6, 1),
        text="脱贫不稳定户(新)",
    )
    web = browser(cadres.village.user)
    shown = {}
    for day in (dt.date(2026, 5, 1), dt.date(2026, 7, 1)):
        cadres.clock.set(day + dt.timedelta(days=10))
        case_id = cadres.report(poor_household()).json()["id"]
        cadres.run(case_id, cadres.steps()[:3])
        shown[day.month] = web.get(f"/monitoring/cases/{case_id}/notice/").content.decode()
    assert "脱贫不稳定户(新)" not in shown[5] and "脱贫不稳定户" in shown[5]
    assert "脱贫不稳定户(新)" in shown[7]
