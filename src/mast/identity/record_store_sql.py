"""Reading partner records into Arrow columns for the SQL standardisation: the record store's first run.

When most of the store is stale (a first run, or a new version of standardisation), every active record is
read as plain tuples a chunk at a time, turned into columns, and standardised in one SQL pass
(matching/standardise_sql.py). No dict is built per record: at a million records the dicts, and a Python
call per record, were most of the cost of standardising.
"""

import pyarrow as pa
import pyarrow.parquet as pq

from mast.identity.matching.standardise_sql import RAW_SCHEMA, standardise_table

# The canonical record's fields as the database names them, in the order they are read.
_DATABASE_FIELDS = {
    "record_id": "pk",
    "source": "source__code",
    **{name: name for name in RAW_SCHEMA.names if name not in ("record_id", "source")},
}
CHUNK = 20_000


def export_active_records(path) -> int:
    """Every active partner record as Parquet in `RAW_SCHEMA`, for the Spark job (matching/spark_run.py);
    the number written. The file holds personal data: it goes only where the records may go
    (docs/scale.md)."""
    from mast.feeds.models import PartnerRecord
    from mast.identity.record_store import _annotated  # the store's own reading of a record, not a copy

    raw, _marker = raw_records(_annotated(PartnerRecord.objects.filter(removed_at__isnull=True)))
    pq.write_table(raw, path)
    return raw.num_rows


def standardise_queryset(annotated, wanted: set[int] | None = None) -> pa.Table:
    """The records of `annotated` (a PartnerRecord queryset annotated with `marker` and `postcode_flagged`,
    as record_store does), only those in `wanted` if given, standardised: `record_store.STORE_SCHEMA`."""
    raw, marker = raw_records(annotated, wanted)
    return standardise_table(raw).append_column("marker", marker)


def raw_records(annotated, wanted: set[int] | None = None) -> tuple[pa.Table, pa.ChunkedArray]:
    """The records of `annotated` (see `standardise_queryset`) as `RAW_SCHEMA` columns, and their markers.

    Each chunk of rows becomes Arrow columns as soon as it is read: at a million records, Python lists of
    every value (tens of millions of strings) were the full run's largest use of memory.
    """
    names = list(_DATABASE_FIELDS)
    fields = [*_DATABASE_FIELDS.values(), "marker", "postcode_flagged"]
    schema = pa.schema([RAW_SCHEMA.field(name) for name in names])
    batches: list[pa.RecordBatch] = []
    markers: list[pa.Array] = []
    chunk: list[tuple] = []

    def flush() -> None:
        if chunk:
            batch, marker = _columns(names, schema, chunk)
            batches.append(batch)
            markers.append(marker)
            chunk.clear()

    for row in annotated.values_list(*fields).iterator(chunk_size=CHUNK):
        if wanted is None or row[0] in wanted:
            chunk.append(row)
            if len(chunk) >= CHUNK:
                flush()
    flush()
    return pa.Table.from_batches(batches, schema=schema), pa.chunked_array(markers, type=pa.string())


def _columns(names: list[str], schema: pa.Schema, rows: list[tuple]) -> tuple[pa.RecordBatch, pa.Array]:
    by_name = dict(zip([*names, "marker", "postcode_flagged"], zip(*rows, strict=True), strict=True))
    by_name["record_id"] = [str(pk) for pk in by_name["record_id"]]
    # A malformed postcode is kept for people to see, but is no evidence of where someone lives.
    by_name["postcode"] = [
        "" if flagged else code
        for code, flagged in zip(by_name["postcode"], by_name.pop("postcode_flagged"), strict=True)
    ]
    marker = pa.array(by_name.pop("marker"), type=pa.string())
    batch = pa.record_batch([pa.array(by_name[f.name], type=f.type) for f in schema], schema=schema)
    return batch, marker
