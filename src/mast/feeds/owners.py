"""What a feed owner sees of their partner's feeds: its loads, their outcomes, and the rows MAST refused.

A feed owner sees only the sources they own. Rejected rows are the partner's own data, shown back to the
partner so they can fix it at source; nobody else is shown them.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from mast.feeds import safe_csv
from mast.feeds.models import Load, RejectedRow, Source

RUNNING = (Load.Status.QUEUED, Load.Status.RUNNING)


def owned_sources(user) -> QuerySet[Source]:
    return (
        user.owned_sources.select_related("agency").order_by("name")
        if user.is_authenticated
        else Source.objects.none()
    )


def loads_for(user) -> QuerySet[Load]:
    return (
        Load.objects.filter(source__in=owned_sources(user))
        .select_related("source", "loaded_by")
        .order_by("-started_at", "-pk")
    )


def load_for(user, pk: int) -> Load:
    """The load, if this user owns its source; a load of someone else's source is refused, not hidden."""
    load = get_object_or_404(Load.objects.select_related("source", "loaded_by"), pk=pk)
    if not load.source.owners.filter(pk=user.pk).exists():
        raise PermissionDenied("Only the owners of a feed can see its loads.")
    return load


def source_for(user, code: str) -> Source:
    source = owned_sources(user).filter(code=code).first()
    if source is None:
        raise PermissionDenied("You can upload files only for the feeds you own.")
    return source


@dataclass(frozen=True)
class LoadProgress:
    """What the feed owner's page shows while a load runs and after it ends."""

    running: bool
    stage: str
    rows: int
    summary: str


def progress(load: Load) -> LoadProgress:
    running = load.status in RUNNING
    if load.status == Load.Status.QUEUED:
        summary = "Waiting for the background worker to start the load."
    elif running:
        summary = f"{load.get_stage_display()}: {load.progress_rows:,} rows so far."
    else:
        summary = load.message or load.get_status_display()
    return LoadProgress(running, load.get_stage_display(), load.progress_rows, summary)


def rejected_columns(rows: Iterable[RejectedRow]) -> list[str]:
    """The partner's own columns, in the order they first appear, so the download looks like their file."""
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row.raw))
    return list(columns)


def rejected_rows_csv(load: Load) -> Iterator[str]:
    """The rejected rows as CSV lines: where and why each was refused, then the row as the partner sent it."""
    rows = load.rejected_rows.order_by("line_number")
    # Two passes over the database rather than one in memory: a bad file can bring a million rejects.
    columns = rejected_columns(r for r in rows.only("raw").iterator(chunk_size=2000))
    buffer = _LineBuffer()
    writer = safe_csv.writer(buffer)
    writer.writerow(["line_number", "field", "reason", *columns])
    yield buffer.take()
    for row in rows.iterator(chunk_size=2000):
        writer.writerow([row.line_number, row.field, row.reason, *(row.raw.get(c) for c in columns)])
        yield buffer.take()


class _LineBuffer:
    def __init__(self):
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def take(self) -> str:
        text, self.text = self.text, ""
        return text


def flagged_rows_csv(load: Load) -> Iterator[str]:
    """Rows loaded with a field flagged: where, which record, and each problem in plain words, one a line."""
    buffer = _LineBuffer()
    writer = safe_csv.writer(buffer)
    writer.writerow(["line_number", "record_id", "problem"])
    yield buffer.take()
    for row in load.flagged_rows.order_by("line_number").iterator(chunk_size=2000):
        for problem in row.problems:
            writer.writerow([row.line_number, row.record_id, problem])
        yield buffer.take()
