"""What a load keeps while it works, on disk rather than in memory (issue 13, item 5: stream, don't slurp).

A load needs the whole file before it may decide anything (a record is removed only when it is absent from
the *whole* snapshot; the guard holds a file by its totals), but it does not need the whole file in memory. A
checked row as Python objects costs about 2.5 KB, so a load that kept every row until it wrote them grew with
the file (294 MiB for 100,000 rows). Instead:

- `Spill` writes the checked rows (and the rejected and flagged ones) to an unnamed temporary file, pickled a
  chunk at a time, and reads them back a chunk at a time as often as the load needs: flat, about five times
  cheaper than checking the partner's file again, and every pass sees exactly the rows that were planned
  (checking depends on today's date, and a load can cross midnight).
- `KeyStore` keeps only what the whole-file decisions need, the record_ids and person_refs seen (with the line
  of a record's first row and of a person's latest row), in a private SQLite file of its own: its lookups are
  indexed and its pages live on disk beyond a small cache, whatever the number of rows.

Both files are created 0600 in MAST's private work folder and unlinked at once: nothing of a partner's data is
left behind when a load ends, fails or is killed. They are not part of the load's transaction and need not be:
they are a scratch copy of the file being loaded, never the state of MAST.
"""

import os
import pickle
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from mast.config.paths import VAR_DIR, private_dir

CHUNK = 20_000  # items a Spill keeps in memory before writing them out, and hands back at a time
LOOKUP = 2000  # keys in one lookup query (SQLite takes up to 32,766 parameters)


def work_dir() -> Path:
    return private_dir(VAR_DIR / "feeds" / "work")


class Spill:
    """Items (anything picklable) appended in order and read back in the same order, a chunk at a time."""

    def __init__(self, chunk: int | None = None):
        self.chunk = chunk or CHUNK
        self.count = 0
        # 0600 and already unlinked; closed by close(), or with the process.
        self._file = tempfile.TemporaryFile(dir=work_dir())  # noqa: SIM115
        self._pending: list = []

    def append(self, item) -> None:
        self._pending.append(item)
        self.count += 1
        if len(self._pending) >= self.chunk:
            self._write()

    def extend(self, items: Iterable) -> None:
        for item in items:
            self.append(item)

    def _write(self) -> None:
        if self._pending:
            self._file.seek(0, os.SEEK_END)
            pickle.dump(self._pending, self._file, protocol=pickle.HIGHEST_PROTOCOL)
            self._pending = []

    def chunks(self) -> Iterator[list]:
        """Every item so far, in order, in lists of at most `chunk` items."""
        self._write()
        position = 0
        while True:
            self._file.seek(position)
            try:
                items = pickle.load(self._file)  # noqa: S301 - this process's own file, written above
            except EOFError:
                return
            position = self._file.tell()
            yield items

    def __iter__(self) -> Iterator:
        for items in self.chunks():
            yield from items

    def first(self, n: int) -> list:
        found = []
        for items in self.chunks():
            found.extend(items[: n - len(found)])
            if len(found) >= n:
                break
        return found

    def close(self) -> None:
        self._file.close()


class KeyStore:
    """The record_ids and person_refs of a file's checked rows, on disk."""

    def __init__(self):
        fd, name = tempfile.mkstemp(dir=work_dir(), suffix=".keys")
        os.close(fd)
        self.db = sqlite3.connect(name, isolation_level=None)
        os.unlink(name)  # the open connection keeps it; nothing is left if the process is killed
        # A scratch file: no journal (so no second file by name), no syncing, a small cache, one long write.
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -8000", "temp_store = FILE"):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.execute("CREATE TABLE records (record_id TEXT PRIMARY KEY, line INTEGER) WITHOUT ROWID")
        self.db.execute(
            "CREATE TABLE people (person_ref TEXT PRIMARY KEY, start TEXT, line INTEGER) WITHOUT ROWID"
        )
        self.db.execute("CREATE INDEX people_line ON people (line)")
        self.db.execute("BEGIN")

    def add(self, rows) -> None:
        """Note these checked rows (CanonicalRow, in file order, record_ids not yet seen)."""
        self.db.executemany(
            "INSERT INTO records VALUES (?, ?)", ((r.values["record_id"], r.line_number) for r in rows)
        )
        # A person's details come from their most recent involvement (the address they live at now); on a tie,
        # the later row.
        self.db.executemany(
            "INSERT INTO people VALUES (?, ?, ?) ON CONFLICT (person_ref) DO UPDATE "
            "SET start = excluded.start, line = excluded.line WHERE excluded.start >= people.start",
            ((r.values["person_ref"], _start(r), r.line_number) for r in rows),
        )

    def first_lines(self, record_ids: Iterable[str]) -> dict[str, int]:
        """The line of the row that first brought each of these record_ids (those seen only)."""
        return dict(self._select("SELECT record_id, line FROM records WHERE record_id IN ({})", record_ids))

    def loaded_records(self, record_ids: Iterable[str]) -> set[str]:
        return {
            rid
            for rid, _ in self._select("SELECT record_id, 1 FROM records WHERE record_id IN ({})", record_ids)
        }

    def loaded_people(self, refs: Iterable[str]) -> set[str]:
        return {
            ref for ref, _ in self._select("SELECT person_ref, 1 FROM people WHERE person_ref IN ({})", refs)
        }

    def latest_rows(self, rows: list) -> list:
        """Those of these rows (a chunk, in file order) that are their person's latest row in the file."""
        if not rows:
            return []
        lines = {
            line
            for (line,) in self.db.execute(
                "SELECT line FROM people WHERE line BETWEEN ? AND ?",
                (rows[0].line_number, rows[-1].line_number),
            )
        }
        return [r for r in rows if r.line_number in lines]

    def _select(self, sql: str, keys: Iterable[str]) -> Iterator[tuple]:
        keys = list(dict.fromkeys(keys))
        for start in range(0, len(keys), LOOKUP):
            batch = keys[start : start + LOOKUP]
            yield from self.db.execute(sql.format(", ".join("?" * len(batch))), batch)

    def close(self) -> None:
        self.db.close()


def _start(row) -> str:
    start = row.values.get("start_date")
    return "" if start is None else start.isoformat()
