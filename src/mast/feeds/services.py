"""Loading a partner's file: read, validate, and apply it atomically and idempotently.

`load_file` is the one entry point. It records every attempt as a Load, archives the original file, keeps
every rejected row with its reason, and changes nothing when the same file arrives twice. It returns the ids
of partner records that are new or changed, which the caller hands to identity matching.
"""

import hashlib
import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from mast.config.paths import VAR_DIR
from mast.feeds import bulk
from mast.feeds.mapping import MappingError, load_mapping
from mast.feeds.models import Involvement, Load, PartnerRecord, RejectedRow, Source
from mast.feeds.readers import FileRefused, read_rows
from mast.feeds.validation import CanonicalRow, Rejection, RowValidator

log = logging.getLogger(__name__)

PERSON_FIELDS = (
    "given_name",
    "middle_names",
    "family_name",
    "other_names",
    "date_of_birth",
    "date_of_birth_raw",
    "sex",
    "nhs_number",
    "nhs_number_valid",
    "address_line_1",
    "address_line_2",
    "address_line_3",
    "town",
    "postcode",
    "uprn",
)
ADDRESS_FIELDS = ("address_line_1", "address_line_2", "address_line_3", "town", "postcode", "uprn")
INVOLVEMENT_FIELDS = (
    "involvement_type",
    "category",
    "start_date",
    "end_date",
    "status",
    "lead_practitioner",
    "team",
    "contact_phone",
    "contact_email",
    "restricted",
    *ADDRESS_FIELDS,
)
BATCH = 2000
Progress = Callable[[str, int, int | None], None]


@dataclass
class LoadOutcome:
    load: Load
    changed_records: list[int] = field(default_factory=list)


def archive_dir() -> Path:
    return VAR_DIR / "feeds" / "archive"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fingerprint(values: dict, names: tuple[str, ...]) -> str:
    joined = "\x1f".join("" if values.get(n) is None else str(values[n]) for n in names)
    return hashlib.blake2b(joined.encode(), digest_size=16).hexdigest()


def _archive(path: Path, source: Source, sha256: str) -> str:
    target = archive_dir() / source.code / f"{sha256}{''.join(path.suffixes)[-20:]}"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return str(target)


def load_file(
    source: Source,
    path: Path,
    *,
    user=None,
    file_name: str | None = None,
    progress: Progress | None = None,
) -> LoadOutcome:
    """Load one file for one source. Never raises for a bad file: the Load's status and message say why."""
    return run_load(queue_load(source, path, user=user, file_name=file_name), path, progress=progress)


def queue_load(source: Source, path: Path, *, user=None, file_name: str | None = None) -> Load:
    """Record a file as received, before it is loaded (an upload is loaded later by a background task)."""
    path = Path(path)
    return Load.objects.create(
        source=source, file_name=file_name or path.name, sha256=file_sha256(path), loaded_by=user
    )


def run_load(load: Load, path: Path, *, progress: Progress | None = None) -> LoadOutcome:
    path, source = Path(path), load.source
    load.status = Load.Status.RUNNING
    already = (
        Load.objects.filter(source=source, sha256=load.sha256, status=Load.Status.LOADED)
        .exclude(pk=load.pk)
        .first()
    )
    if already:
        return _finish(
            load, Load.Status.UNCHANGED, f"This file was already loaded on {already.started_at:%d %b %Y}."
        )
    load.archive_path = _archive(path, source, load.sha256)
    load.save(update_fields=["status", "archive_path"])
    started = time.monotonic()
    try:
        mapping = load_mapping(source.mapping)
        rows, rejections = _validate(path, mapping, load, progress)
        note_stage(load, Load.Stage.WRITING)
        with transaction.atomic():
            changed = _apply(source, load, rows, rejections, progress)
            _finish(load, Load.Status.LOADED, f"Loaded in {time.monotonic() - started:.1f} s.")
    except (FileRefused, MappingError) as exc:
        return _finish(load, Load.Status.REFUSED, str(exc))
    except Exception as exc:
        log.exception("load %s of source %s failed", load.pk, source.code)
        load.rows_loaded = load.rows_flagged = load.rows_rejected = load.records_removed = 0
        _finish(load, Load.Status.FAILED, f"The load failed and nothing was changed ({type(exc).__name__}).")
        raise
    return LoadOutcome(load, changed)


