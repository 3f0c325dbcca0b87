"""Wrong passwords: after five for one username from one address that pair is refused for a while, without
locking out anyone else, and each failure and the lockout are in the audit log."""

import pytest
from django.urls import reverse

from mast.audit.models import AuditEvent
from tests.factories.access import DEFAULT_PASSWORD, make_user

pytestmark = pytest.mark.django_db


def attempt(client, username, password, address="192.0.2.10", **headers):
    return client.post(
        reverse("web:sign-in"), {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def test_five_wrong_passwords_lock_out_that_username_from_that_address_even_with_the_right_one(client):
    user = make_user()
    for _ in range(4):
        assert attempt(client, user.username, "wrong-password-guess").status_code == 200
    # The fifth wrong password is the one that locks: it is answered with the lockout page.
    assert attempt(client, user.username, "wrong-password-guess").status_code == 429

    response = attempt(client, user.username, DEFAULT_PASSWORD)

    assert response.status_code == 429
    assert "You cannot sign in for 15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session
    events = AuditEvent.objects.filter(target=f"user:{user.username}")
    assert events.filter(action="sign_in_failed").count() >= 5
    assert events.filter(action="locked_out", outcome="denied").exists()
    assert all(e.ip_address == "192.0.2.10" for e in events)
    assert not any("wrong-password-guess" in str(e.detail) for e in events)


def test_a_lockout_does_not_lock_out_a_colleague_on_the_same_address_or_the_user_elsewhere(client):
    user, colleague = make_user(), make_user()
    for _ in range(6):
        attempt(client, user.username, "wrong-password-guess")

    assert attempt(client, colleague.username, DEFAULT_PASSWORD)["Location"].startswith("/sign-in/set-up/")
    client.post(reverse("web:sign-out"))
    assert attempt(client, user.username, DEFAULT_PASSWORD, address="198.51.100.7").status_code == 302


def test_a_failed_sign_in_for_a_name_nobody_has_is_audited_without_linking_anyone(client):
    attempt(client, "no.such.person", "whatever-they-typed")

    event = AuditEvent.objects.get(action="sign_in_failed")
    assert event.user is None and event.username == "no.such.person"
    assert event.detail == {"reason": "wrong username or password", "known_user": False}


def test_a_forged_forwarded_address_is_ignored_unless_it_comes_through_the_trusted_proxy(client, settings):
    attempt(client, "someone", "guess", address="203.0.113.5", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert AuditEvent.objects.get(action="sign_in_failed").ip_address == "203.0.113.5"


def test_the_trusted_proxys_forwarded_address_is_the_one_recorded(client, settings):
    from django.test import override_settings

    with override_settings(MAST_TRUSTED_PROXIES=["127.0.0.1/32"]):
        attempt(
            client, "someone", "guess", address="127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.20"
        )
    assert AuditEvent.objects.get(action="sign_in_failed").ip_address == "198.51.100.20"
