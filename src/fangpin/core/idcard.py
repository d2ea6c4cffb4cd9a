"""Resident ID numbers (居民身份证号码, GB 11643-1999).

18 characters: 6-digit address code, 8-digit birth date, 3-digit sequence (odd = male),
one check character computed with ISO 7064 MOD 11-2. Old 15-digit numbers have a 2-digit
year (19xx) and no check character; they are converted by inserting "19" and computing it.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
import unicodedata
from dataclasses import dataclass

from .errors import BadValue

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
# ASCII digits only: `\d` also takes Arabic-Indic or Devanagari digits, which int() reads,
# so "٤10421..." would pass and be stored as such (full-width digits are folded by clean()).
_SHAPE_18 = re.compile(r"^[0-9]{17}[0-9X]$")
_SHAPE_15 = re.compile(r"^[0-9]{15}$")
_SPACES = re.compile(r"\s+")


def check_char(first17: str) -> str:
    """Return the GB 11643 check character for the first 17 digits."""
    if len(first17) != len(_WEIGHTS):
        raise ValueError("check_char needs exactly 17 digits")
    # map/mul instead of a generator: seeding computes millions of these.
    total = sum(map(operator.mul, map(int, first17), _WEIGHTS))
    return _CHECK_CHARS[total % 11]


def clean(raw: object) -> str:
    """Normalise what people type or paste: full-width digits, spaces, lower-case x."""
    text = unicodedata.normalize("NFKC", str(raw))
    return _SPACES.sub("", text).replace("\u200b", "").upper()


@dataclass(frozen=True)
class IdNumber:
    value: str
    birth_date: dt.date
    sex: str  # "男" or "女"


def parse(raw: object) -> IdNumber:
    """Validate and normalise an ID number; raise BadValue with a Chinese reason."""
    text = clean(raw)
    if _SHAPE_15.match(text):
        text = text[:6] + "19" + text[6:]
        text += check_char(text)
    if not _SHAPE_18.match(text):
        raise BadValue("身份证号应为18位(最后一位可为X)或15位数字", code="invalid_id_number")
    try:
        birth = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise BadValue("身份证号中的出生日期无效", code="invalid_id_number") from None
    if birth.year < 1880 or birth > dt.date.today():  # noqa: DTZ011 - a calendar date
        raise BadValue("身份证号中的出生日期无效", code="invalid_id_number")
    if check_char(text[:17]) != text[17]:
        raise BadValue("身份证号校验位错误,请核对号码", code="invalid_id_number")
    sex = "男" if int(text[16]) % 2 == 1 else "女"
    return IdNumber(value=text, birth_date=birth, sex=sex)


def normalise(raw: object) -> str | None:
    """The 18-character form of a valid ID number, or None."""
    try:
        return parse(raw).value
    except BadValue:
        return None


def is_valid(raw: object) -> bool:
    try:
        parse(raw)
    except BadValue:
        return False
    return True


def mask(value: str | None) -> str:
    """Show the region and the last 4 characters only: 410421********1234.

    The hidden digits 7-14 are the birth date, so wherever an ID number is masked the birth
    date (or an exact age) must not be shown beside it: `age_band` is what may be shown.
    """
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def make(address_code: str, birth: dt.date, sequence: int) -> str:
    """Build a valid 18-digit number (for synthetic data and tests)."""
    first17 = f"{address_code[:6]}{birth:%Y%m%d}{sequence % 1000:03d}"
    return first17 + check_char(first17)


AGE_BAND_WIDTH = 10
AGE_BAND_TOP = 80


def age_band(birth: dt.date | None, on: dt.date) -> str:
    """A ten-year age band ("40-49岁", "80岁及以上"): shown instead of the birth date or the
    exact age where the ID number is masked, so the two together never rebuild it."""
    if birth is None:
        return ""
    years = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    years = max(years, 0)
    if years >= AGE_BAND_TOP:
        return f"{AGE_BAND_TOP}岁及以上"
    low = years - years % AGE_BAND_WIDTH
    return f"{low}-{low + AGE_BAND_WIDTH - 1}岁"
