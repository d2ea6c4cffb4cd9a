from __future__ import annotations

import datetime as dt

import pytest

from fangpin.core import idcard
from fangpin.core.errors import BadValue

# The worked example of GB 11643-1999 (check character X).
STANDARD_EXAMPLE = "11010519491231002X"


def test_the_standard_example_passes_and_derives_birth_and_sex():
    parsed = idcard.parse(STANDARD_EXAMPLE)
    assert parsed.value == STANDARD_EXAMPLE
    assert parsed.birth_date == dt.date(1949, 12, 31)
    assert parsed.sex == "女"  # sequence 002 is even


def test_check_digit_follows_iso_7064_mod_11_2():
    assert idcard.check_char("11010519491231002") == "X"
    assert idcard.check_char("44052418800101001") == "4"


@pytest.mark.parametrize("last", [c for c in "0123456789X" if c != "X"])
def test_every_wrong_check_character_is_refused(last):
    with pytest.raises(BadValue) as caught:
        idcard.parse(STANDARD_EXAMPLE[:17] + last)
    assert caught.value.code == "invalid_id_number"
    assert "校验位" in caught.value.detail


def test_a_fifteen_digit_number_is_converted_to_eighteen():
    # 15-digit form of the standard example: drop "19" and the check character.
    parsed = idcard.parse("110105491231002")
    assert parsed.value == STANDARD_EXAMPLE
    assert parsed.birth_date == dt.date(1949, 12, 31)


def test_full_width_digits_spaces_and_lower_case_x_are_normalised():
    wide = "".join(chr(ord(c) + 0xFEE0) for c in STANDARD_EXAMPLE[:17])
    assert idcard.parse(f" {wide[:6]} {wide[6:]}ｘ ").value == STANDARD_EXAMPLE
    assert idcard.parse(STANDARD_EXAMPLE.lower()).value == STANDARD_EXAMPLE


def test_an_odd_sequence_is_male():
    number = idcard.make("410421", dt.date(1980, 2, 29), 123)
    assert idcard.parse(number).sex == "男"


@pytest.mark.parametrize(
    "raw",
    ["", "4104211980", "41042119800230123X", "4104211980013112A4", "410421308001011234"],
)
def test_malformed_numbers_and_impossible_dates_are_refused(raw):
    assert not idcard.is_valid(raw)


def test_masking_shows_the_region_and_last_four():
    assert idcard.mask(STANDARD_EXAMPLE) == "110105********002X"
    assert idcard.mask_phone("13812345678") == "138****5678"
