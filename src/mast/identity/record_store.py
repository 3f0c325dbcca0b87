"""The partner records as the matcher sees them: standardised, in one Arrow table, kept up to date on disk.

Standardising a million records takes a while; standardising the few thousand a daily load changes does not.
So the standardised rows are kept in Arrow IPC (Feather) files under var/ and only changed records are
redone: a snapshot of every record, and a journal of the deltas since (record_journal.py: a push appends its
delta, a compaction off the push's path folds the journal into a new snapshot). Feather, not Parquet: a
snapshot is read and written whole, and with LZ4 that takes half a second at a million records against
nearly three for Parquet; the file is larger (about 125 MB), which a server's disk does not notice.
"""

import shutil
import threading
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from django.db import transaction
from django.db.models import BooleanField, CharField, ExpressionWrapper, Q
from django.db.models.functions import Cast

from mast.config.paths import VAR_DIR, private_dir
from mast.feeds.models import PartnerRecord
from mast.identity import record_journal
from mast.identity.matching.linkage import SCHEMA, model_row
from mast.identity.matching.paused_gc import paused_gc
from mast.identity.record_journal import StoreState
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

    state: StoreState
    # The store as read before the delta, or None when every record was checked (no delta to speak of).
    base: StoreState | None = None
    dropped: tuple[str, ...] = ()
    fresh: pa.Table | None = None

    @property
    def table(self) -> pa.Table:
        """Every record's row (put together once per state: a cold linker or a full run needs it)."""
        return self.state.table

    @property
    def count(self) -> int:
        return self.state.num_rows


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
        base, from_disk = _current(path)
        refreshed = _refresh(base, [int(pk) for pk in changed], path)
        # A store that disagrees with the database (restored from a backup, say, or a process killed
        # between its load's commit and its journal entry) is checked record by record. Checked when it is
        # read from disk: a state this process wrote itself, delta by delta, is the database's.
        if not from_disk or refreshed.count == PartnerRecord.objects.filter(removed_at__isnull=True).count():
            return refreshed
    return Refreshed(_check_every_record(path))


def _check_every_record(path: Path) -> StoreState:
    queryset = PartnerRecord.objects.filter(removed_at__isnull=True)
    current = dict(_annotated(queryset).values_list("pk", "marker"))
    state, _from_disk = _current(path)
    stored = state.table
    stored_at = dict(
        zip(stored.column("unique_id").to_pylist(), stored.column("marker").to_pylist(), strict=True)
    )
    stale = [pk for pk, marker in current.items() if stored_at.get(str(pk)) != marker]
    keep = pc.is_in(stored.column("unique_id"), value_set=pa.array([str(pk) for pk in current], pa.string()))
    stored = stored.filter(keep)
    if stale:
        stale_ids = pa.array([str(pk) for pk in stale], pa.string())
        stored = stored.filter(pc.invert(pc.is_in(stored.column("unique_id"), value_set=stale_ids)))
        if len(stale) > len(current) // 2:
            # Most are stale (a first run): one pass over the table beats many lookups by id, and one SQL
            # pass over all of them beats standardising each (record_store_sql; the same rows).
            fresh = standardise_queryset(_annotated(queryset), set(stale))
        else:
            fresh = pa.Table.from_pylist(_rows(list(_values_of(stale))), schema=STORE_SCHEMA)
        stored = pa.concat_tables([stored, fresh])
    if stale or len(stored_at) != stored.num_rows or state.entries:
        checked = StoreState(stored)
        _write(lambda: _replace(path, checked, [e.name for e in state.entries]))
        return checked
    return state


def _values_of(ids: list[int]):
    queryset = PartnerRecord.objects.filter(removed_at__isnull=True)
    for start in range(0, len(ids), CHUNK):
        yield from _values(queryset.filter(pk__in=ids[start : start + CHUNK]))


def _refresh(base: StoreState, changed: list[int], path: Path) -> Refreshed:
    # Records withdrawn or undone since: read through the index of removed records, and only those still
    # in the store are dropped (a lookup per id, not a pass over every record).
    removed = PartnerRecord.objects.filter(removed_at__isnull=False).values_list("pk", flat=True)
    dropped = tuple(sorted({str(pk) for pk in changed} | set(base.holds([str(pk) for pk in removed]))))
    fresh = pa.Table.from_pylist(_rows(list(_values_of(changed))), schema=STORE_SCHEMA)
    if not dropped and not fresh.num_rows:
        return Refreshed(base, base, (), fresh)  # nothing changed (a warm linker primed): nothing to journal
    entry = record_journal.new_entry(dropped, fresh)
    state = base.with_entry(entry)
    _write(lambda: _append(path, base, state, entry))
    return Refreshed(state, base, dropped, fresh)


# The store as this process last read or wrote it, and what was on disk then (the snapshot file's inode,
# size and time, and the journal's entries): a process that wrote the store reads it back from memory, not
# disk, until another process writes to it.
_last: tuple[tuple, StoreState] | None = None
_last_lock = threading.Lock()
# The journal entries this process's compaction is folding into a new snapshot right now: while it writes the
# snapshot and deletes them, the files change under a push's feet, but the records do not.
_folding: frozenset[str] = frozenset()


