"""The hand-over from feeds to identity: load a partner's file, then match the records it brought.

Feeds knows nothing of identity (data flows one way), so the pipeline lives here, above both. The command
line (`mast load`), the feed owner's upload task and the demo all come through `ingest_file`.
"""

from dataclasses import dataclass
from pathlib import Path

from mast.feeds.models import Load, Source
from mast.feeds.services import Progress, load_file
from mast.identity.services import MatchSummary, match_records


@dataclass(frozen=True)
class IngestResult:
    load: Load
    matching: MatchSummary | None


def ingest_file(
    source: Source, path: Path, *, user=None, file_name: str | None = None, progress: Progress | None = None
) -> IngestResult:
    outcome = load_file(source, path, user=user, file_name=file_name, progress=progress)
    if outcome.load.status != Load.Status.LOADED:
        return IngestResult(outcome.load, None)
    return IngestResult(outcome.load, match_records(outcome.changed_records))
