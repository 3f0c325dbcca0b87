"""The record store on disk as a snapshot and a journal of deltas, so that a push does not rewrite it whole.

Each load or push changes a few records of a million. Rewriting the whole standardised store for it (125 MB
of Feather at a million records) was about a second of every push. So the store is kept as:

- a **snapshot** (`records-vN.arrow`), the standardised rows as of some moment, naming in its metadata the
  journal entries folded into it;
- a **journal** (`records-vN.journal/`), one small Feather file per delta, named so that they sort in the
  order written (time in nanoseconds, then the writing process): the delta's fresh rows, and in the file's
  metadata the ids it dropped (redone, withdrawn or undone). Each entry is written whole under a temporary
  name, flushed to disk and renamed, so a reader sees all of an entry or none of it.

Reading the store is the snapshot with every later entry applied in order. **Compaction** folds the journal
into a new snapshot: it reads the journal as on disk, writes the snapshot (naming the entries it holds)
and renames it into place, and only then deletes those entries. Killed between the two, the next reader
skips the entries the snapshot names as folded (and the next compaction deletes them); killed before the
rename, the old snapshot and every entry are still there. Either way no delta is lost
(tests/identity/test_record_journal.py kills it at each point). Compaction runs when the journal grows
past COMPACT_ENTRIES entries or COMPACT_ROWS rows, on a thread of its own, off the push's path.

A process keeps the state it last read or wrote in memory (`StoreState`); the full table is put together
only when something needs every record (a cold linker, a full run), once per state.
"""

import fcntl
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.feather as feather

COMPACT_ENTRIES = 500
COMPACT_ROWS = 50_000
FOLDED = b"mast_folded"  # snapshot metadata: the journal entries it holds
DROPPED = b"mast_dropped"  # entry metadata: the ids the delta dropped


def journal_dir(snapshot: Path) -> Path:
    return snapshot.with_suffix(".journal")


class Entry:
    """One delta as written to the journal: the ids it dropped and the fresh rows it added."""

    def __init__(self, name: str, dropped: tuple[str, ...], fresh: pa.Table):
        self.name, self.dropped, self.fresh = name, dropped, fresh

    @property
    def touched(self) -> set[str]:
        return set(self.dropped) | set(self.fresh.column("unique_id").to_pylist())


class StoreState:
    """The store as this process knows it: a snapshot and the entries after it, and which ids are in it."""

    def __init__(
        self, base: pa.Table, entries: tuple[Entry, ...] = (), ids: np.ndarray | None = None, token=None
    ):
        self.base, self.entries = base, entries
        self.ids = _ids_of(self.table) if ids is None else ids
        # Which records these are, for a warm linker mirroring them: kept when a compaction only moves
        # them from the journal into the snapshot.
        self.token = token if token is not None else object()
        self.leftovers: list[Path] = []  # entries already folded into the snapshot, left by a crash

    @cached_property
    def table(self) -> pa.Table:
        """Every current row: the snapshot's not dropped since, and each entry's fresh rows not dropped by a
        later entry. Put together once per state, and only when asked."""
        if not self.entries:
            return self.base
        seen: set[str] = set()
        kept = []
        for entry in reversed(self.entries):
            fresh = entry.fresh
            if seen and fresh.num_rows:
                fresh = fresh.filter(pc.invert(pc.is_in(fresh.column("unique_id"), pa.array(list(seen)))))
            kept.append(fresh)
            seen |= entry.touched
        base = self.base.filter(pc.invert(pc.is_in(self.base.column("unique_id"), pa.array(list(seen)))))
        return pa.concat_tables([base, *reversed(kept)])

    @property
    def num_rows(self) -> int:
        return len(self.ids)

    def holds(self, ids: list[str]) -> list[str]:
        """Which of these ids are in the store now (a lookup per id in the sorted ids, not a pass)."""
        wanted = np.array([int(i) for i in ids], dtype=np.int64)
        where = np.searchsorted(self.ids, wanted)
        found = (where < len(self.ids)) & (self.ids[np.minimum(where, len(self.ids) - 1)] == wanted)
        return [i for i, hit in zip(ids, found.tolist(), strict=True) if hit] if len(self.ids) else []

    def with_entry(self, entry: Entry) -> "StoreState":
        """This state with one more delta: the delta's ids found by binary search, the array copied once
        each way (a few milliseconds at a million), never sorted or hashed whole."""
        ids = self.ids
        gone = np.array(sorted(int(i) for i in entry.touched), dtype=np.int64)
        if len(gone) and len(ids):
            where = np.searchsorted(ids, gone)
            inside = where < len(ids)
            where = where[inside][ids[where[inside]] == gone[inside]]
            ids = np.delete(ids, where)
        fresh = [int(i) for i in entry.fresh.column("unique_id").to_pylist()]
        fresh = np.sort(np.array(fresh, dtype=np.int64))
        ids = np.insert(ids, np.searchsorted(ids, fresh), fresh)
        return StoreState(self.base, (*self.entries, entry), ids)

    def needs_compacting(self) -> bool:
        rows = sum(entry.fresh.num_rows + len(entry.dropped) for entry in self.entries)
        return len(self.entries) > COMPACT_ENTRIES or rows > COMPACT_ROWS


