"""Background tasks (django-tasks): chasing requests, every few minutes, on the database worker.

`chase_requests` does one chase and queues the next for MAST_CHASE_EVERY_MINUTES later, so once started (by
`mast chase_requests --schedule`, which `mast demo` runs) the worker keeps chasing for as long as it runs.
Where a scheduler such as cron is preferred, run `mast chase_requests` from it instead and never schedule.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from mast.requests.chasing import chase

TASK_PATH = "mast.requests.tasks.chase_requests"


def every() -> timedelta:
    return timedelta(minutes=getattr(settings, "MAST_CHASE_EVERY_MINUTES", 15))


def schedule(delay: timedelta | None = None) -> bool:
    """Queue the next chase unless one is already waiting; True if one was queued."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY").exists()
    if waiting:
        return False
    chase_requests.using(run_after=timezone.now() + (delay if delay is not None else every())).enqueue(True)
    return True


@task()
def chase_requests(repeat: bool = False) -> dict:
    result = chase()
    if repeat:
        schedule()
    return {
        "overdue": result.overdue,
        "escalated": result.escalated,
        "without_manager": result.without_manager,
    }
