"""The partner records as the matcher sees them: standardised, in one Arrow table, kept up to date on disk.

Standardising a million records takes a while; standardising the few thousand a daily load changes does not.
So the standardised rows are kept in an Arrow IPC (Feather) file under var/ and only changed records are
redone. Feather, not Parquet: a daily load reads and rewrites the whole store, and with LZ4 that takes half a
second at a million records against nearly three for Parquet; the file is larger (about 125 MB), which a
server's disk does not notice.
"""

import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.feather as feather
from django.db import transaction
from django.db.models import BooleanField, CharField, ExpressionWrapper, Q
from django.db.models.functions import Cast

from mast.config.paths import VAR_DIR, private_dir
from mast.feeds.models import PartnerRecord
from mast.identity.matching.linkage import SCHEMA, model_row
from mast.identity.matching.paused_gc import paused_gc
from mast.identity.record_store_sql import standardise_queryset

FIELDS = (
    "pk",
    "source__code",
    "given_name",
    "middle_names",
    "family_name",
    "other_names",
    "date_of_birth",
    "date_of_birth_raw",
    "sex",
    "address_line_1",
    "address_line_2",
    "address_line_3",
    "postcode",
    "uprn",
    "nhs_number",
    "nhs_number_valid",
    "flags",
)
# Each stored row keeps the record's updated_at as the database writes it as text: it only has to tell
# whether the record changed, and parsing a million timestamps (and decoding a million JSON flags) took a
# fifth of standardising.
STORE_SCHEMA = SCHEMA.append(pa.field("marker", pa.string()))
# Bump when standardisation changes, so every stored row is redone once.
STORE_VERSION = 5
CHUNK = 20_000  # ids per query: under SQLite's limit on bound parameters


def store_path() -> Path:
    return VAR_DIR / "identity" / f"records-v{STORE_VERSION}.arrow"


def _annotated(queryset):
    return queryset.annotate(
        marker=Cast("updated_at", output_field=CharField()),
        postcode_flagged=ExpressionWrapper(Q(flags__has_key="postcode"), output_field=BooleanField()),
    )


def _values(queryset):
    """Each record's fields as standardising reads them, its marker and whether its postcode was flagged."""
    return _annotated(queryset).values(*(f for f in FIELDS if f != "flags"), "marker", "postcode_flagged")


def _rows(values) -> list[dict]:
    with paused_gc():
        return [_row(v) for v in values]


def _row(v: dict) -> dict:
    record = dict(v, record_id=str(v["pk"]), source=v["source__code"])
    # A malformed postcode is kept for people to see, but is no evidence of where someone lives.
    if v["postcode_flagged"]:
        record["postcode"] = ""
    row = model_row(record)
    row["unique_id"] = str(v["pk"])
    row["marker"] = v["marker"]
    return row


@dataclass(frozen=True)
class Refreshed:
    """The store after a load's records were redone, and how it got there from the store as it was read:
    what a warm linker (identity/warm_linker.py) needs to change by the delta instead of starting again."""

    table: pa.Table
    # The store as read before the delta, or None when every record was checked (no delta to speak of).
    base: pa.Table | None = None
    dropped: tuple[str, ...] = ()
    fresh: pa.Table | None = None


def standardised_records(changed: list[int] | None = None) -> pa.Table:
    """Standardised rows of every active partner record, from the store where fresh.

    With `changed` (the records a load has just written), only those are redone and records marked removed
    are dropped: what a daily load needs. Without it every record's timestamp is checked against the store.
    """
    return refreshed_records(changed).table


def refreshed_records(changed: list[int] | None = None) -> Refreshed:
    """`standardised_records`, with the delta that led to the table when there was one."""
    path = store_path()
    if changed is not None and path.exists():
        base = _read(path)
        refreshed = _refresh(base, [int(pk) for pk in changed], path)
        # A store that disagrees with the database (restored from a backup, say) is checked record by record.
        if refreshed.table.num_rows == PartnerRecord.objects.filter(removed_at__isnull=True).count():
            return refreshed
    return Refreshed(_check_every_record(path))