def _file_key(path: Path) -> tuple:
    status = path.stat()
    return (str(path), status.st_ino, status.st_size, status.st_mtime_ns)


def _disk_key(path: Path) -> tuple:
    return (_file_key(path) if path.exists() else None, frozenset(record_journal.entry_names(path)))


def _only_folding(held: frozenset[str], on_disk: frozenset[str]) -> bool:
    """Whether the journal on disk differs from the one this process holds only by what its own compaction
    is folding (the snapshot being replaced, entries being deleted) — the same records, not to be read
    again (a push that read them would find a new store and rebuild its warm linker: seconds at a million).
    Any entry this process does not hold means another process wrote: not the same."""
    return bool(_folding) and on_disk - _folding <= held and held - on_disk <= _folding


def _current(path: Path) -> tuple[StoreState, bool]:
    """The store as it is now, and whether it had to be read from disk."""
    global _last
    key = _disk_key(path)
    with _last_lock:
        if _last is not None and (_last[0] == key or _only_folding(_last[0][1], key[1])):
            return _last[1], False
    # Written by another version of MAST (another schema): read as empty, so every record is redone.
    state = record_journal.read(path, STORE_SCHEMA)
    with _last_lock:
        _last = (key, state)
    return state, True


_deferring: ContextVar[bool] = ContextVar("record_store_deferring", default=False)


@contextmanager
def writes_on_commit():
    """Inside a feed load's transaction (ingest.intake): the store is written only once the load commits,
    so a load that fails or is killed part-way leaves it exactly as it was. The table in hand is what the
    load matches with either way."""
    token = _deferring.set(True)
    try:
        yield
    finally:
        _deferring.reset(token)


def _write(write) -> None:
    if _deferring.get():
        transaction.on_commit(write)
    else:
        write()


def _append(path: Path, base: StoreState, state: StoreState, entry: record_journal.Entry) -> None:
    """Journal one delta (record_journal.py) and remember the store as it now is."""
    global _last
    record_journal.write_entry(path, entry)
    with _last_lock:
        if _last is not None and _last[1] is base:
            _last = ((_last[0][0], _last[0][1] | {entry.name}), state)
        elif _last is not None and _last[1].token is base.token:
            # This process's compaction finished while the delta was being made: the same records laid out
            # anew (a new snapshot, fewer entries). The delta goes on top of that layout, keeping the token
            # the caller's warm linker will mirror, so the next push does not read the store again.
            held = _last[1]
            _last = (
                (_last[0][0], _last[0][1] | {entry.name}),
                StoreState(held.base, (*held.entries, entry), state.ids, state.token),
            )
        else:  # another delta got in between: read the store from disk next time
            _last = None
    if state.needs_compacting():
        threading.Thread(
            target=compact, args=(path,), name="mast-record-store-compaction", daemon=True
        ).start()


def _replace(path: Path, state: StoreState, folded: list[str]) -> None:
    """Write the whole store as a new snapshot (after a check of every record)."""
    global _last
    private_dir(path.parent)
    with record_journal.compacting(path, wait=True):  # not under a compaction's feet
        record_journal.write_snapshot(path, state.table, folded)
    with _last_lock:
        _last = (_disk_key(path), state)
    # Stores of earlier versions of standardisation are never read again.
    for old in path.parent.glob("records-v*.*"):
        if old != path and old != record_journal.journal_dir(path) and not old.name.endswith(".tmp"):
            if old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.unlink(missing_ok=True)


def compact(path: Path | None = None) -> bool:
    """Fold the journal into a new snapshot (record_journal.py). Off the push's path: on a thread of its
    own when the journal grows, or from `mast db_worker`. False when another process is compacting."""
    global _last, _folding
    path = path or store_path()
    with record_journal.compacting(path) as mine:
        if not mine:
            return False
        on_disk = record_journal.read(path, STORE_SCHEMA)
        for leftover in on_disk.leftovers:
            leftover.unlink(missing_ok=True)
        if not on_disk.entries:
            return True
        folded = {entry.name for entry in on_disk.entries}
        with _last_lock:
            _folding = frozenset(folded)
        try:
            record_journal.write_snapshot(path, on_disk.table, sorted(folded))
        except BaseException:
            with _last_lock:
                _folding = frozenset()
            raise
        with _last_lock:
            _folding = frozenset()  # in the same hold of the lock as `_last` is brought up to date
            # This process's store, if it holds exactly those entries and maybe later ones, is the same
            # records: it keeps its token, so a warm linker mirroring it is still good.
            if _last is not None and folded <= {entry.name for entry in _last[1].entries}:
                held = _last[1]
                later = tuple(entry for entry in held.entries if entry.name not in folded)
                state = StoreState(on_disk.table, later, held.ids, held.token)
                _last = ((_file_key(path), _last[0][1] - folded), state)
    return True
