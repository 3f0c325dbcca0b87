"""A load's first stage: every row of the file read and checked, and kept on disk rather than in memory.

Each row becomes a checked row, a rejection or (with bad optional fields) a checked row that is also flagged.
They go to the load's spills (feeds/spill.py) a chunk at a time, and the record_ids and person_refs of the
checked rows to its key store, so that the rest of the load works from them without holding the file: memory
stays flat whatever the number of rows (issue 13, item 5).

A record_id that appears twice is rejected the second time, naming the line it first appeared on, whether that
line is in the same chunk (found in the chunk's own dict) or an earlier one (found in the key store).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from mast.feeds import spill
from mast.feeds.models import Load
from mast.feeds.problems import field_words, flag_problem
from mast.feeds.readers import FileRefused, read_rows
from mast.feeds.spill import KeyStore, Spill
from mast.feeds.validation import CanonicalRow, Rejection, RowValidator
from mast.feeds.writing import Flagged

Progress = Callable[[str, int, int | None], None]
EXAMPLES = 5


@dataclass
class Checked:
    """What the reading stage found, on disk; `close` it when the load is done."""

    rows: Spill = field(default_factory=Spill)
    rejections: Spill = field(default_factory=Spill)
    flagged: Spill = field(default_factory=Spill)
    keys: KeyStore = field(default_factory=KeyStore)
    rows_read: int = 0

    def rejection_examples(self) -> list[Rejection]:
        return self.rejections.first(EXAMPLES)

    def close(self) -> None:
        for part in (self.rows, self.rejections, self.flagged, self.keys):
            part.close()


def check_file(path, mapping, load: Load, progress: Progress | None, note_stage) -> Checked:
    """Read and check every row of the file. Raises FileRefused for a file with no data rows."""
    validator = RowValidator(mapping, timezone.localdate())
    note_stage(load, Load.Stage.READING, 0)
    _, raw_rows = read_rows(path, mapping)
    checked = Checked()
    try:
        # (result, raw row, the line its record_id first appeared on in this chunk, if it did)
        pending: list[tuple[CanonicalRow | Rejection, dict, int | None]] = []
        first_line: dict[str, int] = {}  # record_id -> line, for this chunk's rows only
        count = 0
        for count, (line, raw) in enumerate(raw_rows, start=1):
            result = validator.validate(line, raw)
            again = None
            if isinstance(result, CanonicalRow):
                again = first_line.setdefault(result.values["record_id"], line)
                again = None if again == line else again
            pending.append((result, raw, again))
            if len(pending) >= spill.CHUNK:
                _settle(checked, pending, mapping)
                pending, first_line = [], {}
            if count % 10_000 == 0:
                note_stage(load, Load.Stage.READING, count)
                if progress:
                    progress("reading", count, None)
        _settle(checked, pending, mapping)
        checked.rows_read = count
        if progress:
            progress("reading", count, count)
        if count == 0:
            raise FileRefused("The file has a header but no data rows.")
    except BaseException:
        checked.close()
        raise
    return checked


def _again(row: CanonicalRow, raw: dict, first: int, mapping) -> Rejection:
    record_id = row.values["record_id"]
    reason = (
        f"{field_words('record_id', mapping.columns)} '{record_id}' appears again (first on line {first})."
    )
    return Rejection(row.line_number, "record_id", reason, raw, record_id, row.values["person_ref"])


def _settle(checked: Checked, pending: list, mapping) -> None:
    """One chunk, in file order: a row whose record_id came before is rejected; the rest are kept."""
    earlier = checked.keys.first_lines(
        result.values["record_id"] for result, _, _ in pending if isinstance(result, CanonicalRow)
    )
    rows = []
    for result, raw, again in pending:
        if isinstance(result, CanonicalRow):
            first = earlier.get(result.values["record_id"], again)
            if first is not None:
                result = _again(result, raw, first, mapping)
        if isinstance(result, Rejection):
            checked.rejections.append(result)
            continue
        rows.append(result)
        if result.flags:
            problems = [flag_problem(n, f, mapping.columns, raw) for n, f in result.flags.items()]
            checked.flagged.append(Flagged(result.line_number, result.values["record_id"], problems))
    checked.keys.add(rows)
    checked.rows.extend(rows)
