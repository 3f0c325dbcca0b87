"""Stating the purpose of access: which referral or case, and which of the agreement's purposes.

The current purpose is kept in the user's session. It lasts until they state another (a new case), sign out,
or leave it unused for MAST_PURPOSE_IDLE_MINUTES (30 by default): a purpose stated in the morning does not
cover a search made after lunch for something else. Every audit event until then carries it.
"""

import time

from django.conf import settings
from django.core.exceptions import ValidationError

from mast.access import case_reference
from mast.access.models import AccessPurpose
from mast.governance.services import purposes

SESSION_KEY = "mast_purpose_id"
USED_AT_KEY = "mast_purpose_used_at"
# Set when a purpose lapsed for want of use, so the purpose page can say why it is asking again.
LAPSED_KEY = "mast_purpose_lapsed"
REFERENCE_MAX = 100


def reasons() -> list[tuple[str, str]]:
    """The purposes a practitioner may choose from: the data-sharing agreement's, as (code, label)."""
    return [(p.code, p.label) for p in purposes()]


def idle_limit_seconds() -> int:
    return settings.MAST_PURPOSE_IDLE_MINUTES * 60


def declare(session, user, *, reference: str, reason: str) -> AccessPurpose:
    """Record why the user is about to look, and make it the purpose of everything they do next."""
    reference = " ".join((reference or "").split())
    if not reference:
        raise ValidationError({"reference": "Enter the referral or case reference"})
    if len(reference) > REFERENCE_MAX:
        raise ValidationError({"reference": f"The reference must be {REFERENCE_MAX} characters or fewer"})
    case_reference.check(getattr(user, "agency", None), reference)
    labels = dict(reasons())
    if reason not in labels:
        raise ValidationError({"reason": "Select why you need to look"})
    purpose = AccessPurpose.objects.create(
        user=user, reference=reference, reason=reason, reason_label=labels[reason]
    )
    session[SESSION_KEY] = purpose.pk
    session[USED_AT_KEY] = int(time.time())
    session.pop(LAPSED_KEY, None)
    return purpose


def current(session, user, *, now: float | None = None) -> AccessPurpose | None:
    """The purpose this user stated in this session, if it is still in use; reading it counts as using it."""
    purpose_id = session.get(SESSION_KEY)
    if not purpose_id or not getattr(user, "is_authenticated", False):
        return None
    now = time.time() if now is None else now
    # A session from before purposes lapsed has no time of last use: it counts from now.
    used_at = session.get(USED_AT_KEY, now)
    if now - used_at > idle_limit_seconds():
        end(session)
        session[LAPSED_KEY] = True
        return None
    purpose = AccessPurpose.objects.filter(pk=purpose_id, user=user).first()
    if purpose is not None:
        session[USED_AT_KEY] = int(now)
    return purpose


def end(session) -> None:
    """The practitioner has finished with this case: nothing more is done under it."""
    session.pop(SESSION_KEY, None)
    session.pop(USED_AT_KEY, None)


def lapsed(session) -> bool:
    return bool(session.get(LAPSED_KEY))
