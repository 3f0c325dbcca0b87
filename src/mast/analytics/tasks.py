"""The partnership's figures refreshed in the background after a load, never inside it: the load (a file, a
partner's push) is answered as soon as its records are matched and its alerts raised."""

from datetime import datetime

from django.utils import timezone
from django_tasks import task

from mast.analytics.refresh import refresh_unless_newer


@task()
def refresh_after_loads(asked_at: str) -> str:
    ran = refresh_unless_newer(datetime.fromisoformat(asked_at))
    return "refreshed" if ran else "already up to date"


def ask_for_refresh() -> None:
    refresh_after_loads.enqueue(timezone.now().isoformat())
