"""The gate: every search, view and export of personal data passes through `through_gate`.

It checks the policy, runs the read with a `Scope` that says what this user may see, and writes the audit
event in the same transaction, so a read that happened was audited and an audit event means the read
happened. The people package's queries take a Scope and only the gate makes one, so a view cannot read
personal data around it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from mast.access.models import AccessPurpose
from mast.access.policy import Action, allows, implied_purpose
from mast.audit import chain
from mast.audit.models import AuditEvent
from mast.feeds.retention import display_from

T = TypeVar("T")
_GATE = object()


class PurposeRequired(Exception):
    """The user must say which case they are working on, and why, before this read."""


class Throttled(PermissionDenied):
    """This user has searched or looked more in the last minute or hour than real work needs: refused for now.

    Raised by a receiver of `reading` (mast.oversight.throttle), which knows the limits; the gate audits the
    refusal like any other."""

    def __init__(self, message: str, retry_after_seconds: int):
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


# Sent before every read the policy allows, with `viewer` and `action`: a receiver may refuse it by raising
# Throttled. The gate sits below oversight, so it asks through a signal rather than importing the rules.
reading = Signal()


@dataclass(frozen=True)
class Viewer:
    """Who is asking, from where, and for what stated purpose (if any yet)."""

    user: object
    purpose: AccessPurpose | None = None
    ip_address: str | None = None


@dataclass(frozen=True)
class Scope:
    """What the gate lets this read see. Made only by the gate."""

    user_id: int
    agency_id: int
    today: date
    # Involvements that ended before this date are kept (for 36 months) but not shown.
    shown_from: date
    _made_by: object

    def __post_init__(self):
        if self._made_by is not _GATE:
            raise PermissionDenied("Personal data is read only through the access gate.")

    def sees_details_of(self, agency_id: int, restricted: bool) -> bool:
        """A restricted record's details are for its own agency; everyone else is told whom to contact."""
        return not restricted or agency_id == self.agency_id


def through_gate(
    viewer: Viewer,
    action: Action,
    read: Callable[[Scope], T],
    *,
    target: str = "",
    detail: dict | None = None,
    describe: Callable[[T], dict] | None = None,
) -> T:
    """Run `read` if the policy allows it, auditing it in the same transaction; refuse (and audit the
    refusal) if not. `describe` adds what was shown, from the result, to the audit event's detail."""
    user = viewer.user
    implied = implied_purpose(action)
    purpose_code, purpose_reference = ("", "")
    if viewer.purpose is not None:
        purpose_code, purpose_reference = viewer.purpose.reason, viewer.purpose.reference
    elif implied is not None:
        purpose_code = implied[0]

    def refuse(why: str) -> None:
        if getattr(user, "is_authenticated", False):
            chain.append(
                user=user,
                action=str(action),
                outcome=AuditEvent.Outcome.DENIED,
                target=target,
                detail={**(detail or {}), "refused": why},
                purpose_code=purpose_code,
                purpose_reference=purpose_reference,
                ip_address=viewer.ip_address,
            )

    if not allows(user, action):
        refuse("role")
        raise PermissionDenied("Your role does not allow this.")
    if implied is None and viewer.purpose is None:
        raise PurposeRequired()
    try:
        reading.send(sender=Viewer, viewer=viewer, action=action)
    except Throttled:
        refuse("rate limit")
        raise
    today = timezone.localdate()
    scope = Scope(
        user_id=user.pk,
        agency_id=user.agency_id,
        today=today,
        shown_from=display_from(today),
        _made_by=_GATE,
    )
    try:
        with transaction.atomic():
            result = read(scope)
            chain.append(
                user=user,
                action=str(action),
                target=target,
                detail={**(detail or {}), **(describe(result) if describe else {})},
                purpose_code=purpose_code,
                purpose_reference=purpose_reference,
                ip_address=viewer.ip_address,
            )
    except PermissionDenied:
        # Refused by the data's own rule (another partner's feed, a pair outside the reviewer's feeds).
        refuse("record")
        raise
    return result
