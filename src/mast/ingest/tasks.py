"""Background tasks (django-tasks): feed uploads are loaded and matched off the web request."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django_tasks import task

from mast.feeds.models import Load
from mast.feeds.services import Confirmation
from mast.ingest.intake import ingest_queued


@task()
def ingest_upload(load_id: int, path: str) -> str:
    load = Load.objects.select_related("source").get(pk=load_id)
    try:
        result = ingest_queued(load, Path(path))
    finally:
        # The archived copy is the record of what was received; the incoming copy is no longer needed.
        Path(path).unlink(missing_ok=True)
    return result.load.status


@task()
def apply_held_load(load_id: int, user_id: int) -> str:
    load = Load.objects.select_related("source").get(pk=load_id)
    user = get_user_model().objects.filter(pk=user_id).first()
    confirmed = Confirmation(user=user, how="feed owner's page")
    return ingest_queued(load, Path(load.archive_path), confirmed=confirmed).load.status
