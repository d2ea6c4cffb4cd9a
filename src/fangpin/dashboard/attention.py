"""Special-attention counts for the dashboard: kept for an hour above the township
(`core.tally`), counted on each view below."""

from __future__ import annotations

import datetime as dt

from fangpin.core.tally import Kept, kept_figures
from fangpin.regions.models import Region
from fangpin.registry.attention import Attention, counts

Groups = list[tuple[str, str, int]]  # (code, label, persons), in the order of `Attention`


def attention_for(region: Region, today: dt.date) -> Kept[Groups]:
    return kept_figures(
        region,
        "attention",
        today,
        count=lambda: counts(region.prefix, today),
        dump=lambda groups: {code: persons for code, _label, persons in groups},
        load=lambda kept: [(g.value, str(g.label), int(kept.get(g.value, 0))) for g in Attention],
    )
