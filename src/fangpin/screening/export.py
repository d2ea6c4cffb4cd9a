"""The registry as Parquet for the engines, exported incrementally.

Persons are written as numbered parts; a part holds the persons changed since the previous
export (by the simple-history watermark of persons, memberships and households), and the
engines read the latest row per person across parts. Many parts are compacted into one.
Monitored households (a few percent) are written whole each time.

No ID number is written: a person is known by the keyed hash of the number (`id_hash`, see
`core.idcrypt`), which the engines compute for each department row with the same key.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings
from django.db.models import Max

from fangpin.core.files import private_folder, private_tree
from fangpin.registry.models import Household, Membership, Person

from .engines import Registry

CHUNK = 100_000
COMPACT_AFTER = 24
SCHEMA = pa.schema(
    [
        ("person_id", pa.int64()),
        ("id_hash", pa.string()),
        ("household_id", pa.int64()),
        ("birth_date", pa.date32()),
        ("disability_grade", pa.int32()),
        ("is_alleviated", pa.bool_()),
        ("part", pa.int32()),
    ]
)
MONITORED_SCHEMA = pa.schema([("household_id", pa.int64())])
# Parts written in another layout (before 2: ID numbers in clear) are dropped and the
# registry written afresh.
FORMAT = 2


def screening_dir() -> Path:
    root = getattr(settings, "FANGPIN_SCREENING_DIR", None)
    return Path(root) if root else settings.DATA_DIR / "screening"


def registry_dir() -> Path:
    return screening_dir() / "registry"


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    private_folder(root)
    with (root / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            # The registry export holds every ID number: the server account's alone.
            private_tree(root)
            fcntl.flock(lock, fcntl.LOCK_UN)


def _watermark() -> dict[str, int]:
    def top(model: Any) -> int:
        return int(model.history.aggregate(m=Max("history_id"))["m"] or 0)

    return {"person": top(Person), "membership": top(Membership), "household": top(Household)}


def _changed_person_ids(since: dict[str, int]) -> set[int]:
    ids = set(Person.history.filter(history_id__gt=since["person"]).values_list("id", flat=True))
    ids |= set(
        Membership.history.filter(history_id__gt=since["membership"]).values_list(
            "person_id", flat=True
        )
    )
    households = Household.history.filter(history_id__gt=since["household"]).values_list(
        "id", flat=True
    )
    ids |= set(
        Membership.objects.filter(household_id__in=households).values_list("person_id", flat=True)
    )
    return ids


def _rows(person_ids: Iterable[int] | None, part: int) -> Iterator[pa.RecordBatch]:
    persons = Person.objects.order_by("id").values_list(
        "id", "id_hash", "birth_date", "disability_grade"
    )
    current = Membership.objects.filter(ended_on__isnull=True)
    if person_ids is not None:
        wanted = sorted(person_ids)
        chunks = [wanted[i : i + CHUNK] for i in range(0, len(wanted), CHUNK)]
    else:
        chunks = [None]  # type: ignore[list-item]
    for ids in chunks:
        qs = persons if ids is None else persons.filter(id__in=ids)
        mem = current if ids is None else current.filter(person_id__in=ids)
        homes = {
            pid: (hid, alleviated)
            for pid, hid, alleviated in mem.values_list(
                "person_id", "household_id", "household__is_alleviated"
            ).iterator(chunk_size=CHUNK)
        }
        buf: list[tuple[Any, ...]] = []
        for row in qs.iterator(chunk_size=CHUNK):
            buf.append(row)
            if len(buf) >= CHUNK:
                yield _batch(buf, homes, part)
                buf = []
        if buf:
            yield _batch(buf, homes, part)


def _batch(
    rows: list[tuple[Any, ...]], homes: dict[int, tuple[int, bool]], part: int
) -> pa.RecordBatch:
    home = [homes.get(r[0], (None, None)) for r in rows]
    return pa.RecordBatch.from_arrays(
        [
            pa.array([r[0] for r in rows], pa.int64()),
            pa.array([r[1] for r in rows], pa.string()),
            pa.array([h[0] for h in home], pa.int64()),
            pa.array([r[2] for r in rows], pa.date32()),
            pa.array([r[3] for r in rows], pa.int32()),
            pa.array([h[1] for h in home], pa.bool_()),
            pa.array([part] * len(rows), pa.int32()),
        ],
        schema=SCHEMA,
    )


def _write(path: Path, batches: Iterable[pa.RecordBatch]) -> int:
    tmp = path.with_suffix(".tmp")
    count = 0
    with pq.ParquetWriter(tmp, SCHEMA) as writer:
        for batch in batches:
            writer.write_batch(batch)
            count += batch.num_rows
    os.replace(tmp, path)
    return count


def _monitored_households() -> list[int]:
    from fangpin.monitoring.models import ELIMINATION_STATES, Case, State

    states = {State.MONITORED, *ELIMINATION_STATES}
    return list(Case.objects.filter(state__in=states).values_list("household_id", flat=True))


def registry_export() -> tuple[Registry, int]:
    """Bring the Parquet copy of the registry up to date; return it and the rows written."""
    root = registry_dir()
    with _locked(root):
        manifest_path = root / "manifest.json"
        manifest: dict[str, Any] = (
            json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
        )
        if manifest and manifest.get("format") != FORMAT:
            for old in manifest.get("parts", []):
                (root / old).unlink(missing_ok=True)
            manifest = {}
        mark = _watermark()
        parts: list[str] = manifest.get("parts", [])
        written = 0
        if not parts:
            number = 1
            written = _write(root / f"part-{number:06d}.parquet", _rows(None, number))
            parts = [f"part-{number:06d}.parquet"]
        elif mark != manifest["watermark"]:
            changed = _changed_person_ids(manifest["watermark"])
            if changed:
                number = int(manifest["next"])
                name = f"part-{number:06d}.parquet"
                written = _write(root / name, _rows(changed, number))
                parts = [*parts, name]
        if len(parts) > COMPACT_AFTER:
            parts = [_compact(root, parts)]
        number = max(int(p[5:11]) for p in parts)
        monitored = root / "monitored.parquet"
        tmp = monitored.with_suffix(".tmp")
        pq.write_table(
            pa.table({"household_id": pa.array(_monitored_households(), pa.int64())}), tmp
        )
        os.replace(tmp, monitored)
        manifest = {"format": FORMAT, "watermark": mark, "parts": parts, "next": number + 1}
        tmp_manifest = manifest_path.with_suffix(".tmp")
        tmp_manifest.write_text(json.dumps(manifest))
        os.replace(tmp_manifest, manifest_path)
        return (
            Registry(person_parts=tuple(root / p for p in parts), monitored=monitored),
            written,
        )


def _compact(root: Path, parts: list[str]) -> str:
    number = max(int(p[5:11]) for p in parts) + 1
    name = f"part-{number:06d}.parquet"
    files = ", ".join("'" + str(root / p) + "'" for p in parts)
    con = duckdb.connect()
    try:
        con.execute(
            f"COPY (SELECT person_id, id_hash, household_id, birth_date, disability_grade, "
            f"is_alleviated, CAST({number} AS INTEGER) AS part FROM (SELECT *, row_number() OVER "
            f"(PARTITION BY person_id ORDER BY part DESC) AS rn FROM read_parquet([{files}])) "
            f"WHERE rn = 1) TO '{root / (name + '.tmp')}' (FORMAT parquet)"
        )
    finally:
        con.close()
    os.replace(root / (name + ".tmp"), root / name)
    for p in parts:
        (root / p).unlink(missing_ok=True)
    return name
