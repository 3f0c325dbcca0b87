"""The GOV.UK Notify backend: each recipient of each message becomes one call to Notify's client (mocked)."""

from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from notifications_python_client.errors import HTTPError

from mast.notifications import send
from mast.notifications.notify import NotifyEmailBackend

KEY = "mast_test-00000000-0000-0000-0000-000000000000-00000000-0000-0000-0000-000000000000"
TEMPLATE = "11111111-2222-3333-4444-555555555555"


@pytest.fixture
def client():
    with mock.patch("notifications_python_client.notifications.NotificationsAPIClient") as cls:
        yield cls


@pytest.fixture
def notify(settings):
    settings.EMAIL_BACKEND = "mast.notifications.notify.NotifyEmailBackend"
    settings.NOTIFY_API_KEY = KEY
    settings.NOTIFY_TEMPLATE_ID = TEMPLATE
    settings.NOTIFY_REPLY_TO_ID = ""


def test_each_recipient_is_one_notify_call_with_subject_and_body(notify, client):
    assert send(["a@example.test", "b@example.test"], "The subject", "The body", kind="alert") == 2
    client.assert_called_once_with(KEY)
    calls = client.return_value.send_email_notification.call_args_list
    assert [c.kwargs for c in calls] == [
        {
            "email_address": address,
            "template_id": TEMPLATE,
            "personalisation": {"subject": "The subject", "body": "The body"},
            "reference": "alert",
            "email_reply_to_id": None,
        }
        for address in ("a@example.test", "b@example.test")
    ]


def test_reply_to_id_is_passed_when_configured(notify, settings, client):
    settings.NOTIFY_REPLY_TO_ID = "reply-to-id"
    send("a@example.test", "S", "B", kind="request_overdue")
    assert client.return_value.send_email_notification.call_args.kwargs["email_reply_to_id"] == "reply-to-id"


def test_a_notify_refusal_is_logged_without_the_key_or_the_address(notify, client, caplog):
    response = mock.Mock(status_code=400)
    response.json.return_value = {"errors": [{"error": "BadRequestError", "message": "Template not found"}]}
    client.return_value.send_email_notification.side_effect = HTTPError(response)
    assert send("a@example.test", "S", "B", kind="alert") == 0
    assert "Notify refused an email of kind alert" in caplog.text
    assert KEY not in caplog.text
    assert "a@example.test" not in caplog.text


def test_fail_silently_skips_the_failed_message_and_sends_the_rest(notify, client):
    from django.core.mail import EmailMessage

    response = mock.Mock(status_code=500)
    response.json.return_value = {}
    client.return_value.send_email_notification.side_effect = [HTTPError(response), {"id": "x"}]
    backend = NotifyEmailBackend(fail_silently=True)
    messages = [EmailMessage("S", "B", to=[address]) for address in ("a@example.test", "b@example.test")]
    assert backend.send_messages(messages) == 1


def test_the_key_is_never_in_the_backends_repr(notify):
    assert KEY not in repr(NotifyEmailBackend())


def test_missing_configuration_is_refused(settings):
    settings.NOTIFY_API_KEY = ""
    settings.NOTIFY_TEMPLATE_ID = TEMPLATE
    with pytest.raises(ImproperlyConfigured):
        NotifyEmailBackend()


def test_one_refused_address_does_not_stop_the_others(notify, client, caplog):
    response = mock.Mock(status_code=400)
    response.json.return_value = {"errors": [{"error": "ValidationError", "message": "Not a valid email"}]}
    client.return_value.send_email_notification.side_effect = [HTTPError(response), {"id": "x"}]
    assert send(["bad@example.test", "good@example.test"], "S", "B", kind="request_overdue") == 1
    assert "Email of kind request_overdue: 1 of 2 sent" in caplog.text