def _finish(load: Load, status: str, message: str) -> LoadOutcome:
    load.status, load.message, load.finished_at = status, message, timezone.now()
    load.stage = Load.Stage.DONE
    load.save()
    return LoadOutcome(load)


def note_stage(load: Load, stage: str, rows: int | None = None) -> None:
    """Record how far a load has got, committed at once so the feed owner's page can show it."""
    load.stage = stage
    changes = {"stage": stage}
    if rows is not None:
        load.progress_rows = changes["progress_rows"] = rows
    Load.objects.filter(pk=load.pk).update(**changes)


def _validate(path, mapping, load, progress) -> tuple[list[CanonicalRow], list[Rejection]]:
    validator = RowValidator(mapping, timezone.localdate())
    note_stage(load, Load.Stage.READING, 0)
    _, raw_rows = read_rows(path, mapping)
    rows: list[CanonicalRow] = []
    rejections: list[Rejection] = []
    first_line: dict[str, int] = {}
    for count, (line, raw) in enumerate(raw_rows, start=1):
        result = validator.validate(line, raw)
        if isinstance(result, CanonicalRow):
            record_id = result.values["record_id"]
            if record_id in first_line:
                reason = f"record_id {record_id} appears again (first on line {first_line[record_id]})."
                result = Rejection(line, "record_id", reason, raw)
            else:
                first_line[record_id] = line
        (rows if isinstance(result, CanonicalRow) else rejections).append(result)
        if count % 10_000 == 0:
            note_stage(load, Load.Stage.READING, count)
            if progress:
                progress("reading", count, None)
    load.rows_read = len(rows) + len(rejections)
    if load.rows_read == 0:
        raise FileRefused("The file has a header but no data rows.")
    load.rows_rejected = len(rejections)
    load.rows_flagged = sum(1 for r in rows if r.flags)
    return rows, rejections


def _apply(source, load, rows, rejections, progress) -> list[int]:
    RejectedRow.objects.bulk_create(
        (
            RejectedRow(load=load, line_number=r.line_number, field=r.field, reason=r.reason, raw=r.raw)
            for r in rejections
        ),
        batch_size=BATCH,
    )
    people = _latest_row_per_person(rows)
    record_ids, changed = _upsert_partner_records(source, load, people, progress)
    _upsert_involvements(source, load, rows, record_ids, progress)
    if source.mode == Source.Mode.SNAPSHOT:
        load.records_removed = _remove_absent(
            source, load, {r.values["record_id"] for r in rows}, set(people)
        )
    load.rows_loaded = len(rows)
    return changed


def _latest_row_per_person(rows: list[CanonicalRow]) -> dict[str, CanonicalRow]:
    """A person's details come from their most recent involvement (the address they live at now)."""
    latest: dict[str, CanonicalRow] = {}
    for row in rows:
        ref = row.values["person_ref"]
        current = latest.get(ref)
        if current is None or row.values["start_date"] >= current.values["start_date"]:
            latest[ref] = row
    return latest


def _person_flags(row: CanonicalRow) -> dict[str, str]:
    return {k: v for k, v in row.flags.items() if k in PERSON_FIELDS or k in ("given_name", "family_name")}


