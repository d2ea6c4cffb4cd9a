"""Properties of ID number normalisation (core/idcard.py), over generated numbers."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from fangpin.core import idcard
from fangpin.core.errors import BadValue

FAST = settings(max_examples=150, deadline=None)
AREAS = st.sampled_from(["410421", "410422", "110105", "440524", "653130"])
BIRTHS = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(1999, 12, 31))


@st.composite
def valid_ids(draw: st.DrawFn, births: st.SearchStrategy[dt.date] = BIRTHS) -> str:
    return idcard.make(draw(AREAS), draw(births), draw(st.integers(0, 999)))


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


@FAST
@given(valid_ids())
def test_a_valid_number_survives_normalisation_unchanged(number: str) -> None:
    parsed = idcard.parse(number)
    assert parsed.value == number
    assert parsed.birth_date == dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    assert parsed.sex == ("男" if int(number[16]) % 2 else "女")


@FAST
@given(valid_ids(), st.data())
def test_full_width_digits_spaces_and_lower_case_x_normalise_to_the_same_number(
    number: str, data: st.DataObject
) -> None:
    typed = _full_width(number) if data.draw(st.booleans()) else number
    typed = typed.replace("X", "x") if data.draw(st.booleans()) else typed
    cuts = sorted(data.draw(st.lists(st.integers(0, len(typed)), max_size=4)))
    for cut in reversed(cuts):
        typed = typed[:cut] + data.draw(st.sampled_from([" ", "\u3000", "\t"])) + typed[cut:]
    assert idcard.parse(typed).value == number


@FAST
@given(valid_ids())
def test_a_fifteen_digit_number_becomes_its_eighteen_digit_form(number: str) -> None:
    fifteen = number[:6] + number[8:17]  # drop "19" and the check character
    assert idcard.parse(fifteen).value == number


@FAST
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=24))
def test_normalisation_is_idempotent_and_yields_only_plain_valid_numbers(text: str) -> None:
    try:
        value = idcard.parse(text).value
    except BadValue as exc:
        assert exc.code == "invalid_id_number"
        return
    assert idcard.parse(value).value == value
    assert len(value) == 18 and value.isascii()
    assert value[:17].isdigit() and value[17] in "0123456789X"
    assert idcard.check_char(value[:17]) == value[17]


OTHER_DIGITS = (
    "\u0660",
    "\u0966",
    "\u09e6",
    "\uff10",
)  # Arabic-Indic, Devanagari, Bengali, full-width


@FAST
@given(valid_ids(), st.sampled_from(OTHER_DIGITS), st.sets(st.integers(0, 16), min_size=1))
def test_digits_of_other_scripts_never_reach_the_registry(
    number: str, zero: str, positions: set[int]
) -> None:
    typed = "".join(chr(ord(zero) + int(c)) if i in positions else c for i, c in enumerate(number))
    try:
        value = idcard.parse(typed).value
    except BadValue:
        return
    assert value == number  # full-width digits are folded; other scripts are refused


@FAST
@given(valid_ids(), st.integers(0, 16), st.integers(1, 9))
def test_changing_one_digit_is_caught_by_the_check_character(
    number: str, position: int, shift: int
) -> None:
    changed = number[:position] + str((int(number[position]) + shift) % 10) + number[position + 1 :]
    assert not idcard.is_valid(changed)
