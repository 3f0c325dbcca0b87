"""Sending requests. Referrals about open cases go to the allocated worker and team named in the feed."""

from django.core.exceptions import ValidationError

from mast.access.gate import Scope
from mast.feeds.models import Involvement
from mast.people.person import find_person
from mast.requests.models import Request

QUESTION_MAX = 5000


def send_referral(
    scope: Scope, *, user, purpose, public_id, involvement_id: int, summary: str, priority: str = "amber"
) -> Request:
    """Send a referral about this person to the allocated worker of one of their open involvements."""
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": "Enter what the referral is about"})
    if len(summary) > QUESTION_MAX:
        raise ValidationError({"summary": f"The referral must be {QUESTION_MAX:,} characters or fewer"})
    if priority not in Request.Priority.values:
        raise ValidationError({"priority": "Select a priority"})
    person = find_person(public_id)
    involvement = (
        Involvement.objects.filter(
            pk=involvement_id,
            partner_record__link__person=person,
            removed_at__isnull=True,
            status=Involvement.Status.OPEN,
        )
        .select_related("source__agency")
        .first()
    )
    if involvement is None:
        raise ValidationError({"involvement": "Select an open case of this person's"})
    # A restricted case's worker is not named to other agencies: the referral goes to the agency's front door.
    named = scope.sees_details_of(involvement.source.agency_id, involvement.restricted)
    return Request.objects.create(
        kind=Request.Kind.REFERRAL,
        person=person,
        involvement=involvement,
        from_user=user,
        from_agency_id=user.agency_id,
        to_agency=involvement.source.agency,
        to_team=involvement.team if named else "",
        to_worker=involvement.lead_practitioner if named else "",
        to_email=involvement.contact_email if named else "",
        purpose_code=purpose.reason,
        purpose_reference=purpose.reference,
        question=summary,
        priority=priority,
    )
