"""The jobs the background worker runs on a timetable, so a plain install needs no cron.

`mast worker` queues each (once: a job already waiting is not queued twice) and then runs the worker. Each job
re-queues itself for its next time when it finishes, so they repeat for as long as a worker runs:

- chasing overdue requests, every MAST_CHASE_EVERY_MINUTES (requests/tasks.py);
- the heartbeat the health endpoint reads, every minute (config/heartbeat.py);
- telling feed owners about late feeds, every hour;
- purging what is past retention, every night at 02:30;
- the partnership board's report for the month just ended, at 06:00 on the first of each month
  (analytics/tasks.py);
- warning that the sharing agreement is past its review date, checked daily, sent at most weekly.

Where cron or systemd timers are preferred, run `mast chase_requests`, `mast check_freshness`,
`mast check_agreement_review`, `mast purge` and `mast analytics_report --keep` from them and start the worker
with `mast worker --no-schedule` (docs/deployment.md).
"""

from datetime import datetime, time, timedelta

from django.utils import timezone
from django_tasks import task

from mast.access import sessions
from mast.analytics import tasks as analytics
from mast.config import heartbeat
from mast.feeds.lateness import raise_late_notices
from mast.feeds.retention import purge
from mast.governance.review import warn_if_review_overdue
from mast.requests import tasks as chasing

PURGE_AT = time(2, 30)
FRESHNESS_EVERY = timedelta(hours=1)
REVIEW_CHECK_EVERY = timedelta(days=1)


def _waiting(task_path: str) -> bool:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=task_path, status="READY").exists()


def next_purge(now: datetime | None = None) -> datetime:
    local = timezone.localtime(now or timezone.now())
    at = timezone.make_aware(datetime.combine(local.date(), PURGE_AT), local.tzinfo)
    return at if at > local else at + timedelta(days=1)


@task()
def nightly_purge() -> dict:
    nightly_purge.using(run_after=next_purge(timezone.now() + timedelta(minutes=1))).enqueue()
    run = purge()
    # Expired sign-ins' notes go too, so the administrator's "signed-in sessions" count stays true.
    sessions.forget_expired()
    return {"cutoff": run.cutoff.isoformat()}


@task()
def hourly_freshness() -> int:
    hourly_freshness.using(run_after=timezone.now() + FRESHNESS_EVERY).enqueue()
    return len(raise_late_notices())


@task()
def daily_agreement_review() -> int:
    daily_agreement_review.using(run_after=timezone.now() + REVIEW_CHECK_EVERY).enqueue()
    return warn_if_review_overdue()


def start_all() -> list[str]:
    """Queue every job that is not already waiting; the names of those queued now."""
    queued = []
    if chasing.schedule(delay=timedelta(0)):
        queued.append("chasing overdue requests")
    if heartbeat.schedule():
        queued.append("heartbeat")
    if not _waiting(f"{__name__}.hourly_freshness"):
        hourly_freshness.using(run_after=timezone.now()).enqueue()
        queued.append("late-feed checks")
    if not _waiting(f"{__name__}.nightly_purge"):
        nightly_purge.using(run_after=next_purge()).enqueue()
        queued.append("nightly purge")
    if not _waiting(f"{analytics.__name__}.monthly_board_report"):
        analytics.monthly_board_report.using(run_after=analytics.next_report()).enqueue()
        queued.append("monthly board report")
    if not _waiting(f"{__name__}.daily_agreement_review"):
        daily_agreement_review.using(run_after=timezone.now()).enqueue()
        queued.append("agreement review reminders")
    return queued
