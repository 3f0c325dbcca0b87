"""The CSV files IG officers download: who looked at a person, and the audit log as filtered. Every cell goes
through feeds.safe_csv, so a search term typed as "=HYPERLINK(…)" is shown, never run."""

import io
from collections.abc import Iterable, Iterator

from mast.audit.models import AuditEvent
from mast.feeds.safe_csv import writer
from mast.oversight import words


def _lines(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    buffer = io.StringIO()
    out = writer(buffer)
    out.writerow(header)
    for row in rows:
        out.writerow(row)
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def who_viewed_csv(looks) -> Iterator[str]:
    header = ["When (UTC)", "Who", "Username", "Agency", "Role", "What", "Purpose", "Case reference",
              "Search terms", "Break-glass reason", "From address", "Audit event"]  # fmt: skip
    rows = (
        [
            look.at.isoformat(),
            look.who,
            look.username,
            look.agency,
            look.role,
            look.how,
            look.purpose,
            look.reference,
            look.terms,
            look.reason,
            look.ip_address,
            look.sequence,
        ]
        for look in looks
    )
    return _lines(header, rows)


def audit_csv(events: Iterable[AuditEvent]) -> Iterator[str]:
    header = ["Audit event", "When (UTC)", "Username", "Agency", "Role", "What", "Target", "Outcome",
              "Purpose", "Case reference", "Search terms", "From address", "Hash"]  # fmt: skip
    rows = (
        [
            e.sequence,
            e.at.isoformat(),
            e.username,
            e.agency,
            e.role,
            words.action(e.action),
            e.target,
            e.get_outcome_display(),
            words.purpose(e.purpose_code),
            e.purpose_reference,
            words.terms(e.detail) if e.action == "search_people" else "",
            e.ip_address or "",
            e.hash,
        ]
        for e in events
    )
    return _lines(header, rows)
