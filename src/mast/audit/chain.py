"""Appending to the audit log and checking that nothing in it was changed, removed or reordered.

Each event's hash is SHA-256 over the previous event's hash and the event's own fields in a fixed, canonical
form. The fields that say whom and what about (target, detail, case reference, IP address) are hashed through
a seal: SHA-256 over a random salt kept with the event and those fields. So the retention purge can redact
them (mast.audit.redaction: fields emptied, salt dropped, seal kept) and the chain still verifies, while an
unredacted event is still checked field by field (ADR 0026). Events written before seals (no `sealed`) are
hashed over every field, as they always were.

Appends take a lock first (an advisory lock on PostgreSQL; SQLite's writes are already serial under MAST's
IMMEDIATE transactions) so two requests cannot both claim to follow the same event.
"""

import hashlib
import ipaddress
import json
import secrets
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

# What the purge may redact: whom and what an event was about. Who did it, when, what kind of thing and for
# which purpose stay, so the log still answers "who was doing what, and why" after 36 months.
PERSONAL_FIELDS = ("target", "detail", "purpose_reference", "ip_address")
PUBLIC_FIELDS = tuple(name for name in HASHED_FIELDS if name not in PERSONAL_FIELDS)


def _plain(value):
    return value.isoformat() if isinstance(value, datetime) else value


def _json(body: dict) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def seal(salt: str, values: dict) -> str:
    """The digest of an event's personal fields that its hash covers in their place. The salt makes it a
    commitment: without it (dropped at redaction) the seal cannot be used to guess what was searched for."""
    return hashlib.sha256(salt.encode() + _json({n: _plain(values[n]) for n in PERSONAL_FIELDS})).hexdigest()


def event_hash(previous_hash: str, values: dict) -> str:
    if values.get("sealed"):
        body = {**{n: _plain(values[n]) for n in PUBLIC_FIELDS}, "sealed": values["sealed"]}
    else:
        body = {n: _plain(values[n]) for n in HASHED_FIELDS}
    return hashlib.sha256(previous_hash.encode() + _json(body)).hexdigest()


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
    salt = secrets.token_hex(16)
    values["sealed"] = seal(salt, values)
    event = AuditEvent(
        user=user if getattr(user, "pk", None) else None,
        previous_hash=previous,
        hash=event_hash(previous, values),
        salt=salt,
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
    fields = ("previous_hash", "hash", "sealed", "salt", "redacted_at", *HASHED_FIELDS)
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
            # A redacted event's personal fields are gone by design: its seal stands for them.
            live = row["sealed"] and not row["redacted_at"]
            if (live and seal(row["salt"] or "", row) != row["sealed"]) or event_hash(
                row["previous_hash"], row
            ) != row["hash"]:
                yield Break(row["sequence"], "its contents were changed after it was written")
            previous, expected_sequence = row["hash"], row["sequence"] + 1
        after = rows[-1]["sequence"]
