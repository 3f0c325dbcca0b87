"""Self-service password reset links: for one active account only, at most one per RESEND_MINUTES, and the
link only sets a password (the second factor is still asked for at sign-in:
tests/browser/test_password_reset.py)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from mast.access.models import Role
from mast.administration import password_reset
from mast.audit.models import AuditEvent
from tests.factories.access import make_agency, make_user

pytestmark = pytest.mark.django_db


def _ask(email, capture) -> list:
    """Who was emailed a link (links are sent once the request's transaction commits)."""
    mail.outbox.clear()
    with capture(execute=True):
        password_reset.request_link(email, ip_address="192.0.2.7")
    return [m.to for m in mail.outbox]


def test_one_link_per_account_however_often_it_is_asked_for(django_capture_on_commit_callbacks):
    user = make_user(Role.PRACTITIONER, email="amir.khan@health.example")
    assert _ask("AMIR.KHAN@health.example ", django_capture_on_commit_callbacks) == [
        ["amir.khan@health.example"]
    ]
    assert _ask("amir.khan@health.example", django_capture_on_commit_callbacks) == []
    asked = AuditEvent.objects.filter(action="password_reset_requested", target=f"user:{user.username}")
    assert asked.count() == 1 and asked.get().ip_address == "192.0.2.7"


def test_another_link_after_the_wait(django_capture_on_commit_callbacks, monkeypatch):
    make_user(Role.PRACTITIONER, email="amir.khan@health.example")
    _ask("amir.khan@health.example", django_capture_on_commit_callbacks)
    later = timezone.now() + timedelta(minutes=password_reset.RESEND_MINUTES + 1)
    monkeypatch.setattr(password_reset.timezone, "now", lambda: later)
    assert _ask("amir.khan@health.example", django_capture_on_commit_callbacks) == [
        ["amir.khan@health.example"]
    ]


@pytest.mark.parametrize("who", ["switched off", "agency switched off", "shared address", "nobody"])
def test_no_link_for_an_address_that_is_not_one_active_persons(who, django_capture_on_commit_callbacks):
    email = "duty@council.example"
    if who == "switched off":
        make_user(Role.PRACTITIONER, email=email, is_active=False)
    elif who == "agency switched off":
        make_user(Role.PRACTITIONER, email=email, agency=make_agency(is_active=False))
    elif who == "shared address":
        make_user(Role.PRACTITIONER, email=email)
        make_user(Role.PRACTITIONER, email=email)
    assert _ask(email, django_capture_on_commit_callbacks) == []
    assert not AuditEvent.objects.filter(action="password_reset_requested").exists()