def _check_every_record(path: Path) -> pa.Table:
    queryset = PartnerRecord.objects.filter(removed_at__isnull=True)
    current = dict(_annotated(queryset).values_list("pk", "marker"))
    stored = _read(path) if path.exists() else STORE_SCHEMA.empty_table()
    stored_at = dict(
        zip(stored.column("unique_id").to_pylist(), stored.column("marker").to_pylist(), strict=True)
    )
    stale = [pk for pk, marker in current.items() if stored_at.get(str(pk)) != marker]
    keep = pc.is_in(stored.column("unique_id"), value_set=pa.array([str(pk) for pk in current]))
    stored = stored.filter(keep)
    if stale:
        stale_ids = pa.array([str(pk) for pk in stale])
        stored = stored.filter(pc.invert(pc.is_in(stored.column("unique_id"), value_set=stale_ids)))
        if len(stale) > len(current) // 2:
            # Most are stale (a first run): one pass over the table beats many lookups by id, and one SQL
            # pass over all of them beats standardising each (record_store_sql; the same rows).
            fresh = standardise_queryset(_annotated(queryset), set(stale))
        else:
            fresh = pa.Table.from_pylist(_rows(list(_values_of(stale))), schema=STORE_SCHEMA)
        stored = pa.concat_tables([stored, fresh])
    if stale or len(stored_at) != stored.num_rows:
        _write(stored, path)
    return stored


def _values_of(ids: list[int]):
    queryset = PartnerRecord.objects.filter(removed_at__isnull=True)
    for start in range(0, len(ids), CHUNK):
        yield from _values(queryset.filter(pk__in=ids[start : start + CHUNK]))


def _refresh(base: pa.Table, changed: list[int], path: Path) -> Refreshed:
    removed = set(PartnerRecord.objects.filter(removed_at__isnull=False).values_list("pk", flat=True))
    dropped = tuple(str(pk) for pk in {*changed, *removed})
    drop = pa.array(dropped, type=pa.string())
    stored = base.filter(pc.invert(pc.is_in(base.column("unique_id"), value_set=drop)))
    fresh = pa.Table.from_pylist(_rows(list(_values_of(changed))), schema=STORE_SCHEMA)
    stored = pa.concat_tables([stored, fresh])
    _write(stored, path)
    return Refreshed(stored, base, dropped, fresh)


# The store as this process last read or wrote it, and the file it came from (inode, size, time): a worker
# that wrote the store reads it back from memory, not disk, until another process replaces the file.
_last: tuple[tuple, pa.Table] | None = None


def _file_key(path: Path) -> tuple:
    status = path.stat()
    return (str(path), status.st_ino, status.st_size, status.st_mtime_ns)


def _read(path: Path) -> pa.Table:
    global _last
    key = _file_key(path)
    if _last is not None and _last[0] == key:
        return _last[1]
    table = feather.read_table(path)
    if table.schema != STORE_SCHEMA:
        # Written by another version of MAST: redo every record rather than trust it.
        return STORE_SCHEMA.empty_table()
    _last = (key, table)
    return table


_deferring: ContextVar[bool] = ContextVar("record_store_deferring", default=False)


@contextmanager
def writes_on_commit():
    """Inside a feed load's transaction (ingest.intake): the store is replaced only once the load commits,
    so a load that fails or is killed part-way leaves it exactly as it was. The table in hand is what the
    load matches with either way."""
    token = _deferring.set(True)
    try:
        yield
    finally:
        _deferring.reset(token)


def _write(table: pa.Table, path: Path) -> None:
    if _deferring.get():
        transaction.on_commit(lambda: _replace(table, path))
    else:
        _replace(table, path)


def _replace(table: pa.Table, path: Path) -> None:
    private_dir(path.parent)
    partial = path.with_suffix(f".{time.monotonic_ns()}.tmp")
    feather.write_feather(table, partial, compression="lz4")
    partial.replace(path)
    global _last
    _last = (_file_key(path), table)
    # Stores of earlier versions of standardisation are never read again.
    for old in path.parent.glob("records-v*.*"):
        if old != path and not old.name.endswith(".tmp"):
            old.unlink(missing_ok=True)
