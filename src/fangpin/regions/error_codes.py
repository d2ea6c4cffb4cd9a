"""Every error code the regions app answers with (the `code` of `{detail, code}`)."""

from __future__ import annotations

import enum


class RegionsErrorCode(enum.StrEnum):
    UNKNOWN_CITY = "unknown_city"
