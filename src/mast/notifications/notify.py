"""A Django email backend that sends through GOV.UK Notify (`notifications-python-client`).

Every message goes through one Notify email template whose subject is ((subject)) and whose body is ((body)),
so MAST's own text (mast.notifications.messages) is what arrives. Configured from the environment only:
NOTIFY_API_KEY and NOTIFY_TEMPLATE_ID (and optionally NOTIFY_REPLY_TO_ID); the key is never logged.
"""

import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends.base import BaseEmailBackend

logger = logging.getLogger(__name__)


class NotifyEmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently=False, *, api_key=None, template_id=None, reply_to_id=None, **kwargs):
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.api_key = api_key or getattr(settings, "NOTIFY_API_KEY", "")
        self.template_id = template_id or getattr(settings, "NOTIFY_TEMPLATE_ID", "")
        self.reply_to_id = reply_to_id or getattr(settings, "NOTIFY_REPLY_TO_ID", "") or None
        if not self.api_key or not self.template_id:
            raise ImproperlyConfigured(
                "The Notify email backend needs NOTIFY_API_KEY and NOTIFY_TEMPLATE_ID."
            )
        self.client = None

    def __repr__(self) -> str:
        # Whatever prints the backend (a traceback, a debugger) must not print the key.
        return f"<NotifyEmailBackend template={self.template_id}>"

    def open(self) -> bool:
        if self.client is not None:
            return False
        from notifications_python_client.notifications import NotificationsAPIClient

        self.client = NotificationsAPIClient(self.api_key)
        return True

    def close(self) -> None:
        self.client = None

    def send_messages(self, email_messages) -> int:
        if not email_messages:
            return 0
        from notifications_python_client.errors import APIError

        opened = self.open()
        sent = 0
        try:
            for message in email_messages:
                kind = message.extra_headers.get("X-MAST-Kind", "")
                try:
                    for address in message.recipients():
                        self.client.send_email_notification(
                            email_address=address,
                            template_id=self.template_id,
                            personalisation={"subject": message.subject, "body": message.body},
                            reference=kind or None,
                            email_reply_to_id=self.reply_to_id,
                        )
                except APIError as error:
                    # Notify's status and message only: they name neither the key nor the recipient.
                    logger.warning("GOV.UK Notify refused an email of kind %s: %s", kind or "-", error)
                    if not self.fail_silently:
                        raise
                    continue
                sent += 1
        finally:
            if opened:
                self.close()
        return sent
