"""Signed checkpoints of the audit chain, kept outside the database, so that a log which still chains is also
known to be the whole log.

A hash chain alone catches an edited event, but not someone who deletes the newest events, or who edits an
event and recomputes every hash after it: the shorter or rewritten chain still holds together. A checkpoint
is a small JSON file stating "event N had hash H" (the head when it was written), plus *anchors* (the hash of
every ANCHOR_EVERY-th event since the last checkpoint), signed with an HMAC key that only the operator's
environment holds (MAST_AUDIT_CHECKPOINT_KEY) and written, never overwritten, to a directory the operator
places outside the database's reach (MAST_AUDIT_CHECKPOINT_DIR: another disk, a mounted object store, a
write-once bucket). Someone who can change the database but not that directory, or not the key, cannot make
the log agree with the checkpoints again (Crosby & Wallach 2009; RFC 6962's signed tree heads).

An anchor lets `verify_against_checkpoints` narrow a rewritten chain to the first stretch of ANCHOR_EVERY
events where the database and the checkpoints disagree; within that stretch every hash was recomputed to
look consistent, so no check of the database alone could say which event it was.
"""

import hashlib
import hmac
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from mast.audit.chain import Break
from mast.audit.models import AuditEvent

ANCHOR_EVERY = 1000
FORMAT = "mast-audit-checkpoint/1"
MIN_KEY_LENGTH = 32


@dataclass(frozen=True)
class Checkpoint:
    sequence: int
    hash: str
    written_at: str
    # sequence -> hash of every ANCHOR_EVERY-th event after the previous checkpoint (and up to this one).
    anchors: dict[int, str] = field(default_factory=dict)
    format: str = FORMAT

    def payload(self) -> bytes:
        body = asdict(self)
        body["anchors"] = {str(k): v for k, v in sorted(self.anchors.items())}
        return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


class CheckpointProblem(Exception):
    """A checkpoint cannot be written or trusted (no key, no directory, a signature that does not match)."""


def key() -> bytes:
    value = getattr(settings, "MAST_AUDIT_CHECKPOINT_KEY", "") or ""
    if len(value) < MIN_KEY_LENGTH:
        raise ImproperlyConfigured(
            f"Set MAST_AUDIT_CHECKPOINT_KEY to a secret of at least {MIN_KEY_LENGTH} characters (for "
            "example the output of `python -c 'import secrets; print(secrets.token_urlsafe(48))'`); keep it "
            "out of the database and its backups."
        )
    return value.encode()


def directory() -> Path:
    path = Path(settings.MAST_AUDIT_CHECKPOINT_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def sign(checkpoint: Checkpoint, secret: bytes) -> str:
    return hmac.new(secret, checkpoint.payload(), hashlib.sha256).hexdigest()


def write(now: datetime | None = None) -> Checkpoint | None:
    """Sign the chain's head as it is now and write it as a new file; None when the log is empty."""
    secret, where = key(), directory()
    head = AuditEvent.objects.order_by("-sequence").values("sequence", "hash").first()
    if head is None:
        return None
    previous = max((c.sequence for c, _ in _read_all(where, secret)), default=0)
    first_anchor = (previous // ANCHOR_EVERY + 1) * ANCHOR_EVERY
    anchors = dict(
        AuditEvent.objects.filter(
            sequence__in=range(first_anchor, head["sequence"] + 1, ANCHOR_EVERY)
        ).values_list("sequence", "hash")
    )
    checkpoint = Checkpoint(
        sequence=head["sequence"],
        hash=head["hash"],
        written_at=(now or datetime.now(UTC)).isoformat(timespec="seconds"),
        anchors=anchors,
    )
    body = json.loads(checkpoint.payload())
    body["signature"] = sign(checkpoint, secret)
    name = where / f"checkpoint-{checkpoint.sequence:012d}-{checkpoint.written_at.replace(':', '')}.json"
    # "x": never overwrite a checkpoint, even one with the same head written in the same second.
    try:
        with open(name, "x", encoding="utf-8") as out:
            json.dump(body, out, indent=1, sort_keys=True)
            out.flush()
            os.fsync(out.fileno())
    except FileExistsError:
        return checkpoint
    return checkpoint


def _read_all(where: Path, secret: bytes) -> Iterator[tuple[Checkpoint, Path]]:
    """Every checkpoint file, its signature checked; a file that fails the check is a problem, not skipped."""
    for path in sorted(where.glob("checkpoint-*.json")):
        try:
            body = json.loads(path.read_text(encoding="utf-8"))
            signature = body.pop("signature")
            checkpoint = Checkpoint(
                sequence=int(body["sequence"]),
                hash=str(body["hash"]),
                written_at=str(body["written_at"]),
                anchors={int(k): str(v) for k, v in body.get("anchors", {}).items()},
                format=str(body.get("format", "")),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise CheckpointProblem(f"{path.name} is not a MAST audit checkpoint ({error}).") from None
        if checkpoint.format != FORMAT or not hmac.compare_digest(signature, sign(checkpoint, secret)):
            raise CheckpointProblem(
                f"{path.name}'s signature does not match: it was altered, or signed with another key."
            )
        yield checkpoint, path


def read_all() -> list[Checkpoint]:
    """Every checkpoint written, oldest first; the key is needed only once there is one to check."""
    where = Path(settings.MAST_AUDIT_CHECKPOINT_DIR)
    if not where.is_dir() or not any(where.glob("checkpoint-*.json")):
        return []
    return sorted((c for c, _ in _read_all(where, key())), key=lambda c: c.sequence)


def verify_against_checkpoints(checkpoints: list[Checkpoint]) -> list[Break]:
    """Where the database disagrees with what the checkpoints saw: events missing from the end, or a hash
    that is not the one signed (an edit whose later hashes were recomputed). The first problem only: after a
    rewrite every later anchor disagrees too, and repeating it says nothing new."""
    if not checkpoints:
        return []
    signed: dict[int, tuple[str, str]] = {}
    for checkpoint in checkpoints:
        for sequence, value in checkpoint.anchors.items():
            signed[sequence] = (value, checkpoint.written_at)
        signed[checkpoint.sequence] = (checkpoint.hash, checkpoint.written_at)
    held = dict(AuditEvent.objects.filter(sequence__in=list(signed)).values_list("sequence", "hash"))
    last_good = 0
    for sequence in sorted(signed):
        value, written_at = signed[sequence]
        if sequence not in held:
            last = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0
            # Reported at the first event missing, not the checkpoint's: that is where the log stops.
            return [
                Break(
                    last + 1,
                    f"it is missing, and the checkpoint of {written_at} saw the log reach event "
                    f"{sequence:,}: events after {last:,} were deleted (or the log was replaced)",
                )
            ]
        if held[sequence] != value:
            return [
                Break(
                    sequence,
                    f"its hash is not the one signed in the checkpoint of {written_at}: an event after "
                    f"{last_good:,} and no later than {sequence:,} was changed and the hashes after it "
                    "recomputed",
                )
            ]
        last_good = sequence
    return []
