"""Loading a partner's file: read, validate, and apply it atomically and idempotently.

`load_file` is the one entry point. It records every attempt as a Load, archives the original file, keeps
every rejected row with its reason, and changes nothing when the same file arrives twice. It returns the ids
of partner records that are new or changed, which the caller hands to identity matching.
"""

import hashlib
import logging
import os
import shutil
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from mast.access.models import Agency
from mast.audit import chain
from mast.config.paths import VAR_DIR, private_dir, private_file
from mast.feeds import guard
from mast.feeds.checking import Checked, check_file
from mast.feeds.mapping import Mapping, MappingError, load_mapping
from mast.feeds.models import Load, Source
from mast.feeds.plan import make_plan
from mast.feeds.readers import FileRefused
from mast.feeds.sharing import dropped_note, within_agreement
from mast.feeds.undo import forget_older_than_undoable
from mast.feeds.writing import write_flagged, write_plan, write_rejections

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int | None], None]
# Run inside the load's transaction once its records are written (identity matching, from ingest.intake):
# what it writes is committed with the load, or not at all.
AfterWrite = Callable[[Load, list[int]], None]


@dataclass
class LoadOutcome:
    load: Load
    changed_records: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Confirmation:
    """Who confirmed that a held load may be applied, and how: audited when it is applied."""

    user: object = None
    how: str = "command line (mast load --confirm-removals)"


def archive_dir() -> Path:
    return VAR_DIR / "feeds" / "archive"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _archive(path: Path, source: Source, sha256: str) -> str:
    target = archive_dir() / source.code / f"{sha256}{''.join(path.suffixes)[-20:]}"
    if not target.exists():
        private_dir(target.parent)
        partial = target.with_suffix(".partial")
        shutil.copyfile(path, partial)
        private_file(partial).replace(target)
    return str(target)


def load_file(
    source: Source,
    path: Path,
    *,
    user=None,
    file_name: str | None = None,
    progress: Progress | None = None,
    confirmed: Confirmation | None = None,
) -> LoadOutcome:
    """Load one file for one source. Never raises for a bad file: the Load's status and message say why.
    A file the source's guard would hold is applied only when `confirmed` says who confirmed it."""
    load = queue_load(source, path, user=user, file_name=file_name)
    return run_load(load, path, progress=progress, confirmed=confirmed)


def queue_load(
    source: Source, path: Path, *, user=None, file_name: str | None = None, pushed: bool = False
) -> Load:
    """Record a file as received, before it is loaded (an upload is loaded later by a background task).
    `pushed`: the records came through the partner API (see feeds/undo.py)."""
    path = Path(path)
    return Load.objects.create(
        source=source,
        file_name=file_name or path.name,
        sha256=file_sha256(path),
        loaded_by=user,
        pushed=pushed,
    )


