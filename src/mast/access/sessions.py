"""Live sign-ins: which sessions are whose, when each began, and ending them.

A session is remembered at sign-in and again when its key changes at the second-factor step. Switching a
user off (a leaver), switching off their agency, or resetting their second factors ends all their sessions
at once: the next request they make is not signed in. Django would refuse a switched-off user's next request
anyway (access/backends.py); deleting the sessions makes it so whatever else changes later.
"""

from datetime import datetime
from importlib import import_module

from django.conf import settings
from django.utils import timezone

from mast.access.models import SignedInSession, User

SIGNED_IN_AT = "mast_signed_in_at"


def _store(session_key: str | None = None):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key)


def remember(request, *, fresh_sign_in: bool) -> None:
    """Note the request's session as the signed-in user's; at a fresh sign-in, start its absolute clock."""
    if fresh_sign_in or SIGNED_IN_AT not in request.session:
        request.session[SIGNED_IN_AT] = timezone.now().isoformat()
    if not request.session.session_key:
        request.session.save()
    SignedInSession.objects.update_or_create(
        session_key=request.session.session_key, defaults={"user": request.user}
    )


def forget(session_key: str | None) -> None:
    if session_key:
        SignedInSession.objects.filter(session_key=session_key).delete()


def signed_in_at(session) -> datetime | None:
    value = session.get(SIGNED_IN_AT)
    return datetime.fromisoformat(value) if value else None


def end_all(users) -> int:
    """End every live session of these users; how many there were."""
    ids = (
        [u.pk for u in users]
        if not hasattr(users, "values_list")
        else list(users.values_list("pk", flat=True))
    )
    rows = list(SignedInSession.objects.filter(user_id__in=ids))
    for row in rows:
        _store(row.session_key).delete(row.session_key)
    SignedInSession.objects.filter(pk__in=[r.pk for r in rows]).delete()
    return len(rows)


def live_for(users) -> int:
    """How many sessions of these users are live now (signed in and not yet expired): what switching them
    off would end, as its confirmation page says before anyone presses the button."""
    rows = SignedInSession.objects.filter(user__in=users).values_list("session_key", flat=True)
    return sum(1 for key in rows if _store(key).load())


def live_count(user: User) -> int:
    return SignedInSession.objects.filter(user=user).count()


def forget_signed_out(sender, request, user, **kwargs) -> None:
    """On sign-out (Django's user_logged_out, sent before the session is emptied)."""
    if request is not None and hasattr(request, "session"):
        forget(request.session.session_key)


def forget_expired() -> int:
    """Drop the note of sessions that have expired or been cleared since; how many. With database sessions
    (MAST's), a session that is gone from the session table is gone for good."""
    from django.contrib.sessions.models import Session

    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        return 0
    live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    gone, _ = SignedInSession.objects.exclude(session_key__in=live).delete()
    return gone
