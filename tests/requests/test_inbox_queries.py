"""How many queries the request inbox costs (ADR 0034): a bound that a read repeated per request, or a
query per request listed, would break."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.requests.conftest import send
from tests.signing_in import signed_in_with_factor

pytestmark = pytest.mark.django_db

INBOX_MOST = 20  # PostgreSQL spends one more, counted at run time (ADRs 0037, 0043; 24 before)


def inbox_queries(client, django_capture_on_commit_callbacks) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        page = client.get(reverse("web:requests-inbox"))
    assert page.status_code == 200
    return len(queries), page.content.decode()


def test_the_inbox_reads_what_it_needs_once(between, client, django_capture_on_commit_callbacks):
    send(between, involvement_id=between.case.pk)
    signed_in_with_factor(client, between.colleague)
    client.get(reverse("web:home"))  # the session's first page records the sign-in; the inbox is a later one

    queries, html = inbox_queries(client, django_capture_on_commit_callbacks)

    assert "Kayleigh Thornbury" in html
    assert queries <= INBOX_MOST + int(connection.vendor == "postgresql"), f"the inbox took {queries} queries"


def test_the_inbox_costs_the_same_however_many_requests_wait(
    between, client, django_capture_on_commit_callbacks
):
    send(between, involvement_id=between.case.pk)
    signed_in_with_factor(client, between.colleague)
    one, _ = inbox_queries(client, django_capture_on_commit_callbacks)
    for n in range(4):
        send(between, involvement_id=between.case.pk, question=f"Question {n} about the joint visit?")

    five, html = inbox_queries(client, django_capture_on_commit_callbacks)

    assert html.count("Kayleigh Thornbury") >= 5
    assert five <= one, f"{one} queries for one request waiting, {five} for five"
