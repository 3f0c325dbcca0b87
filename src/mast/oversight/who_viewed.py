"""Who looked at this person, and why: every view, print, search that listed them, address or family page that
showed them, referral and request, with who, which agency, for which case and purpose, and when, in names
and plain words, for IG officers (DPA 2018 s62; the NHS's "who has accessed my record").

Read from oversight's index of the audit log (`Shown`), newest first, joined to the events themselves.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from django.core.paginator import Paginator

from mast.access.models import Role, User
from mast.audit.models import AuditEvent
from mast.feeds.models import PartnerRecord
from mast.gate.gate import NotFound, Scope
from mast.identity.models import Person
from mast.oversight import words
from mast.oversight.models import Shown

PAGE_SIZE = 50


class NoSuchPerson(NotFound):
    message = "No person has this id."


@dataclass(frozen=True)
class Look:
    sequence: int
    at: datetime
    who: str
    username: str
    agency: str
    role: str
    how: str
    purpose: str
    reference: str
    terms: str
    ip_address: str
    # The reason written when breaking the glass on a restricted record; blank for every other look.
    reason: str = ""
    subject: str = ""


@dataclass(frozen=True)
class Subject:
    public_id: uuid.UUID
    name: str
    date_of_birth: date | None
    # Earlier ids of this person (records merged into them): their history is part of this one.
    merged_ids: tuple[uuid.UUID, ...]

    @property
    def ids(self) -> list[uuid.UUID]:
        return [self.public_id, *self.merged_ids]


def subject(scope: Scope, public_id: uuid.UUID) -> Subject:
    person = Person.objects.filter(public_id=public_id).first()
    if person is None:
        raise NoSuchPerson(str(public_id))
    merged = tuple(Person.objects.filter(merged_into=person).values_list("public_id", flat=True))
    record = (
        PartnerRecord.objects.filter(link__person=person).order_by("removed_at", "-updated_at", "-pk").first()
    )
    name = f"{record.given_name} {record.family_name}".strip() if record else "(no records held now)"
    return Subject(person.public_id, name, record.date_of_birth if record else None, merged)


def looks_of(rows) -> list[Look]:
    """Shown rows, in names and plain words (oversight.agency_use reads them too)."""
    return _looks(rows)


def _looks(rows) -> list[Look]:
    rows = list(rows)
    sequences = {row.event_id for row in rows}
    events = {e.sequence: e for e in AuditEvent.objects.filter(sequence__in=sequences)}
    names = {
        u.username: u.get_full_name() or u.username
        for u in User.objects.filter(username__in={e.username for e in events.values()})
    }
    roles = dict(Role.choices)
    looks = []
    for row in rows:
        event = events.get(row.event_id)
        if event is None:
            continue
        looks.append(
            Look(
                sequence=event.sequence,
                at=event.at,
                who=names.get(event.username, event.username),
                username=event.username,
                agency=event.agency,
                role=roles.get(event.role, event.role),
                how=Shown.How(row.how).label,
                purpose=words.purpose(event.purpose_code),
                reference=event.purpose_reference,
                terms=words.terms(event.detail) if event.action == "search_people" else "",
                ip_address=event.ip_address or "",
                reason=(event.detail or {}).get("reason", "") if event.action == "break_glass" else "",
                subject=str(row.subject),
            )
        )
    return looks


def history(scope: Scope, public_id: uuid.UUID, page: str | int = 1):
    """The person, and one page of the looks at them, newest first."""
    person = subject(scope, public_id)
    rows = Shown.objects.filter(subject__in=person.ids).order_by("-event_id", "how")
    found = Paginator(rows, PAGE_SIZE).get_page(page)
    found.object_list = _looks(found.object_list)
    return person, found


def every_look(scope: Scope, public_id: uuid.UUID):
    """The person, and every look at them (for the CSV), newest first, read in pages of a thousand."""
    person = subject(scope, public_id)
    rows = Shown.objects.filter(subject__in=person.ids).order_by("-event_id", "how")

    def looks():
        after = None
        while True:
            chunk = rows if after is None else rows.filter(event_id__lt=after)
            chunk = list(chunk[:1000])
            if not chunk:
                return
            yield from _looks(chunk)
            after = chunk[-1].event_id
            # Several rows of the last event may straddle the chunk: take all of them now.
            rest = rows.filter(event_id=after).exclude(pk__in=[r.pk for r in chunk])
            yield from _looks(rest)

    return person, looks()
