"""Background task (django-tasks): a signed checkpoint of the audit chain every few minutes.

`write_checkpoint` writes one and queues the next for MAST_AUDIT_CHECKPOINT_EVERY_MINUTES later, so once
started (`mast audit_checkpoint --schedule`) the worker keeps writing them. Where cron is preferred, run
`mast audit_checkpoint` from it instead and never schedule.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from mast.audit.checkpoint import write
from mast.audit.tell import tell_ig_officers

TASK_PATH = "mast.audit.tasks.write_checkpoint"


def every() -> timedelta:
    return timedelta(minutes=settings.MAST_AUDIT_CHECKPOINT_EVERY_MINUTES)


def schedule(delay: timedelta | None = None) -> bool:
    """Queue the next checkpoint unless one is already waiting; True if one was queued."""
    from django_tasks_db.models import DBTaskResult

    if DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY").exists():
        return False
    write_checkpoint.using(run_after=timezone.now() + (delay if delay is not None else every())).enqueue(True)
    return True


@task()
def write_checkpoint(repeat: bool = False) -> dict:
    try:
        checkpoint = write()
        if checkpoint is not None:
            tell_ig_officers(checkpoint)
    finally:
        if repeat:
            schedule()
    return {"sequence": checkpoint.sequence if checkpoint else 0}
