"""Queueing a load to run in the background: a feed owner's upload, or a held load they confirmed.

The web request only keeps the file and queues the task (ingest.tasks), which runs the pipeline
(ingest.intake) in `mast db_worker`; the Load shows its progress meanwhile.
"""

import os
import uuid
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile

from mast.config.paths import VAR_DIR, private_dir
from mast.feeds.models import Load, Source
from mast.feeds.services import queue_load
from mast.ingest.tasks import apply_held_load, ingest_upload


def apply_held(load: Load, user) -> None:
    """Queue a held load to be applied from its archived copy, as its feed owner confirmed (feeds/guard.py
    says whether it still may be); the Load shows its progress as any other."""
    Load.objects.filter(pk=load.pk).update(status=Load.Status.QUEUED, stage=Load.Stage.WAITING)
    apply_held_load.enqueue(load.pk, user.pk)


def incoming_dir() -> Path:
    return VAR_DIR / "feeds" / "incoming"


def accept_upload(source: Source, upload: UploadedFile, user) -> Load:
    """Keep an uploaded file and queue its load as a background task; the Load shows its progress."""
    private_dir(incoming_dir())
    # The partner's file name is kept for display only; on disk the file gets a name of ours.
    path = incoming_dir() / f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()[:10]}"
    # Copied a chunk at a time from where the upload handler streamed it (web/uploads.py), never whole.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    load = queue_load(source, path, user=user, file_name=Path(upload.name).name[:255])
    ingest_upload.enqueue(load.pk, str(path))
    return load
