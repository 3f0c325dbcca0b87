"""Invitation and set-password links: single-use, expiring, and never a way in by themselves.

A link carries Django's password-reset token, which is made from the account's current password (so setting
one spends the link) and its time (so it lapses after PASSWORD_RESET_TIMEOUT, MAST_LINK_HOURS). Following it
lets the person choose a password and nothing else: they then sign in with it and their second factor, so a
stolen link or a password reset never skips the second factor.
"""

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from mast.access.models import User
from mast.notifications import services as email
from mast.notifications.messages import build


def path_for(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("web:set-password", args=[uid, default_token_generator.make_token(user)])


def user_for(uidb64: str, token: str) -> User | None:
    """The active account a link is for, or None if it is spent, expired, altered or the account is off."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


def send(user: User, *, kind: str) -> bool:
    """Email `user` a fresh link (kind "invitation" or "password_link"); whether it was sent."""
    return email.send_message(user.email, build(kind, path_for(user))) == 1