def _ids_of(table: pa.Table) -> np.ndarray:
    return np.sort(np.array(table.column("unique_id").to_pylist(), dtype=np.int64))


def read(snapshot: Path, schema: pa.Schema) -> StoreState:
    """The store as on disk: the snapshot (or nothing) and the journal entries not yet folded into it. A
    snapshot or entry written by another version of MAST (another schema) counts as no store at all."""
    base, folded = schema.empty_table(), set()
    if snapshot.exists():
        table = feather.read_table(snapshot)
        metadata = table.schema.metadata or {}
        table = table.replace_schema_metadata(None)
        if table.schema != schema:
            return StoreState(schema.empty_table())
        base, folded = table, set(json.loads(metadata.get(FOLDED, b"[]")))
    entries, leftovers = [], []
    for path in entry_paths(snapshot):
        if path.name in folded:
            leftovers.append(path)  # folded by a compaction killed before it deleted the entry
            continue
        table = feather.read_table(path)
        dropped = tuple(json.loads((table.schema.metadata or {}).get(DROPPED, b"[]")))
        table = table.replace_schema_metadata(None)
        if table.schema != schema:
            return StoreState(schema.empty_table())
        entries.append(Entry(path.name, dropped, table))
    state = StoreState(base, tuple(entries))
    state.leftovers = leftovers
    return state


def entry_paths(snapshot: Path) -> list[Path]:
    folder = journal_dir(snapshot)
    if not folder.exists():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix == ".arrow")


def entry_names(snapshot: Path) -> set[str]:
    return {p.name for p in entry_paths(snapshot)}


def new_entry(dropped: tuple[str, ...], fresh: pa.Table) -> Entry:
    """A delta, named to sort after those written before it (by this or any other process)."""
    return Entry(f"{time.time_ns():020d}-{os.getpid()}.arrow", dropped, fresh)


def write_entry(snapshot: Path, entry: Entry) -> None:
    """Append one delta to the journal, whole or not at all, and on disk before it returns."""
    folder = journal_dir(snapshot)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    table = entry.fresh.replace_schema_metadata({DROPPED: json.dumps(list(entry.dropped)).encode()})
    _write_whole(table, folder / entry.name, compression="uncompressed")


def write_snapshot(snapshot: Path, table: pa.Table, folded: list[str]) -> None:
    """Replace the snapshot with this table, which holds these journal entries; then delete them (a crash
    in between leaves them, and readers skip them)."""
    metadata = {FOLDED: json.dumps(sorted(folded)).encode()}
    _write_whole(table.replace_schema_metadata(metadata), snapshot, compression="lz4")
    folder = journal_dir(snapshot)
    for name in folded:
        (folder / name).unlink(missing_ok=True)


@contextmanager
def compacting(snapshot: Path, wait: bool = False) -> Iterator[bool]:
    """One writer of the snapshot at a time across processes (a lock file beside the journal). Without
    `wait`, yields False at once when another is compacting, rather than waiting for it."""
    folder = journal_dir(snapshot)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    with open(folder / "compacting.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _write_whole(table: pa.Table, path: Path, compression: str) -> None:
    partial = path.with_name(f".{path.name}.{time.monotonic_ns()}.tmp")
    feather.write_feather(table, partial, compression=compression)
    with open(partial, "rb") as written:
        os.fsync(written.fileno())
    partial.replace(path)
