"""Analytics' background jobs. The partnership's figures are refreshed after a load, never inside it: the load
(a file, a partner's push) is answered as soon as its records are matched and its alerts raised. The board's
report is made on the first of each month (queued by the worker's timetable, mast.administration.schedule).
"""

from datetime import datetime, time, timedelta

from django.utils import timezone
from django_tasks import task

from mast.analytics import report
from mast.analytics.filters import next_month
from mast.analytics.refresh import refresh_after_load, refresh_unless_newer


@task()
def refresh_after_loads(asked_at: str) -> str:
    ran = refresh_unless_newer(datetime.fromisoformat(asked_at))
    return "refreshed" if ran else "already up to date"


def ask_for_refresh() -> None:
    refresh_after_loads.enqueue(timezone.now().isoformat())


REPORT_AT = time(6, 0)


def next_report(now: datetime | None = None) -> datetime:
    """06:00 on the first of the month (this month's, if that is still to come): after the night's purge, so
    the report's month is whole and nothing past retention is counted."""
    local = timezone.localtime(now or timezone.now())
    first = local.date().replace(day=1)
    at = timezone.make_aware(datetime.combine(first, REPORT_AT), local.tzinfo)
    return (
        at
        if at > local
        else timezone.make_aware(datetime.combine(next_month(first), REPORT_AT), local.tzinfo)
    )


@task()
def monthly_board_report() -> str:
    """Last month's report for the partnership board, kept for the analysts to send on; then next month's."""
    monthly_board_report.using(run_after=next_report(timezone.now() + timedelta(minutes=1))).enqueue()
    # The figures as they are this morning; if they cannot be worked out the report carries the last ones
    # and says when those were worked out.
    refresh_after_load()
    return report.save(report.last_month()).name
