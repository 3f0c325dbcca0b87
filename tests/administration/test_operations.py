"""Running MAST: the health endpoint, the worker's timetable, the first administrator, the server."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from mast.access.models import Agency, Role, User
from mast.administration import schedule
from mast.audit.models import AuditEvent
from mast.config import heartbeat, server

pytestmark = pytest.mark.django_db(transaction=True)


def test_health_says_ok_without_a_worker_where_none_is_required(client, settings):
    settings.MAST_HEALTH_NEEDS_WORKER = False
    response = client.get(reverse("web:health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "worker": "not required"}


def test_health_fails_in_production_until_the_worker_has_been_seen(client, settings):
    settings.MAST_HEALTH_NEEDS_WORKER = True
    response = client.get(reverse("web:health"))
    assert response.status_code == 503 and response.json()["worker"] == "never seen"

    heartbeat.beat.call()
    from django_tasks_db.models import DBTaskResult

    # As the worker records a finished task.
    DBTaskResult.objects.filter(task_path=heartbeat.TASK_PATH).update(
        status="SUCCESSFUL", finished_at=timezone.now()
    )
    assert client.get(reverse("web:health")).json() == {"status": "ok", "database": "ok", "worker": "ok"}

    DBTaskResult.objects.filter(task_path=heartbeat.TASK_PATH).update(
        finished_at=timezone.now() - timedelta(minutes=10)
    )
    response = client.get(reverse("web:health"))
    assert response.status_code == 503 and response.json()["worker"] == "late"


def test_the_worker_timetable_is_queued_once_however_often_it_starts():
    assert schedule.start_all() == [
        "chasing overdue requests",
        "heartbeat",
        "late-feed checks",
        "nightly purge",
        "monthly board report",
        "agreement review reminders",
    ]
    assert schedule.start_all() == []


def test_the_nightly_purge_is_at_half_past_two_local_time():
    local = timezone.localtime(schedule.next_purge())
    assert (local.hour, local.minute) == (2, 30)
    assert timezone.now() < schedule.next_purge() <= timezone.now() + timedelta(days=1)


def test_the_first_administrator_gets_a_link_not_a_password(settings):
    from io import StringIO

    settings.MAST_BASE_URL = "https://mast.example"
    out = StringIO()
    call_command(
        "create_administrator",
        email="Ada.Minister@partnership.example",
        first_name="Ada",
        last_name="Minister",
        agency_code="northshire-mast",
        agency_name="Northshire MAST Partnership",
        stdout=out,
    )

    user = User.objects.get(username="ada.minister@partnership.example")
    assert user.role == Role.ADMINISTRATOR and not user.has_usable_password()
    assert user.agency == Agency.objects.get(code="northshire-mast")
    assert "https://mast.example/set-password/" in out.getvalue()
    assert mail.outbox[0].to == ["ada.minister@partnership.example"]
    assert AuditEvent.objects.get(action="user_created").username == "mast create_administrator"


def test_the_first_administrator_needs_a_known_or_named_agency():
    with pytest.raises(CommandError, match="give --agency-name"):
        call_command(
            "create_administrator", email="a@b.example", first_name="A", last_name="B", agency_code="nope"
        )


def test_the_server_runs_a_worker_per_core_and_a_bit_unless_told(monkeypatch):
    monkeypatch.delenv("MAST_WEB_WORKERS", raising=False)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert server.options()["workers"] == 5
    monkeypatch.setenv("MAST_WEB_WORKERS", "3")
    assert server.options()["workers"] == 3
    assert "%(q)s" not in server.options()["access_log_format"]
