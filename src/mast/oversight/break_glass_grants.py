"""Who may break glass: the practitioners an IG officer (for their own agency) or an administrator (for any)
has named, and why. Naming and withdrawing are each written to the audit log in the same transaction; a
grant is withdrawn, never deleted, so "who could open restricted records on 3 March?" stays answerable.

The gate refuses break glass to a practitioner with no grant in force (mast.gate.policy NAMED_ONLY).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from mast.access.models import BreakGlassGrant, Role, User
from mast.audit import chain
from mast.gate.policy import GOVERNANCE, Action


def _everywhere(by: User) -> bool:
    return by.role == Role.ADMINISTRATOR


def grants(by: User) -> QuerySet[BreakGlassGrant]:
    """Every grant, in force and withdrawn, that `by` may see: their agency's, or all for an administrator."""
    found = BreakGlassGrant.objects.select_related("user__agency", "granted_by", "withdrawn_by")
    return found if _everywhere(by) else found.filter(user__agency_id=by.agency_id)


def candidates(by: User) -> QuerySet[User]:
    """Active practitioners `by` may name who are not named now."""
    in_force = BreakGlassGrant.objects.filter(withdrawn_at__isnull=True).values("user_id")
    found = User.objects.filter(role=Role.PRACTITIONER, is_active=True).exclude(pk__in=in_force)
    if not _everywhere(by):
        found = found.filter(agency_id=by.agency_id)
    return found.select_related("agency").order_by("agency__name", "last_name", "first_name")


def _record(by: User, user: User, change: str, ip_address: str | None, **detail) -> None:
    chain.append(
        user=by,
        action=str(Action.MANAGE_BREAK_GLASS),
        target=f"user:{user.username}",
        detail={"change": change, "agency": user.agency.name if user.agency else "", **detail},
        purpose_code=GOVERNANCE[0],
        ip_address=ip_address,
    )


@transaction.atomic
def grant(by: User, user: User, why: str, ip_address: str | None = None) -> BreakGlassGrant:
    # Locked before the check, so two IG officers naming the same person at once make one grant, not two
    # (and the database's one-live-grant constraint stands behind it).
    User.objects.select_for_update().filter(pk=user.pk).first()
    if not candidates(by).filter(pk=user.pk).exists():
        if BreakGlassGrant.objects.filter(user=user, withdrawn_at__isnull=True).exists():
            raise ValidationError({"user": f"{user} may already break glass"})
        raise ValidationError({"user": "Choose an active practitioner in your agency"})
    made = BreakGlassGrant.objects.create(user=user, why=why, granted_by=by)
    _record(by, user, "named", ip_address, why=why)
    return made


@transaction.atomic
def withdraw(by: User, grant_id: int, ip_address: str | None = None) -> BreakGlassGrant:
    found = grants(by).select_for_update(of=("self",)).filter(pk=grant_id, withdrawn_at__isnull=True).first()
    if found is None:
        raise ValidationError("That permission has already been withdrawn, or is not your agency's")
    found.withdrawn_by, found.withdrawn_at = by, timezone.now()
    found.save(update_fields=["withdrawn_by", "withdrawn_at"])
    _record(by, found.user, "withdrawn", ip_address, granted_at=found.granted_at.isoformat())
    return found
