"""A subject-access pack for one person (UK GDPR Article 15; DPA 2018 s45): everything MAST holds about them,
and every time MAST showed them to someone, asked about them or told someone about them.

It is the IG officer's working copy, not the letter to the person: restricted records and the names of
practitioners are included, marked, so the IG officer can decide what to withhold (a refuge's address, a
third party) before anything is disclosed. Records merged into this person are part of their pack.
"""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from mast.alerts.models import Alert
from mast.audit.models import AuditEvent
from mast.canonical import CATEGORIES
from mast.feeds.models import Involvement, PartnerRecord
from mast.gate.gate import Scope
from mast.identity.models import PersonLink
from mast.oversight import words
from mast.oversight.who_viewed import Look, Subject, every_look, subject
from mast.requests.models import Request


@dataclass(frozen=True)
class Line:
    """One thing held, in a shape both the CSV and the PDF read: which part of the pack, when, whose, what."""

    part: str
    when: date | datetime | None
    agency: str
    what: str
    details: tuple[tuple[str, str], ...]
    restricted: bool = False


@dataclass(frozen=True)
class Pack:
    subject: Subject
    made_at: datetime
    held: tuple[Line, ...]
    # Every look, newest first, read lazily (a person in the news may have been shown thousands of times).
    looks: Iterator[Look]


RECORDS = "Record held by a partner"
INVOLVEMENTS = "Involvement"
REQUESTS = "Request or referral about them"
ALERTS = "Alert sent to a practitioner about them"
OVERSIGHT = "Oversight of their record"
SHOWN = "Shown to someone"
# IG officers' own reading of who looked at them (not in oversight's index, which is of practice).
_OVERSIGHT_ACTIONS = ("view_who_viewed", "export_who_viewed", "export_subject_access", "unlink_record")


_LABELS = {"nhs_number": "NHS number"}


def _pairs(**values) -> tuple[tuple[str, str], ...]:
    return tuple(
        (_LABELS.get(name, name.replace("_", " ").capitalize()), str(v))
        for name, v in values.items()
        if v not in ("", None)
    )


def _address(held) -> str:
    parts = (held.address_line_1, held.address_line_2, held.address_line_3, held.town, held.postcode)
    return ", ".join(p for p in parts if p)


def _records(ids) -> list[Line]:
    lines = []
    found = PartnerRecord.objects.filter(link__person__public_id__in=ids).select_related(
        "source__agency", "link"
    )
    for record in found.order_by("source__agency__name", "person_ref"):
        link = getattr(record, "link", None)
        lines.append(
            Line(
                RECORDS,
                record.updated_at,
                record.source.agency.name,
                f"{record.given_name} {record.middle_names} {record.family_name}".replace("  ", " ").strip(),
                _pairs(
                    their_reference=record.person_ref,
                    other_names=record.other_names,
                    date_of_birth=record.date_of_birth or record.date_of_birth_raw,
                    sex=record.sex,
                    nhs_number=record.nhs_number,
                    address=_address(record),
                    matched_by=dict(PersonLink.Method.choices).get(link.method, "") if link else "",
                    removed=record.removed_at.date() if record.removed_at else "",
                ),
            )
        )
    return lines


def _involvements(ids) -> list[Line]:
    found = (
        Involvement.objects.filter(partner_record__link__person__public_id__in=ids)
        .select_related("source__agency")
        .order_by("-start_date", "-pk")
    )
    return [
        Line(
            INVOLVEMENTS,
            i.start_date,
            i.source.agency.name,
            CATEGORIES.get(i.category, i.category),
            _pairs(
                their_label=i.involvement_type,
                their_reference=i.record_id,
                ended=i.end_date,
                status=i.get_status_display() if i.status else "",
                lead_practitioner=i.lead_practitioner,
                team=i.team,
                contact_phone=i.contact_phone,
                contact_email=i.contact_email,
                address=_address(i),
                removed=i.removed_at.date() if i.removed_at else "",
            ),
            restricted=i.restricted,
        )
        for i in found
    ]


def _requests(ids) -> list[Line]:
    found = (
        Request.objects.filter(person__public_id__in=ids)
        .select_related("from_agency", "to_agency", "from_user")
        .prefetch_related("events")
        .order_by("-sent_at")
    )
    lines = []
    for r in found:
        answers = "; ".join(f"{e.get_kind_display()}: {e.note}" for e in r.events.all() if e.note)
        lines.append(
            Line(
                REQUESTS,
                r.sent_at,
                r.from_agency.name,
                f"{r.get_kind_display()} to {r.to_agency.name}",
                _pairs(
                    sent_by=r.from_user.get_full_name() or r.from_user.username,
                    case_reference=r.purpose_reference,
                    question=r.question,
                    status=r.get_status_display(),
                    answers=answers,
                ),
            )
        )
    return lines


def _alerts(ids) -> list[Line]:
    found = (
        Alert.objects.filter(person__public_id__in=ids)
        .select_related("recipient__agency", "new_involvement__source__agency")
        .order_by("-created_at")
    )
    return [
        Line(
            ALERTS,
            a.created_at,
            a.recipient.agency.name if a.recipient.agency else "",
            f"Told {a.recipient.get_full_name() or a.recipient.username} of a new involvement",
            _pairs(new_involvement_from=a.new_involvement.source.agency.name),
        )
        for a in found
    ]


def _oversight(ids) -> list[Line]:
    found = AuditEvent.objects.filter(
        target__in=[f"person:{i}" for i in ids], action__in=_OVERSIGHT_ACTIONS
    ).order_by("-sequence")
    return [
        Line(OVERSIGHT, e.at, e.agency, words.action(e.action), _pairs(by=e.username, audit_event=e.sequence))
        for e in found
    ]


def pack(scope: Scope, public_id: uuid.UUID) -> Pack:
    person = subject(scope, public_id)
    ids = person.ids
    held = (*_records(ids), *_involvements(ids), *_requests(ids), *_alerts(ids), *_oversight(ids))
    _, looks = every_look(scope, public_id)
    return Pack(person, timezone.now(), held, looks)
