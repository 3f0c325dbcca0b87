"""Sending email: one message per recipient through Django's configured email backend.

The backend is chosen by MAST_EMAIL_BACKEND (console locally, files under var/mail/ in the demo, GOV.UK Notify
in production). An email is a courtesy that points into MAST; what happened is recorded in MAST itself (an
alert, a request's history), so a failure to send is logged and counted, never raised into the work that
caused it (a feed load, a reply).
"""

import logging
import re
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from mast.notifications.messages import Message, absolute_url, build

logger = logging.getLogger(__name__)

KIND = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
HEADER_KIND = "X-MAST-Kind"


def link(path: str) -> str:
    """The absolute link for a path in MAST (MAST_BASE_URL + path)."""
    return absolute_url(path)


def _addresses(to: str | Iterable[str]) -> list[str]:
    if isinstance(to, str):
        to = [to]
    seen: dict[str, str] = {}
    for address in to:
        address = (address or "").strip()
        if address and "@" in address:
            seen.setdefault(address.lower(), address)
    return list(seen.values())


def send(to: list[str] | str, subject: str, body: str, *, kind: str) -> int:
    """Send `subject` and `body` to each address in `to`, one email each (recipients never see each other).

    `kind` names the notice (e.g. "alert", "request_overdue"): it goes in a header and the log, for counting.
    Build `subject` and `body` with `mast.notifications.messages.build(kind, path)` so no personal data is
    sent. Returns how many emails were sent; failures are logged (kind and count only) and not raised.
    """
    if not KIND.match(kind or ""):
        raise ValueError("kind must be a short lower-case name such as 'alert'")
    addresses = _addresses(to)
    if not addresses:
        return 0
    sent = 0
    try:
        # A backend that can skip one failed message and send the rest (Notify, SMTP) does so and logs it.
        connection = get_connection(fail_silently=True)
        messages = [
            EmailMessage(
                subject=subject,
                body=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[address],
                headers={HEADER_KIND: kind},
                connection=connection,
            )
            for address in addresses
        ]
        sent = connection.send_messages(messages) or 0
    except Exception:
        # Never log the addresses, the body or the backend's credentials: the kind and the count are enough.
        logger.exception("Email of kind %s failed: %d of %d sent", kind, sent, len(addresses))
        return sent
    log = logger.info if sent == len(addresses) else logger.warning
    log("Email of kind %s: %d of %d sent", kind, sent, len(addresses))
    return sent


def send_message(to: list[str] | str, message: Message) -> int:
    """Send a message built by `mast.notifications.messages.build`."""
    return send(to, message.subject, message.body, kind=message.kind)


def send_to_users(users: Iterable, kind: str, path: str) -> int:
    """Send the neutral notice of `kind`, linking to `path` in MAST, to each active user with an email."""
    addresses = [user.email for user in users if getattr(user, "is_active", False) and user.email]
    return send_message(addresses, build(kind, path))
