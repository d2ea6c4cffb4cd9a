"""Bounds every input field keeps, so that no value reaches the database it cannot hold.

PostgreSQL refuses a 300-character address in a varchar(200), a year of 2**40 in a smallint
and 1e20 yuan in a numeric(12,2) with an error the user would see as a 500; these types make
the API answer 422 naming the field instead (amounts: 400 from the service). Forms use the same
numbers.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated

from pydantic import Field

# Control characters other than tab, line feed and carriage return (PostgreSQL refuses NUL,
# the xlsx XML cannot hold any of them), and surrogate halves, which only ever appear alone
# (a JSON "\ud800" escape) and cannot be encoded.
FORBIDDEN_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")

# The most any single amount of money may be: a billion yuan (columns hold ten billion, so a
# sum of a household's incomes still fits).
MAX_YUAN = Decimal(1_000_000_000)
INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1
SMALLINT_MAX = 32_767
# Free text with no column limit (descriptions, findings, minutes): a long page, not a book.
LONG_TEXT = 5_000
# A period in days on a form (a notice): ten years is already beyond any rule.
MAX_DAYS = 3_650


# Strings of at most N characters: the limit of the column they are stored in.
Text16 = Annotated[str, Field(max_length=16)]
Text20 = Annotated[str, Field(max_length=20)]
Text32 = Annotated[str, Field(max_length=32)]
Text64 = Annotated[str, Field(max_length=64)]
Text100 = Annotated[str, Field(max_length=100)]
Text150 = Annotated[str, Field(max_length=150)]
Text200 = Annotated[str, Field(max_length=200)]
LongText = Annotated[str, Field(max_length=LONG_TEXT)]
# Money: finite; the services refuse a negative or an amount above MAX_YUAN with 400
# `invalid_amount` (a wrong value, not a malformed body), as they do for forms and the CLI.
Yuan = Annotated[
    Decimal, Field(allow_inf_nan=False, description="金额(元),至多 10 亿,超出时 400 invalid_amount")
]
Id = Annotated[int, Field(ge=1, le=INT64_MAX)]
Count = Annotated[int, Field(ge=0, le=INT32_MAX)]
SmallCount = Annotated[int, Field(ge=0, le=SMALLINT_MAX)]
Year = Annotated[int, Field(ge=1900, le=2200)]
