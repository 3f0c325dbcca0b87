"""The navigation's counts — requests waiting for the practitioner, how many overdue, alerts not yet opened —
are right, are read in one statement on every page (they were two, and the home page read both again), and
are never kept from one request to the next."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mast.requests.models import Request
from tests.factories.alerts import world
from tests.factories.people import page_text
from tests.signing_in import signed_in_with_factor

pytestmark = pytest.mark.django_db
__all__ = ["world"]


def ask_danas_agency(world, due_in_hours: int) -> Request:
    return Request.objects.create(
        kind=Request.Kind.INFORMATION,
        person=world["person"],
        from_user=world["stranger"],
        from_agency=world["stranger"].agency,
        to_agency=world["dana"].agency,
        purpose_code="child_at_risk",
        purpose_reference="X-1",
        question="?",
        due_at=timezone.now() + timedelta(hours=due_in_hours),
    )


def navigation(response) -> str:
    text = page_text(response)
    return text[: text.index("Welcome")]


def test_the_navigation_and_home_page_count_requests_and_alerts_in_one_statement(client, world):
    ask_danas_agency(world, due_in_hours=-3)
    ask_danas_agency(world, due_in_hours=6)
    signed_in_with_factor(client, world["dana"])

    with CaptureQueriesContext(connection) as queries:
        home = client.get(reverse("web:home"))

    assert "Requests (2 waiting, 1 overdue)" in navigation(home) and "Alerts (1 new)" in navigation(home)
    text = page_text(home)
    assert "2 requests waiting for an answer 1 overdue" in text and "1 new alert" in text
    counting = [q["sql"] for q in queries.captured_queries if '"alerts_alert"' in q["sql"]]
    assert len(counting) == 1, f"the counts took {len(counting)} statements"
    assert '"requests_request"' in counting[0]


def test_an_alert_opened_or_a_request_answered_shows_on_the_next_page(client, world):
    request = ask_danas_agency(world, due_in_hours=6)
    signed_in_with_factor(client, world["dana"])
    assert "Alerts (1 new)" in navigation(client.get(reverse("web:home")))

    world["alert"].read_at = timezone.now()
    world["alert"].save()
    Request.objects.filter(pk=request.pk).update(status=Request.Status.REPLIED)

    nav = navigation(client.get(reverse("web:home")))
    assert "Alerts" in nav and "new)" not in nav and "waiting" not in nav
