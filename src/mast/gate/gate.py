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
from mast.audit import chain
from mast.audit.models import AuditEvent
from mast.feeds.retention import display_from
from mast.gate.policy import (
    SENDS_UNDER_AGREEMENT,
    USES_AGREEMENT,
    Action,
    allows,
    implied_purpose,
    named_for,
)
from mast.governance.standing import Standing, standing

T = TypeVar("T")
_GATE = object()


class NotFound(LookupError):
    """What a read asked for does not exist, or no longer does (a person, an address, a request). Raised
    through the gate and answered 404 once, by web's middleware, with `message`."""

    message = "Nothing has this id."


class PurposeRequired(Exception):
    """The user must say which case they are working on, and why, before this read."""


class Throttled(PermissionDenied):
    """This user has searched or looked more in the last minute or hour than real work needs: refused for now.

    Raised by a receiver of `reading` (mast.oversight.throttle), which knows the limits; the gate audits the
    refusal like any other."""

    def __init__(self, message: str, retry_after_seconds: int):
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class NotNamed(PermissionDenied):
    """The user's role may do this, but only users named for it may (break glass): web answers with a page
    saying so and whom to ask, not the bare refusal of a role."""

    def __init__(self, action: Action):
        super().__init__("You have not been named for this.")
        self.action = action


class OutsideAgreement(PermissionDenied):
    """The sharing agreement does not let this user's agency do this today: none in force, or the agency not
    (or no longer) a party, or not one that shares data. Web answers with a page saying why and
    whom to ask."""

    def __init__(self, said: Standing):
        super().__init__(said.why)
        self.standing = said


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
    # Set only for Action.BREAK_GLASS: this one read shows restricted records' details too.
    glass_broken: bool = False

    def __post_init__(self):
        if self._made_by is not _GATE:
            raise PermissionDenied("Personal data is read only through the access gate.")

    def sees_details_of(self, agency_id: int, restricted: bool) -> bool:
        """A restricted record's details are for its own agency; everyone else is told whom to contact."""
        return not restricted or agency_id == self.agency_id or self.glass_broken


def _purpose_of(viewer: Viewer, action: Action) -> tuple[str, str]:
    """The purpose an audit event records: the one stated, else the one the action implies."""
    if viewer.purpose is not None:
        return viewer.purpose.reason, viewer.purpose.reference
    implied = implied_purpose(action)
    return (implied[0], "") if implied is not None else ("", "")


def _audit_refusal(viewer: Viewer, action: Action, why: str, target: str, detail: dict | None) -> None:
    if getattr(viewer.user, "is_authenticated", False):
        purpose_code, purpose_reference = _purpose_of(viewer, action)
        chain.append(
            user=viewer.user,
            action=str(action),
            outcome=AuditEvent.Outcome.DENIED,
            target=target,
            detail={**(detail or {}), "refused": why},
            purpose_code=purpose_code,
            purpose_reference=purpose_reference,
            ip_address=viewer.ip_address,
        )


def refuse_unless_allowed(viewer: Viewer, action: Action, *, target: str = "", detail: dict | None = None):
    """The policy's check on its own, before a page does anything (web's `@requires`): refuses, and audits
    the refusal as `through_gate` does, if this role may not do this at all."""
    if not allows(viewer.user, action):
        _audit_refusal(viewer, action, "role", target, detail)
        raise PermissionDenied("Your role does not allow this.")
    if not named_for(viewer.user, action):
        _audit_refusal(viewer, action, "not named", target, detail)
        raise NotNamed(action)
    if action in USES_AGREEMENT or action in SENDS_UNDER_AGREEMENT:
        said = standing(viewer.user.agency, sending=action in SENDS_UNDER_AGREEMENT)
        if not said.allowed:
            _audit_refusal(viewer, action, "agreement", target, {**(detail or {}), "why": said.why})
            raise OutsideAgreement(said)


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
    refuse_unless_allowed(viewer, action, target=target, detail=detail)
    if implied_purpose(action) is None and viewer.purpose is None:
        raise PurposeRequired()
    try:
        reading.send(sender=Viewer, viewer=viewer, action=action)
    except Throttled:
        _audit_refusal(viewer, action, "rate limit", target, detail)
        raise
    purpose_code, purpose_reference = _purpose_of(viewer, action)
    today = timezone.localdate()
    scope = Scope(
        user_id=user.pk,
        agency_id=user.agency_id,
        today=today,
        shown_from=display_from(today),
        _made_by=_GATE,
        glass_broken=action == Action.BREAK_GLASS,
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
        _audit_refusal(viewer, action, "record", target, detail)
        raise
    return result