def _upsert_partner_records(source, load, people, progress) -> tuple[dict[str, int], list[int]]:
    existing = {
        ref: (pk, digest, removed)
        for ref, pk, digest, removed in PartnerRecord.objects.filter(source=source).values_list(
            "person_ref", "pk", "content_hash", "removed_at"
        )
    }
    now = timezone.now()
    changing = (*PERSON_FIELDS, "flags", "content_hash", "changed_load", "removed_at", "updated_at")
    new, updated = [], []
    for ref, row in people.items():
        flags = _person_flags(row)
        values = [row.values[name] for name in PERSON_FIELDS]
        digest = _fingerprint(
            {**dict(zip(PERSON_FIELDS, values, strict=True)), "flags": flags}, (*PERSON_FIELDS, "flags")
        )
        changed_values = [*values, flags, digest, load.pk, None, now]
        if ref not in existing:
            new.append([source.pk, ref, load.pk, *changed_values])
        else:
            pk, old_digest, removed = existing[ref]
            if old_digest != digest or removed is not None:
                updated.append([*changed_values, pk])
    bulk.insert_rows(PartnerRecord, ("source", "person_ref", "first_load", *changing), new)
    bulk.update_rows(PartnerRecord, changing, updated)
    if progress:
        progress("people", len(people), len(people))
    ids = {ref: value[0] for ref, value in existing.items()}
    new_refs = {row[1] for row in new}
    new_ids = []
    if new_refs:
        for ref, pk in PartnerRecord.objects.filter(source=source, first_load=load).values_list(
            "person_ref", "pk"
        ):
            ids[ref] = pk
            new_ids.append(pk)
    return ids, new_ids + [row[-1] for row in updated]


def _upsert_involvements(source, load, rows, record_ids, progress) -> None:
    existing = {
        rid: (pk, digest, removed)
        for rid, pk, digest, removed in Involvement.objects.filter(source=source).values_list(
            "record_id", "pk", "content_hash", "removed_at"
        )
    }
    changing = (*INVOLVEMENT_FIELDS, "partner_record", "flags", "content_hash", "changed_load", "removed_at")
    new, updated = [], []
    for count, row in enumerate(rows, start=1):
        values = [row.values[name] for name in INVOLVEMENT_FIELDS]
        flags = {k: v for k, v in row.flags.items() if k not in PERSON_FIELDS}
        partner_record_id = record_ids[row.values["person_ref"]]
        digest = _fingerprint(
            {
                **dict(zip(INVOLVEMENT_FIELDS, values, strict=True)),
                "flags": flags,
                "person": partner_record_id,
            },
            (*INVOLVEMENT_FIELDS, "flags", "person"),
        )
        changed_values = [*values, partner_record_id, flags, digest, load.pk, None]
        rid = row.values["record_id"]
        if rid not in existing:
            new.append([source.pk, rid, load.pk, *changed_values])
        else:
            pk, old_digest, removed = existing[rid]
            if old_digest != digest or removed is not None:
                updated.append([*changed_values, pk])
        if progress and count % 10_000 == 0:
            progress("involvements", count, len(rows))
    bulk.insert_rows(Involvement, ("source", "record_id", "first_load", *changing), new)
    bulk.update_rows(Involvement, changing, updated)


def _remove_absent(source, load, record_ids: set[str], person_refs: set[str]) -> int:
    """A snapshot is the partner's whole truth: what it no longer contains is marked removed, not deleted,
    so links and audit history stay explainable until retention purges them."""
    now = timezone.now()
    gone = [
        pk
        for pk, rid in Involvement.objects.filter(source=source, removed_at__isnull=True).values_list(
            "pk", "record_id"
        )
        if rid not in record_ids
    ]
    for start in range(0, len(gone), BATCH):
        Involvement.objects.filter(pk__in=gone[start : start + BATCH]).update(
            removed_at=now, changed_load=load
        )
    absent = [
        pk
        for pk, ref in PartnerRecord.objects.filter(source=source, removed_at__isnull=True).values_list(
            "pk", "person_ref"
        )
        if ref not in person_refs
    ]
    for start in range(0, len(absent), BATCH):
        PartnerRecord.objects.filter(pk__in=absent[start : start + BATCH]).update(
            removed_at=now, changed_load=load
        )
    return len(gone)


def source_for_mapping(mapping_name: str) -> Source:
    """The Source (and its Agency) described by a mapping file, created on first use."""
    from mast.access.models import Agency

    mapping = load_mapping(mapping_name)
    agency, _ = Agency.objects.update_or_create(
        code=mapping.agency.code,
        defaults={
            "name": mapping.agency.name,
            "kind": mapping.agency.kind,
            "contact_point": mapping.agency.contact_point,
        },
    )
    source, _ = Source.objects.update_or_create(
        code=mapping.source_code,
        defaults={
            "name": mapping.source_name,
            "agency": agency,
            "system": mapping.system,
            "mapping": mapping.name,
            "mode": mapping.mode,
        },
    )
    return source
