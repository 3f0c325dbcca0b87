"""Forgotten passwords, without an administrator: a user asks for a link by their work email.

What the person asking sees is the same whether or not the email belongs to an account, so the page cannot
be used to find out who has one. The link is the same single-use, expiring set-password link an
administrator sends (administration/links.py): it only sets a password; the person then signs in with it
AND their second factor, so a reset never skips the second factor and someone who reads the email alone
gets nowhere. A link is sent at most once every RESEND_MINUTES per account, counted from the audit log
(which every server process shares), so the page cannot be used to flood someone's inbox.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from mast.access.models import User
from mast.administration import links
from mast.administration.actor import Actor
from mast.audit.models import AuditEvent

RESEND_MINUTES = 15
ACTION = "password_reset_requested"


def request_link(email: str, *, ip_address: str | None = None) -> None:
    """Send a reset link if `email` is one active account's; nothing is said either way."""
    email = (email or "").strip()
    if not email or "@" not in email:
        return
    matches = list(
        User.objects.filter(email__iexact=email, is_active=True, agency__is_active=True).select_related(
            "agency"
        )[:2]
    )
    if len(matches) != 1:
        # Nobody, or a shared address that names no one person: no link, and nothing written about the
        # address typed (it may be anyone's).
        return
    user = matches[0]
    target = f"user:{user.username}"
    since = timezone.now() - timedelta(minutes=RESEND_MINUTES)
    if AuditEvent.objects.filter(action=ACTION, target=target, at__gte=since).exists():
        return
    with transaction.atomic():
        Actor(user=user, ip_address=ip_address).record(ACTION, target)
        transaction.on_commit(lambda: links.send(user, kind="password_reset"))
