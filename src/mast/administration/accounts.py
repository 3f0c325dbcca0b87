"""Users: adding a named person, changing their role, agency or team, switching them off and on again,
sending them a link to choose a password, and resetting their second factor. Every change is audited, and
switching someone off ends their live sessions at once (docs/administration.md)."""

from django.db import transaction
from django.db.models import Q

from mast.access import factors, sessions
from mast.access.models import Agency, User
from mast.administration import links
from mast.administration.actor import Actor, RefusedChange

CHANGEABLE = ("first_name", "last_name", "email", "agency", "role", "team", "job_title")


def _target(user: User) -> str:
    return f"user:{user.username}"


def _plain(value):
    """How a field's value reads in the audit log: an agency by its name, anything else as text."""
    return value.name if isinstance(value, Agency) else str(value)


@transaction.atomic
def create(actor: Actor, details: dict, *, invite: bool = True) -> User:
    """A new account for one named person, signed in with their work email, invited by email to choose a
    password. It has no usable password until they follow the invitation."""
    user = User(username=details["email"], **{f: details.get(f, "") for f in CHANGEABLE})
    user.set_unusable_password()
    user.save()
    actor.record(
        "user_created",
        _target(user),
        agency=user.agency.name,
        role=user.role,
        team=user.team,
        invited=invite,
    )
    if invite:
        # After the commit: an email about an account that was then rolled back would be a dead link.
        transaction.on_commit(lambda: links.send(user, kind="invitation"))
    return user


@transaction.atomic
def change(actor: Actor, user: User, details: dict) -> dict:
    """Apply what changed; the audit event lists each field as it was and as it is. Moving someone to
    another agency or role ends their live sessions: what they may see has changed."""
    changes = {}
    for field in CHANGEABLE:
        if field in details and details[field] != getattr(user, field):
            changes[field] = {"from": _plain(getattr(user, field)), "to": _plain(details[field])}
            setattr(user, field, details[field])
    if not changes:
        return {}
    if user.pk == actor.user.pk and "role" in changes:
        raise RefusedChange("You cannot change your own role. Ask another administrator.")
    if "email" in changes:
        user.username = user.email
    user.save()
    ended = sessions.end_all([user]) if {"agency", "role"} & changes.keys() else 0
    actor.record("user_changed", _target(user), changes=changes, sessions_ended=ended)
    return changes


@transaction.atomic
def disable(actor: Actor, user: User) -> int:
    """Switch the account off (a leaver): it cannot sign in, and every live session ends now. Returns how
    many sessions were ended."""
    if user.pk == actor.user.pk:
        raise RefusedChange("You cannot switch off your own account. Ask another administrator.")
    user.is_active = False
    user.save(update_fields=["is_active"])
    ended = sessions.end_all([user])
    actor.record("user_disabled", _target(user), sessions_ended=ended)
    return ended


@transaction.atomic
def enable(actor: Actor, user: User) -> None:
    user.is_active = True
    user.save(update_fields=["is_active"])
    actor.record("user_enabled", _target(user))


def invite_again(actor: Actor, user: User) -> bool:
    """Email a fresh invitation (for someone who has never chosen a password) or a link to choose a new
    password (for someone who has forgotten theirs). Earlier links stop working only once a password is set,
    which is what spends them."""
    kind = "password_link" if user.has_usable_password() else "invitation"
    sent = links.send(user, kind=kind)
    actor.record(
        "password_link_sent" if kind == "password_link" else "user_invited", _target(user), sent=sent
    )
    return sent


@transaction.atomic
def reset_second_factor(actor: Actor, user: User) -> int:
    """Remove the user's authenticator app and recovery codes (a lost phone), end their sessions, and email
    them a link to choose a new password. Their old password stops working too: otherwise whoever knew it
    could sign in and set up an app of their own. Returns how many sessions were ended."""
    factors.reset(user, by=actor.user, request=actor.request)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    ended = sessions.end_all([user])
    transaction.on_commit(lambda: links.send(user, kind="factors_reset"))
    return ended


def password_chosen(user: User, request=None) -> None:
    """Audit a password chosen through a link (an invitation or a reset)."""
    Actor(user=user, ip_address=request.META.get("REMOTE_ADDR") if request else None).record(
        "password_set", _target(user)
    )


def search(text: str = "", agency=None):
    """Users for the administrator's list: by name, username or email, and agency."""
    users = User.objects.select_related("agency").order_by("last_name", "first_name", "username")
    if agency is not None:
        users = users.filter(agency=agency)
    for word in text.split():
        users = users.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
            | Q(email__icontains=word)
        )
    return users


def status(user: User) -> str:
    """One word for the list: switched off, waiting for them to accept the invitation, or active."""
    if not user.is_active:
        return "Switched off"
    if not user.has_usable_password():
        return "Invited"
    return "Active"
