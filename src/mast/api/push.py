"""Records pushed by a partner's system as they happen, through the same load as a file.

A push is written, exactly as received, to a JSON-lines file of canonical field names and loaded by the
same pipeline as the partner's nightly file (identity.intake): the same row validation with the same reasons,
rejected records kept for the feed owner (and the record's last good version kept on show), the push archived,
recorded as a load that can be undone, its people matched in the load's transaction, alerts raised after.
What differs is only what a push means: changes only (nothing it leaves out is removed), in the canonical
format with ISO dates, and never held — a partner's system cannot answer "are you sure?", so the records
that fail are refused one by one and the rest applied (ADR 0014).
"""

import dataclasses
import hashlib
import json
import logging
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError, transaction

from mast.api.keys import KeyHolder
from mast.api.models import PushReceipt
from mast.audit import chain
from mast.canonical import CATEGORIES, FIELD_NAMES, SEXES, STATUSES
from mast.config.paths import private_dir
from mast.feeds.mapping import Guard, Mapping, MappingError, load_mapping
from mast.feeds.models import Load, Source
from mast.feeds.services import queue_load
from mast.feeds.withdrawal import NotHeld
from mast.ingest import intake
from mast.ingest.queue import incoming_dir

log = logging.getLogger(__name__)
MAX_BATCH = 1000
# Nothing a push leaves out is removed, and a push with bad records applies the good ones: never held.
NEVER_HOLD = Guard(max_removed_share=1.0, max_removed=2**31, max_rejected_share=1.0)


class PushUnavailable(RuntimeError):
    """The source's mapping cannot be read, so its records cannot be checked: nothing is loaded."""


class IdempotencyConflict(ValueError):
    """The Idempotency-Key was used before with a different body."""


@dataclass(frozen=True)
class PushAnswer:
    status_code: int
    body: dict
    replayed: bool = False


def push_mapping(source: Source) -> Mapping:
    """The source's own mapping, reading canonical field names, ISO dates and canonical codes instead of the
    partner's export. Involvement types are the partner's own labels, as in its file, or a shared category
    code."""
    base = load_mapping(source.mapping)
    return dataclasses.replace(
        base,
        name=f"{base.name} (partner API)",
        mode="delta",
        format="jsonl",
        encoding="utf-8",
        date_formats=("%Y-%m-%d",),
        columns={name: name for name in FIELD_NAMES},
        values={
            "involvement_type": {
                **{code: code for code in CATEGORIES},
                **base.values.get("involvement_type", {}),
            },
            "sex": {s: s for s in SEXES},
            "status": {s: s for s in STATUSES},
        },
        guard=NEVER_HOLD,
    )


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _write_push(records: list[dict]) -> Path:
    private_dir(incoming_dir())
    path = incoming_dir() / f"push-{uuid.uuid4().hex}.jsonl"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        for record in records:
            line = {name: _as_text(record.get(name)) for name in FIELD_NAMES}
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    return path


def body_digest(records: list[dict]) -> str:
    return hashlib.sha256(json.dumps(records, sort_keys=True, default=str).encode()).hexdigest()


def push_records(holder: KeyHolder, records: list[dict], idempotency_key: str = "") -> PushAnswer:
    """Load these records for the key's source. With an Idempotency-Key, the same key and body again get
    the first answer and change nothing; the same key with another body is refused."""
    key = holder.key
    digest = body_digest(records)
    if idempotency_key:
        earlier = PushReceipt.objects.filter(api_key=key, idempotency_key=idempotency_key).first()
        if earlier is not None:
            return _replay(earlier, digest)
    try:
        mapping = push_mapping(key.source)
    except MappingError as exc:
        log.error("push refused for source %s: its mapping cannot be read", key.source.code)
        raise PushUnavailable(
            "Your feed's mapping cannot be read, so MAST cannot check records for it. Nothing was loaded: "
            "tell your feed owner."
        ) from exc
    path = _write_push(records)
    try:
        load = queue_load(
            key.source,
            path,
            file_name=f"Partner API push: {len(records)} record(s) (key {key.key_id})",
            pushed=True,
        )
        result = intake.ingest_queued(load, path, mapping=mapping)
    finally:
        path.unlink(missing_ok=True)  # the load archived its own copy
    answer = _answer(result.load)
    chain.append(
        user=holder,
        action="api_push",
        target=f"load:{result.load.pk}",
        detail={"api_key": key.key_id, "source": key.source.code, **_counts(result.load)},
        purpose_code="partner_api",
    )
    if idempotency_key:
        try:
            with transaction.atomic():
                PushReceipt.objects.create(
                    api_key=key,
                    idempotency_key=idempotency_key,
                    body_sha256=digest,
                    load=result.load,
                    status_code=answer.status_code,
                    response=answer.body,
                )
        except IntegrityError:  # the same key sent twice at once: the first to finish is the answer
            return _replay(PushReceipt.objects.get(api_key=key, idempotency_key=idempotency_key), digest)
    return answer


def _replay(receipt: PushReceipt, digest: str) -> PushAnswer:
    if receipt.body_sha256 != digest:
        raise IdempotencyConflict(
            "This Idempotency-Key was used before with different records. Use a new key for new records."
        )
    return PushAnswer(receipt.status_code, receipt.response, replayed=True)


def _counts(load: Load) -> dict:
    return {
        "status": load.status,
        "records_received": load.rows_read,
        "records_loaded": load.rows_loaded,
        "records_flagged": load.rows_flagged,
        "records_rejected": load.rows_rejected,
    }


def _answer(load: Load) -> PushAnswer:
    """What the partner's system is told: every refused record with its reason (the same words as a file's
    rejected row), every flagged field, and the load that holds them for the feed owner."""
    body = {
        "load": load.pk,
        **_counts(load),
        "message": load.message,
        "rejected": [
            {"record": r.line_number, "record_id": r.record_id, "field": r.field, "reason": r.reason}
            for r in load.rejected_rows.order_by("line_number")
        ],
        "flagged": [
            {"record": f.line_number, "record_id": f.record_id, "problems": f.problems}
            for f in load.flagged_rows.order_by("line_number")
        ],
    }
    if (load.status == Load.Status.LOADED and load.rows_loaded) or load.status == Load.Status.UNCHANGED:
        return PushAnswer(200, body)
    # Nothing of it could be applied: every record refused, or the push unreadable.
    return PushAnswer(422, body)


def withdraw_record(holder: KeyHolder, record_id: str) -> Load:
    """Withdraw one record of the key's source. Raises NotHeld when the source holds no such live record."""
    key = holder.key
    try:
        label = f"Partner API withdrawal (key {key.key_id})"
        load = intake.withdraw_record(key.source, record_id, label=label).load
    except NotHeld:
        chain.append(
            user=holder,
            action="api_withdraw",
            outcome="denied",
            target=f"source:{key.source.code}",
            detail={"api_key": key.key_id, "refused": "no such record"},
            purpose_code="partner_api",
        )
        raise
    chain.append(
        user=holder,
        action="api_withdraw",
        target=f"load:{load.pk}",
        detail={"api_key": key.key_id, "source": key.source.code, "record_id": record_id},
        purpose_code="partner_api",
    )
    return load
