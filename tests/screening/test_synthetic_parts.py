"""The national bench's batch, generated in pieces on disk: the rows of the one-file batch,
numbered, in the staged layout, the same every time."""

from __future__ import annotations

import hashlib

import pyarrow.parquet as pq

from fangpin.screening.synthetic import medical_parquet, medical_raw_parts


def _digest(paths) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def test_a_batch_in_pieces_holds_the_rows_of_the_whole_batch_numbered_in_the_staged_layout(
    tmp_path,
):
    parts = medical_raw_parts(tmp_path / "a", 25_001, persons=1000, chunk_rows=10_000)

    assert [p.name for p in parts] == [
        "part-00000.parquet",
        "part-00001.parquet",
        "part-00002.parquet",
    ]
    assert [pq.ParquetFile(p).metadata.num_rows for p in parts] == [10_000, 10_000, 5_001]
    table = pq.read_table(tmp_path / "a")
    assert table.schema.names == [
        "row_no",
        "r_id_number",
        "r_name",
        "r_settled_on",
        "r_total_cost",
        "r_reimbursed",
        "r_out_of_pocket",
        "r_inpatient",
    ]
    assert str(table.schema.field("row_no").type) == "int64"
    assert all(str(f.type) == "string" for f in table.schema if f.name != "row_no")
    assert table.column("row_no").to_pylist() == list(range(1, 25_002))

    whole = tmp_path / "whole.parquet"
    medical_parquet(whole, 25_001, persons=1000)
    one = pq.read_table(whole)
    assert table.column("r_id_number").to_pylist() == one.column("id_number").to_pylist()
    assert table.column("r_out_of_pocket").to_pylist() == [
        str(v) for v in one.column("out_of_pocket").to_pylist()
    ]
    assert table.column("r_settled_on").to_pylist() == one.column("settled_on").to_pylist()


def test_the_pieces_are_the_same_every_time_and_a_finished_piece_is_kept(tmp_path):
    first = medical_raw_parts(tmp_path / "a", 12_000, persons=500, chunk_rows=5_000)
    second = medical_raw_parts(tmp_path / "b", 12_000, persons=500, chunk_rows=5_000)
    assert _digest(first) == _digest(second)

    # An interrupted run continues: pieces already written are not written again.
    first[0].write_bytes(b"kept")
    again = medical_raw_parts(tmp_path / "a", 12_000, persons=500, chunk_rows=5_000)
    assert again[0].read_bytes() == b"kept"
    assert _digest(again[1:]) == _digest(second[1:])
