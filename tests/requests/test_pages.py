"""The request pages as the two agencies use them: only they see a request, each page writes one audit event,
and every change is a gated POST followed by the request's page."""

import pytest
from django.urls import reverse

from mast.audit.models import AuditEvent
from mast.gate.purpose import SESSION_KEY
from mast.requests.models import Request
from tests.requests.conftest import TEAM, send
from tests.signing_in import signed_in_with_factor

pytestmark = pytest.mark.django_db


def signed_in(client, user, purpose=None):
    signed_in_with_factor(client, user)
    if purpose is not None:
        session = client.session
        session[SESSION_KEY] = purpose.pk
        session.save()
    return client


def events_after(before: int) -> list[AuditEvent]:
    """What the pages wrote, leaving out signing in (its own events: tests/web/test_second_factor.py)."""
    events = AuditEvent.objects.filter(sequence__gt=before).exclude(action__startswith="sign_in")
    return list(events.order_by("sequence"))


def last_sequence() -> int:
    return AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0


def test_only_the_two_agencies_see_a_request(between, client):
    request = send(between)
    url = reverse("web:request", args=[request.pk])
    assert signed_in(client, between.officer).get(url).status_code == 200
    assert signed_in(client, between.colleague).get(url).status_code == 200
    before = last_sequence()
    assert signed_in(client, between.nurse).get(url).status_code == 403
    (refused,) = events_after(before)
    assert (refused.outcome, refused.action, refused.detail["refused"]) == (
        "denied",
        "view_request",
        "record",
    )
    # Nor in the nurse's lists.
    assert b"Kayleigh" not in signed_in(client, between.nurse).get(reverse("web:requests-inbox")).content
    assert b"Kayleigh" not in client.get(reverse("web:requests-sent") + "?show=agency").content


def test_the_request_page_shows_the_question_history_and_one_audit_event(between, client):
    request = send(between, involvement_id=between.case.pk, question="<script>alert(1)</script> Known?")
    before = last_sequence()
    page = signed_in(client, between.worker).get(reverse("web:request", args=[request.pk]))
    html = page.content.decode()
    assert "Kayleigh Thornbury" in html and "LCS42" in html  # the receiving agency's own reference
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Known?" in html and "<script>alert(1)" not in html
    assert "Acknowledge" in html and TEAM in html
    (event,) = events_after(before)
    assert (event.action, event.purpose_code, event.purpose_reference) == (
        "view_request",
        "targeted_request",
        "",
    )
    assert event.detail["request_reference"] == "MASH-2026-0042" and event.detail["side"] == "received"


def test_acknowledge_reply_and_the_requester_sees_the_reply(between, client):
    request = send(between)
    worker = signed_in(client, between.worker)
    before = last_sequence()
    response = worker.post(reverse("web:request-acknowledge", args=[request.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("web:request", args=[request.pk])
    assert [e.action for e in events_after(before)] == ["answer_request"]
    assert b"You have acknowledged" in worker.get(response["Location"]).content
    page = worker.get(reverse("web:request-reply", args=[request.pk]))
    assert page.status_code == 200 and b"Reply to the request" in page.content
    empty = worker.post(reverse("web:request-reply", args=[request.pk]), {"reply": " "})
    assert empty.status_code == 200 and b"Enter your reply" in empty.content
    done = worker.post(reverse("web:request-reply", args=[request.pk]), {"reply": "Open to Family Support."})
    assert done.status_code == 302
    officer = signed_in(client, between.officer)
    html = officer.get(reverse("web:request", args=[request.pk])).content.decode()
    assert "Open to Family Support." in html and "Replied" in html
    sent = officer.get(reverse("web:requests-sent")).content.decode()
    assert "Kayleigh Thornbury" in sent and "Replied" in sent


def test_the_requester_cannot_answer_their_own_request(between, client):
    request = send(between)
    officer = signed_in(client, between.officer)
    assert officer.post(reverse("web:request-acknowledge", args=[request.pk])).status_code == 403
    assert officer.get(reverse("web:request-reply", args=[request.pk])).status_code == 403
    assert officer.post(reverse("web:request-decline", args=[request.pk]), {"reason": "x"}).status_code == 403
    assert Request.objects.get(pk=request.pk).status == "sent"


def test_decline_and_assign(between, client):
    request = send(between)
    colleague = signed_in(client, between.colleague)
    bad = colleague.post(reverse("web:request-assign", args=[request.pk]), {"assignee": ""})
    assert bad.status_code == 200 and b"Select someone to assign it to" in bad.content
    ok = colleague.post(reverse("web:request-assign", args=[request.pk]), {"assignee": between.worker.pk})
    assert ok.status_code == 302 and Request.objects.get(pk=request.pk).assignee == between.worker
    declined = colleague.post(
        reverse("web:request-decline", args=[request.pk]), {"reason": "Not known to us."}
    )
    assert declined.status_code == 302
    assert Request.objects.get(pk=request.pk).status == "declined"
    html = signed_in(client, between.officer).get(reverse("web:request", args=[request.pk])).content.decode()
    assert "Not known to us." in html and "Declined" in html


def test_the_inbox_shows_the_team_s_requests_overdue_first(between, client):
    send(between, involvement_id=between.case.pk)
    page = signed_in(client, between.colleague).get(reverse("web:requests-inbox"))
    html = page.content.decode()
    assert page.status_code == 200 and "Kayleigh Thornbury" in html and "Waiting for an answer" in html


def test_the_dashboard_shows_counts_and_writes_no_audit_event(between, client):
    send(between, involvement_id=between.case.pk)
    before = last_sequence()
    page = signed_in(client, between.worker).get(reverse("web:requests-dashboard"))
    assert page.status_code == 200 and TEAM in page.content.decode()
    assert b"Kayleigh" not in page.content
    assert events_after(before) == []


def test_sending_from_the_person_page(between, client):
    officer = signed_in(client, between.officer, between.officer_purpose)
    url = reverse("web:request-new", args=[between.person.public_id])
    page = officer.get(url + f"?involvement={between.case.pk}")
    html = page.content.decode()
    assert page.status_code == 200 and TEAM in html and "Rowan Ashdown" in html
    missing = officer.post(url, {"agency": between.csc.pk, "involvement": between.case.pk})
    assert missing.status_code == 200 and b"Enter your question" in missing.content
    before = last_sequence()
    sent = officer.post(
        url,
        {
            "agency": between.csc.pk,
            "involvement": between.case.pk,
            "question": "Any concerns?",
            "priority": "red",
        },
    )
    request = Request.objects.get()
    assert sent.status_code == 302 and sent["Location"] == reverse("web:request", args=[request.pk])
    (event,) = events_after(before)
    assert (event.action, event.purpose_reference, event.detail["request_id"]) == (
        "send_request",
        "MASH-2026-0042",
        request.pk,
    )
    assert (request.to_team, request.priority) == (TEAM, "red")


def test_sending_needs_a_stated_purpose(between, client):
    officer = signed_in(client, between.officer)
    url = reverse("web:request-new", args=[between.person.public_id])
    response = officer.get(url)
    assert response.status_code == 302 and reverse("web:purpose") in response["Location"]


def test_the_person_page_offers_a_request_to_each_involved_agency(between, client):
    officer = signed_in(client, between.officer, between.officer_purpose)
    html = officer.get(reverse("web:person", args=[between.person.public_id])).content.decode()
    new = reverse("web:request-new", args=[between.person.public_id])
    assert f'href="{new}?involvement={between.case.pk}"' in html
    printed = officer.get(reverse("web:person-print", args=[between.person.public_id])).content.decode()
    assert new not in printed
