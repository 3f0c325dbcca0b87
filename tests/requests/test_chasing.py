"""Chasing on a schedule: `mast chase_requests` once (for cron), or the background task on the database
worker, which queues its own next run and is never queued twice."""

from io import StringIO

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from mast.requests import tasks
from mast.requests.models import Request
from tests.requests.conftest import send

pytestmark = pytest.mark.django_db


def test_the_command_chases_once(between, clock):
    clock.set(2026, 11, 23, 9, 0)
    request = send(between, priority="red")
    clock.set(2026, 11, 23, 13, 30)
    out = StringIO()
    call_command("chase_requests", stdout=out)
    assert out.getvalue().strip() == "1 request(s) newly overdue, 0 escalated."
    assert Request.objects.get(pk=request.pk).overdue_at is not None


def test_the_task_chases_and_queues_its_next_run_once(between, clock):
    clock.set(2026, 11, 23, 9, 0)
    send(between, priority="red")
    clock.set(2026, 11, 24, 13, 0)  # 24 hours past its due time
    assert tasks.chase_requests.call(True) == {"overdue": 1, "escalated": 1, "without_manager": 1}
    waiting = DBTaskResult.objects.filter(task_path=tasks.TASK_PATH, status="READY")
    assert waiting.count() == 1
    # Queuing again (the demo run twice, say) adds nothing while one is waiting.
    assert tasks.schedule() is False
    out = StringIO()
    call_command("chase_requests", "--schedule", stdout=out)
    assert "already queued" in out.getvalue() and waiting.count() == 1
