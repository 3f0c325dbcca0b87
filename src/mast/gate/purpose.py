"""Stating the purpose of access: which referral or case, and which of the agreement's purposes.

The current purpose is kept in the user's session: it lasts until they state another (a new case) or sign
out (a new session), and every audit event until then carries it.
"""

from django.core.exceptions import ValidationError

from mast.access.models import AccessPurpose
from mast.governance.services import purposes

SESSION_KEY = "mast_purpose_id"
REFERENCE_MAX = 100


def reasons() -> list[tuple[str, str]]:
    """The purposes a practitioner may choose from: the data-sharing agreement's, as (code, label)."""
    return [(p.code, p.label) for p in purposes()]


def declare(session, user, *, reference: str, reason: str) -> AccessPurpose:
    """Record why the user is about to look, and make it the purpose of everything they do next."""
    reference = " ".join((reference or "").split())
    if not reference:
        raise ValidationError({"reference": "Enter the referral or case reference"})
    if len(reference) > REFERENCE_MAX:
        raise ValidationError({"reference": f"The reference must be {REFERENCE_MAX} characters or fewer"})
    labels = dict(reasons())
    if reason not in labels:
        raise ValidationError({"reason": "Select why you need to look"})
    purpose = AccessPurpose.objects.create(
        user=user, reference=reference, reason=reason, reason_label=labels[reason]
    )
    session[SESSION_KEY] = purpose.pk
    return purpose


def current(session, user) -> AccessPurpose | None:
    """The purpose this user stated in this session, if any."""
    purpose_id = session.get(SESSION_KEY)
    if not purpose_id or not getattr(user, "is_authenticated", False):
        return None
    return AccessPurpose.objects.filter(pk=purpose_id, user=user).first()
