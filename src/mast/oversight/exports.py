"""The CSV files IG officers download: who looked at a person, their subject-access pack, who looked at an
agency's records, and the audit log as filtered. Every cell goes
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


def look_details(look) -> str:
    said = [("Purpose", look.purpose), ("Case reference", look.reference), ("Search terms", look.terms),
            ("Break-glass reason", look.reason), ("Audit event", look.sequence)]  # fmt: skip
    return "; ".join(f"{name}: {value}" for name, value in said if value not in ("", None))


def subject_access_csv(pack) -> Iterator[str]:
    """One table: what is held (records, involvements, requests, alerts, oversight), then every time they
    were shown to someone, newest first. Restricted records are marked for the IG officer's redaction."""
    header = ["Part", "When", "Agency", "What", "Details", "Restricted by the agency"]
    held = (
        [line.part, line.when.isoformat() if line.when else "", line.agency, line.what,
         "; ".join(f"{name}: {value}" for name, value in line.details), "Yes" if line.restricted else ""]
        for line in pack.held
    )  # fmt: skip
    looks = (
        ["Shown to someone", look.at.isoformat(), look.agency, f"{look.how}: {look.who} ({look.role})",
         look_details(look), ""]
        for look in pack.looks
    )  # fmt: skip
    return _lines(header, (row for rows in (held, looks) for row in rows))


def agency_looks_csv(looks) -> Iterator[str]:
    """Who (in other agencies, and in this one) was shown the people an agency holds records of."""
    header = ["When (UTC)", "Person (MAST id)", "Who", "Username", "Agency", "Role", "What", "Purpose",
              "Case reference", "Break-glass reason", "Audit event"]  # fmt: skip
    rows = (
        [look.at.isoformat(), look.subject, look.who, look.username, look.agency, look.role, look.how,
         look.purpose, look.reference, look.reason, look.sequence]
        for look in looks
    )  # fmt: skip
    return _lines(header, rows)