def run_load(
    load: Load,
    path: Path,
    *,
    progress: Progress | None = None,
    confirmed: Confirmation | None = None,
    after_write: AfterWrite | None = None,
    mapping: Mapping | None = None,
) -> LoadOutcome:
    """Read, check and apply one file, all or nothing: everything it writes (and whatever `after_write`
    writes) is in one transaction, so a load that fails or is killed part-way changes nothing.

    `mapping` reads the file otherwise than the source's own mapping says (records pushed through the
    partner API come in the canonical format, as changes only: api/push.py)."""
    recover_stopped_loads()
    path, source = Path(path), load.source
    load.status = Load.Status.RUNNING
    load.worker = _this_worker()
    # Only the latest applied file counts: the same file as an older one, sent after others, is news again.
    already = (
        Load.objects.filter(source=source, kind=Load.Kind.RECORDS, status=Load.Status.LOADED)
        .exclude(pk=load.pk)
        .order_by("-pk")
        .first()
    )
    if already and already.sha256 == load.sha256:
        return _finish(
            load, Load.Status.UNCHANGED, f"This file was already loaded on {already.started_at:%d %b %Y}."
        )
    load.archive_path = _archive(path, source, load.sha256)
    load.save(update_fields=["status", "archive_path", "worker"])
    started = time.monotonic()
    checked = None
    try:
        mapping, dropped = within_agreement(mapping or load_mapping(source.mapping), source.agency)
        checked = check_file(path, mapping, load, progress, note_stage)
        load.rows_read = checked.rows_read
        load.rows_rejected = checked.rejections.count
        load.rows_flagged = checked.flagged.count
        snapshot = source.mode == Source.Mode.SNAPSHOT and mapping.mode == Source.Mode.SNAPSHOT
        plan = make_plan(source, checked.rows, checked.keys, checked.rejections, snapshot=snapshot)
        reasons = guard.reasons_to_hold(mapping.guard, plan, load.rows_read, load.rows_rejected)
        load.records_removed = len(plan.removed_involvements)
        load.records_kept = len(plan.kept_involvements)
        if reasons and confirmed is None:
            with transaction.atomic():
                write_flagged(load, checked.flagged)
                return _hold(load, plan, checked, reasons)
        note_stage(load, Load.Stage.WRITING)
        with transaction.atomic():
            write_rejections(load, checked.rejections, plan.kept_lines)
            write_flagged(load, checked.flagged)
            changed = write_plan(source, load, plan, checked.rows, checked.keys, progress)
            load.rows_loaded = checked.rows.count
            if after_write:
                after_write(load, changed)
            if reasons:
                _audit(load, "apply_held_feed_load", confirmed.user, {"confirmed_by": confirmed.how})
            _finish(
                load,
                Load.Status.LOADED,
                f"Loaded in {time.monotonic() - started:.1f} s.{dropped_note(dropped)}",
            )
            forget_older_than_undoable(source)
    except (FileRefused, MappingError) as exc:
        return _finish(load, Load.Status.REFUSED, str(exc))
    except Exception as exc:
        log.exception("load %s of source %s failed", load.pk, source.code)
        load.rows_loaded = load.rows_flagged = load.rows_rejected = load.records_removed = 0
        load.records_kept = 0
        _finish(load, Load.Status.FAILED, f"The load failed and nothing was changed ({type(exc).__name__}).")
        raise
    finally:
        if checked is not None:
            checked.close()
    return LoadOutcome(load, changed)


def _this_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


def recover_stopped_loads() -> int:
    """Mark failed the loads whose process ended without finishing them (killed, out of memory, the machine
    restarted). Their transaction never committed, so nothing of them was applied; they only still say
    "running". Only loads run on this machine can be judged; returns how many were marked."""
    host = socket.gethostname()
    stopped = []
    for pk, worker in (
        Load.objects.filter(status=Load.Status.RUNNING).exclude(worker="").values_list("pk", "worker")
    ):
        name, _, pid = worker.rpartition(":")
        if name == host[: len(name)] and pid.isdigit() and not _alive(int(pid)):
            stopped.append(pk)
    return Load.objects.filter(pk__in=stopped, status=Load.Status.RUNNING).update(
        status=Load.Status.FAILED,
        stage=Load.Stage.DONE,
        finished_at=timezone.now(),
        message="The load stopped part-way (its process ended before it finished) and nothing was changed. "
        "Send the file again.",
        rows_loaded=0,
        records_removed=0,
        records_kept=0,
    )


def _hold(load: Load, plan, checked: Checked, reasons: list[str]) -> LoadOutcome:
    """Nothing of the file is applied; its rejected rows are kept so the feed owner can see why."""
    write_rejections(load, checked.rejections, plan.kept_lines)
    load.preview = guard.preview(plan, checked.rejections.count, checked.rejection_examples(), reasons)
    load.rows_loaded = 0
    _audit(load, "hold_feed_load", load.loaded_by, {"reasons": reasons, **load.preview["counts"]})
    return _finish(load, Load.Status.HELD, "Held for checking: " + " ".join(reasons))


def _audit(load: Load, action: str, user, detail: dict) -> None:
    # Counts and reasons only: the examples are partners' records and stay on the load.
    chain.append(
        user=user, action=action, target=f"load:{load.pk}", detail={"source": load.source.code, **detail}
    )


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


def source_for_mapping(mapping_name: str) -> Source:
    """The Source (and its Agency) described by a mapping file, created on first use."""
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
