"""Email goes one message per recipient, carries a neutral line and a link, and never fails the caller."""

import pytest
from django.core import mail

from mast.notifications import link, send, send_message, send_to_users
from mast.notifications.messages import FOOTER, KINDS, build
from tests.factories.access import make_user


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MAST_BASE_URL = "https://mast.example.test"


def test_send_one_email_per_recipient_with_the_kind():
    sent = send(["a@example.test", "B@example.test", "a@example.test", ""], "Subject", "Body", kind="alert")
    assert sent == 2
    assert [m.to for m in mail.outbox] == [["a@example.test"], ["B@example.test"]]
    assert all(m.extra_headers["X-MAST-Kind"] == "alert" for m in mail.outbox)


def test_send_to_a_single_address_and_to_nobody():
    assert send("one@example.test", "S", "B", kind="request_overdue") == 1
    assert send([], "S", "B", kind="alert") == 0
    assert len(mail.outbox) == 1


def test_kind_is_required_and_short():
    with pytest.raises(ValueError):
        send("a@example.test", "S", "B", kind="Not a kind!")


def test_a_failing_backend_is_logged_not_raised(settings, caplog):
    settings.EMAIL_BACKEND = "tests.notifications.test_send.BrokenBackend"
    assert send("a@example.test", "S", "B", kind="alert") == 0
    assert "Email of kind alert failed" in caplog.text
    assert "a@example.test" not in caplog.text


class BrokenBackend:
    def __init__(self, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionError("mail server down")


def test_messages_are_a_fixed_line_and_a_link_into_mast():
    message = build("alert", "/alerts/")
    assert message.subject == KINDS["alert"][0]
    assert message.body == f"{KINDS['alert'][1]}\n\nhttps://mast.example.test/alerts/\n\n{FOOTER}\n"
    assert link("/requests/7/") == "https://mast.example.test/requests/7/"


@pytest.mark.parametrize("path", ["alerts/", "//evil.example/", "https://evil.example/"])
def test_links_only_point_into_mast(path):
    with pytest.raises(ValueError):
        build("alert", path)


def test_unknown_kinds_have_no_text():
    with pytest.raises(ValueError):
        build("free_text", "/alerts/")


@pytest.mark.django_db
def test_send_to_users_skips_inactive_users_and_users_without_email():
    active = make_user(username="active-worker", email="active@example.test")
    make_user(username="no-email", email="")
    inactive = make_user(username="gone", email="gone@example.test")
    inactive.is_active = False
    inactive.save()
    users = [active, inactive]
    assert send_to_users(users, "request_overdue", "/requests/") == 1
    assert mail.outbox[0].to == ["active@example.test"]
    assert send_message("x@example.test", build("alert", "/alerts/")) == 1
