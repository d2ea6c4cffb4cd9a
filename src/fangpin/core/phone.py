"""Phone numbers as people write them, checked and written one way.

A mainland mobile (1[3-9] and 9 more digits, an optional +86 in front) is kept as its 11
digits; a landline needs its area code (010, 02x, or 0 and three digits) and a 7- or 8-digit
local number, with an optional extension, and is kept as `0375-1234567` (`-8` extension).
Anything else is refused with a Chinese message that names the field.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from django.core.exceptions import ValidationError

from .error_codes import CoreErrorCode
from .errors import BadValue

INVALID_PHONE = CoreErrorCode.INVALID_PHONE
_MOBILE = re.compile(r"(?:\+?86)?(1[3-9]\d{9})")
_LANDLINE = re.compile(
    r"\(?(0(?:10|2\d|[3-9]\d{2}))\)?-?([1-9]\d{6,7})(?:(?:-|转|ext\.?|x)(\d{1,6}))?",
    re.IGNORECASE,
)
_IGNORED = re.compile(r"[\s\u200b]+")


def clean_phone(raw: object, field: str = "联系电话") -> str:
    """The phone in its one written form, "" for blank; BadValue naming `field` otherwise."""
    text = _IGNORED.sub("", unicodedata.normalize("NFKC", str(raw or "")))
    if not text:
        return ""
    bare = text.replace("-", "")
    mobile = _MOBILE.fullmatch(bare)
    if mobile:
        return mobile.group(1)
    landline = _LANDLINE.fullmatch(text)
    if landline:
        area, number, ext = landline.groups()
        return f"{area}-{number}" + (f"-{ext}" if ext else "")
    raise BadValue(
        f"{field}不是有效的电话号码:手机号应为以1开头的11位数字,固定电话应带区号(如 0375-1234567)",
        code=INVALID_PHONE,
    )


def phone_validator(field: str) -> Callable[[object], None]:
    """A Django form validator (the back office's forms) with the same rule."""

    def validate(value: object) -> None:
        try:
            clean_phone(value, field)
        except BadValue as exc:
            raise ValidationError(exc.detail, code=INVALID_PHONE) from None

    return validate


def is_valid_phone(raw: object) -> bool:
    try:
        clean_phone(raw)
    except BadValue:
        return False
    return True
