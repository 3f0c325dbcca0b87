"""The IG officer's oversight queue: their agency's alerts, open first, and one alert with what raised it."""

import uuid
from dataclasses import dataclass

from django.core.paginator import Paginator

from mast.audit.models import AuditEvent
from mast.gate.gate import NotFound, Scope
from mast.oversight import words
from mast.oversight.models import OversightAlert
from mast.oversight.names import PersonLine, people_named


class NoSuchAlert(NotFound):
    message = "No alert of your agency has this id."


@dataclass(frozen=True)
class EventLine:
    sequence: int
    at: object
    what: str
    target: str
    purpose: str
    reference: str
    terms: str


@dataclass(frozen=True)
class AlertDetail:
    alert: OversightAlert
    events: tuple[EventLine, ...]
    people: tuple[PersonLine, ...]
    more_events: int


def alerts(scope: Scope, status: str = "open", page: str | int = 1):
    found = OversightAlert.objects.filter(agency_id=scope.agency_id).select_related("subject__agency")
    if status in OversightAlert.Status.values:
        found = found.filter(status=status)
    return Paginator(found.order_by("-last_seen_at"), 25).get_page(page)


def open_count(scope: Scope) -> int:
    return OversightAlert.objects.filter(agency_id=scope.agency_id, status="open").count()


def alert(scope: Scope, public_id: uuid.UUID, shown: int = 100) -> AlertDetail:
    """One of the IG officer's own agency's alerts (another agency's is as if it did not exist)."""
    found = (
        OversightAlert.objects.filter(public_id=public_id, agency_id=scope.agency_id)
        .select_related("subject__agency", "closed_by")
        .first()
    )
    if found is None:
        raise NoSuchAlert(str(public_id))
    sequences = found.events[-shown:]
    events = AuditEvent.objects.filter(sequence__in=sequences).order_by("-sequence")
    lines = tuple(
        EventLine(
            e.sequence,
            e.at,
            words.action(e.action),
            e.target,
            words.purpose(e.purpose_code),
            e.purpose_reference,
            words.terms(e.detail) if e.action == "search_people" else "",
        )
        for e in events
    )
    return AlertDetail(
        found, lines, tuple(people_named(found.people[:200])), max(0, len(found.events) - shown)
    )
