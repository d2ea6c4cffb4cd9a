"""Department records already screened, looked up by person (信息比对 of a case).

Each finished batch keeps its matched rows (without ID number and name) in its work folder;
for a period delivered twice, the latest finished batch counts, as in screening itself.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import duckdb
import pyarrow as pa

from .models import Batch
from .services.common import batch_dir
from .sources import SOURCES


def _period(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _months_back(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def _shown(kind: str, value: Any) -> str:
    if value is None:
        return ""
    if kind == "bool":
        return "是" if value else "否"
    if kind == "money":
        return f"{Decimal(str(value)):,.2f} 元"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _latest_batches(since: str, until: str) -> list[Batch]:
    latest: dict[tuple[str, str], Batch] = {}
    batches = Batch.objects.filter(
        status=Batch.Status.DONE, period__gte=since, period__lte=until
    ).order_by("period", "finished_at", "id")
    for batch in batches:
        latest[(batch.source, batch.period)] = batch
    return sorted(latest.values(), key=lambda b: (b.source, b.period))


def _rows(batch: Batch, person_ids: list[int]) -> list[dict[str, Any]]:
    files = sorted((batch_dir(batch.pk) / "matched").glob("*.parquet"))
    if not files:
        return []
    listing = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
    con = duckdb.connect()
    try:
        con.register("wanted", pa.table({"pid": pa.array(person_ids, pa.int64())}))
        rows: list[dict[str, Any]] = (
            con.sql(
                f"SELECT * FROM read_parquet([{listing}], union_by_name = true) "
                "WHERE person_id IN (SELECT pid FROM wanted) ORDER BY ref"
            )
            .to_arrow_table()
            .to_pylist()
        )
    finally:
        con.close()
    return rows


def records_for_persons(
    persons: dict[int, str], *, on: dt.date, months: int = 12
) -> list[dict[str, Any]]:
    """The department rows of the `months` up to `on` about these persons ({id: name}), by
    source: `{source, source_label, period, date, person, says, fields}`."""
    if not persons:
        return []
    since, until = _period(_months_back(on, months - 1)), _period(on)
    wanted = sorted(persons)
    found: list[dict[str, Any]] = []
    for batch in _latest_batches(since, until):
        spec = SOURCES[batch.source]
        columns = [c for c in spec.columns if c.type != "id" and c.name != "name"]
        for row in _rows(batch, wanted):
            fields = [{"label": c.label, "value": _shown(c.type, row.get(c.name))} for c in columns]
            dates = [row[c.name] for c in columns if c.type == "date" and row.get(c.name)]
            found.append(
                {
                    "source": batch.source,
                    "source_label": spec.label,
                    "period": batch.period,
                    "batch_id": batch.pk,
                    "date": dates[0].isoformat() if dates else None,
                    "person_id": row["person_id"],
                    "person": persons.get(row["person_id"], ""),
                    "says": ";".join(f"{f['label']} {f['value']}" for f in fields if f["value"]),
                    "fields": fields,
                }
            )
    return found
