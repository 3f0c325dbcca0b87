"""The background worker's heartbeat: a small task that runs every minute on `mast worker` and re-queues
itself. Its last finish time, kept by django-tasks in the database, is what the health endpoint reads, so the
web servers can tell that a worker (wherever it runs) is alive without sharing anything but the database."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

TASK_PATH = "mast.config.heartbeat.beat"
EVERY = timedelta(minutes=1)


def schedule() -> bool:
    """Queue the heartbeat unless one is already waiting; whether one was queued."""
    from django_tasks_db.models import DBTaskResult

    if DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY").exists():
        return False
    beat.using(run_after=timezone.now()).enqueue()
    return True


@task()
def beat() -> str:
    from django_tasks_db.models import DBTaskResult

    beat.using(run_after=timezone.now() + EVERY).enqueue()
    # Only the latest beat matters: without this a year of minutes would pile up in the task table.
    DBTaskResult.objects.filter(
        task_path=TASK_PATH, status="SUCCESSFUL", finished_at__lt=timezone.now() - timedelta(days=1)
    ).delete()
    return "alive"


def last_seen():
    from django_tasks_db.models import DBTaskResult

    latest = (
        DBTaskResult.objects.filter(task_path=TASK_PATH, status="SUCCESSFUL")
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    return latest


def worker_state() -> str:
    """ "ok", "late" (not seen for MAST_WORKER_LATE_MINUTES), "never seen", or "not required"."""
    try:
        seen = last_seen()
    except Exception:
        return "unknown"
    if seen is not None and timezone.now() - seen <= timedelta(minutes=settings.MAST_WORKER_LATE_MINUTES):
        return "ok"
    if not settings.MAST_HEALTH_NEEDS_WORKER:
        return "not required"
    return "late" if seen else "never seen"
