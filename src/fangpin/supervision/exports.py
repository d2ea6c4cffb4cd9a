"""Excel downloads of the supervision pages (each list page has one)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from fangpin.core.excel import write_sheet

from .models import AssessmentSample
from .sampling import STRATA


def sheet(headers: Sequence[str], rows: Sequence[Sequence[Any]], title: str) -> bytes:
    buffer = io.BytesIO()
    write_sheet(buffer, headers=headers, rows=rows, title=title[:31], widths={0: 16, 1: 24})
    return buffer.getvalue()


def sample_xlsx(sample: AssessmentSample) -> bytes:
    """The sample for field teams: one row per household, with its village and stratum."""
    rows = []
    for entry in sample.households.select_related("household__village").order_by("position"):
        hh = entry.household
        rows.append(
            [
                hh.village_id,
                hh.village.name,
                hh.number,
                STRATA.get(entry.stratum, (entry.stratum, ""))[0],
                hh.address,
                entry.findings,
            ]
        )
    buffer = io.BytesIO()
    write_sheet(
        buffer,
        headers=["村代码", "村", "户编号", "抽样层", "住址", "评估发现"],
        rows=rows,
        title="后评估抽样",
        text_columns=(0, 2),
        widths={0: 16, 1: 14, 2: 22, 3: 20, 4: 30, 5: 40},
    )
    return buffer.getvalue()
