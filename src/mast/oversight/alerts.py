"""Raising oversight alerts to IG officers (at once: a page and an email), and closing them with an outcome.

A rule that keeps firing on the same stretch of use adds to the open alert rather than raising another, so an
IG officer sees one alert about one afternoon's harvesting, with every event in it, not four hundred.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mast.access.models import Role, User
from mast.audit.models import AuditEvent
from mast.governance.models import AgreementPartner
from mast.governance.services import current_agreement
from mast.notifications.messages import build
from mast.notifications.services import send
from mast.oversight.models import OversightAlert
from mast.request_memo import once

# An open alert of the same rule about the same user, touched this recently, is the same stretch of use.
SAME_STRETCH = timedelta(hours=2)
NOTE_MIN = 10


def reviewing_agency(agency_id: int) -> int:
    """Whose IG officers review an alert about this agency: its own, or, when it has none (a small partner
    such as a housing association), those of the agency that hosts MAST for the partnership, so that no
    alert goes unread. Read once per request (`mast.request_memo`): a look that breaks three rules raises
    three findings about one agency, and each asked again."""
    if once(("has IG officers", agency_id), ig_officers(agency_id).exists):
        return agency_id
    agreement = current_agreement()
    host = (
        AgreementPartner.objects.filter(agreement=agreement, role=AgreementPartner.Role.HOST)
        .values_list("agency_id", flat=True)
        .first()
        if agreement
        else None
    )
    return host or agency_id


def raise_alert(finding, event: AuditEvent) -> OversightAlert:
    finding.agency_id = reviewing_agency(finding.agency_id)
    with transaction.atomic():
        open_alerts = OversightAlert.objects.select_for_update().filter(
            rule=finding.rule, subject_id=event.user_id, agency_id=finding.agency_id, status="open"
        )
        if finding.per_person:
            existing = next((a for a in open_alerts if set(finding.people) & set(a.people)), None)
        else:
            existing = open_alerts.filter(last_seen_at__gte=timezone.now() - SAME_STRETCH).first()
        if existing is not None:
            existing.events = [*existing.events, event.sequence][-1000:]
            existing.people = list(dict.fromkeys([*existing.people, *finding.people]))[:1000]
            existing.summary = finding.summary
            existing.save(update_fields=["events", "people", "summary", "last_seen_at"])
            return existing
        alert = OversightAlert.objects.create(
            rule=finding.rule,
            agency_id=finding.agency_id,
            subject_id=event.user_id,
            summary=finding.summary,
            events=[event.sequence],
            people=finding.people,
        )
    tell_ig_officers(alert)
    return alert


def ig_officers(agency_id: int):
    return User.objects.filter(agency_id=agency_id, role=Role.IG_OFFICER, is_active=True)


def tell_ig_officers(alert: OversightAlert) -> int:
    """An email with a neutral line and a link: what happened is read in MAST, through the gate."""
    message = build("oversight_alert", reverse("web:oversight-alert", args=[alert.public_id]))
    to = list(ig_officers(alert.agency_id).exclude(email="").values_list("email", flat=True))
    return send(to, message.subject, message.body, kind=message.kind)


def close(alert: OversightAlert, by: User, *, outcome: str, note: str) -> OversightAlert:
    """Close an open alert with its outcome and a note. Only an IG officer of the alert's agency may; a closed
    alert stays closed (a new concern is a new alert)."""
    if by.role != Role.IG_OFFICER or by.agency_id != alert.agency_id:
        raise PermissionDenied("Only the agency's IG officers close its oversight alerts.")
    if by.pk == alert.subject_id:
        raise PermissionDenied("An alert about your own use is closed by another IG officer.")
    note = (note or "").strip()
    errors = {}
    if outcome not in OversightAlert.Outcome.values:
        errors["outcome"] = "Select what you found"
    if len(note) < NOTE_MIN:
        errors["note"] = f"Say what you found and did, in {NOTE_MIN} characters or more"
    if len(note) > 2000:
        errors["note"] = "The note must be 2,000 characters or fewer"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = OversightAlert.objects.select_for_update().get(pk=alert.pk)
        if locked.status != OversightAlert.Status.OPEN:
            raise ValidationError({"outcome": "This alert is already closed"})
        locked.status = OversightAlert.Status.CLOSED
        locked.outcome, locked.note = outcome, note
        locked.closed_by, locked.closed_at = by, timezone.now()
        locked.save(update_fields=["status", "outcome", "note", "closed_by", "closed_at"])
    return locked


def raise_throttled(user: User, said: str) -> OversightAlert:
    """A user stopped by a rate limit: one alert per stretch, with no audit event of its own to point at (the
    gate audits the refusal itself, next)."""
    agency_id = reviewing_agency(user.agency_id)
    with transaction.atomic():
        existing = (
            OversightAlert.objects.select_for_update()
            .filter(
                rule=OversightAlert.Rule.THROTTLED,
                subject=user,
                agency_id=agency_id,
                status="open",
                last_seen_at__gte=timezone.now() - SAME_STRETCH,
            )
            .first()
        )
        summary = f"{user.get_full_name() or user.username} reached the limit of {said} and was stopped."
        if existing is not None:
            existing.summary = summary
            existing.save(update_fields=["summary", "last_seen_at"])
            return existing
        alert = OversightAlert.objects.create(
            rule=OversightAlert.Rule.THROTTLED, agency_id=agency_id, subject=user, summary=summary
        )
    tell_ig_officers(alert)
    return alert
