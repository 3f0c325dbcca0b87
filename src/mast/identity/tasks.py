"""Background tasks (django-tasks): feed uploads are loaded and matched off the web request."""

from pathlib import Path

from django_tasks import task

from mast.feeds.models import Load
from mast.identity.intake import ingest_queued


@task()
def ingest_upload(load_id: int, path: str) -> str:
    load = Load.objects.select_related("source").get(pk=load_id)
    try:
        result = ingest_queued(load, Path(path))
    finally:
        # The archived copy is the record of what was received; the incoming copy is no longer needed.
        Path(path).unlink(missing_ok=True)
    return result.load.status
