"""Appending to the audit log and checking that nothing in it was changed, removed or reordered.

Each event's hash is SHA-256 over the previous event's hash and the event's own fields in a fixed, canonical
form. Appends take a lock first (an advisory lock on PostgreSQL; SQLite's writes are already serial under
MAST's IMMEDIATE transactions) so two requests cannot both claim to follow the same event.
"""

import hashlib
import ipaddress
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.dispatch import Signal
from django.utils import timezone

from mast.audit.models import AuditEvent

GENESIS = "0" * 64
# Sent with `event` inside the append's transaction, so what a receiver writes (oversight's index of who saw
# whom) commits or rolls back with the event itself.
event_appended = Signal()
# An arbitrary constant naming MAST's audit-chain lock among the database's advisory locks.
_PG_LOCK_KEY = 7_305_412_009
HASHED_FIELDS = (
    "sequence",
    "at",
    "username",
    "agency",
    "role",
    "action",
    "outcome",
    "target",
    "detail",
    "purpose_code",
    "purpose_reference",
    "ip_address",
)


def _canonical(values: dict) -> bytes:
    def plain(value):
        return value.isoformat() if isinstance(value, datetime) else value

    body = {name: plain(values[name]) for name in HASHED_FIELDS}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_hash(previous_hash: str, values: dict) -> str:
    return hashlib.sha256(previous_hash.encode() + _canonical(values)).hexdigest()


@transaction.atomic
def append(
    *,
    user,
    action: str,
    outcome: str = AuditEvent.Outcome.ALLOWED,
    target: str = "",
    detail: dict | None = None,
    purpose_code: str = "",
    purpose_reference: str = "",
    ip_address: str | None = None,
) -> AuditEvent:
    """Write one event at the end of the chain, inside the caller's transaction when there is one."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
    last = AuditEvent.objects.order_by("-sequence").values("sequence", "hash").first()
    agency = getattr(user, "agency", None)
    values = {
        "sequence": (last["sequence"] + 1) if last else 1,
        # Microseconds dropped: every database stores the time the same way, so the hash reads back the same.
        "at": timezone.now().replace(microsecond=0),
        "username": getattr(user, "username", "") or "",
        "agency": agency.name if agency else "",
        "role": getattr(user, "role", "") or "",
        "action": action,
        "outcome": outcome,
        "target": target[:200],
        "detail": json.loads(json.dumps(detail or {}, default=str)),
        "purpose_code": purpose_code,
        "purpose_reference": purpose_reference,
        "ip_address": str(ipaddress.ip_address(ip_address)) if ip_address else None,
    }
    previous = last["hash"] if last else GENESIS
    event = AuditEvent(
        user=user if getattr(user, "pk", None) else None,
        previous_hash=previous,
        hash=event_hash(previous, values),
        **values,
    )
    event.save(_from_chain=True)
    event_appended.send(sender=AuditEvent, event=event)
    return event


@dataclass(frozen=True)
class Break:
    sequence: int
    problem: str


def verify(batch: int = 5000) -> Iterator[Break]:
    """Every place where the chain does not hold, in order; nothing when the log is intact."""
    previous, expected_sequence = GENESIS, 1
    fields = ("previous_hash", "hash", *HASHED_FIELDS)
    after = 0
    while True:
        rows = list(
            AuditEvent.objects.filter(sequence__gt=after).order_by("sequence").values(*fields)[:batch]
        )
        if not rows:
            return
        for row in rows:
            if row["sequence"] != expected_sequence:
                yield Break(row["sequence"], f"event {expected_sequence} is missing")
            if row["previous_hash"] != previous:
                yield Break(row["sequence"], "it does not follow from the event before it")
            if event_hash(row["previous_hash"], row) != row["hash"]:
                yield Break(row["sequence"], "its contents were changed after it was written")
            previous, expected_sequence = row["hash"], row["sequence"] + 1
        after = rows[-1]["sequence"]
