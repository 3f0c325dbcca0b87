"""Email from MAST: one `send` for every kind of notice, through Django's email framework.

Emails carry no personal data: a neutral line and a link into MAST, where the reader signs in and the access
gate decides what they may see (docs/alerts-and-email.md). Build bodies with `mast.notifications.messages`,
which take kinds and links, never people.
"""

from mast.notifications.services import link, send, send_message, send_to_users

__all__ = ["link", "send", "send_message", "send_to_users"]
