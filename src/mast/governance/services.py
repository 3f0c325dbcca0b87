"""What the data-sharing agreement says, for the rest of MAST to act on.

The display window and the retention period come from the agreement in force; with none recorded (a new
installation, most tests) they fall back to the MAST_DISPLAY_MONTHS and MAST_RETENTION_MONTHS settings. So do
the due times of targeted requests, which fall back to 4 hours (red), 24 hours (amber) and 3 working days
(green), escalated 24 hours after they become overdue.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from mast.canonical import FIELD_NAMES
from mast.governance.models import AgreementPartner, Purpose, SharingAgreement
from mast.request_memo import once

# How the agreement page names and groups the canonical fields; a field not listed is named from its code.
FIELD_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "The person",
        ("given_name", "middle_names", "family_name", "other_names", "date_of_birth", "sex", "nhs_number"),
    ),
    ("Their address", ("address_line_1", "address_line_2", "address_line_3", "town", "postcode", "uprn")),
    (
        "The involvement",
        ("record_id", "person_ref", "involvement_type", "start_date", "end_date", "status", "restricted"),
    ),
    ("Who to contact", ("lead_practitioner", "team", "contact_phone", "contact_email")),
)
FIELD_LABELS: dict[str, str] = {
    "given_name": "given name",
    "middle_names": "middle names",
    "family_name": "family name",
    "other_names": "other names and aliases",
    "date_of_birth": "date of birth",
    "sex": "sex",
    "nhs_number": "NHS number",
    "address_line_1": "address line 1",
    "address_line_2": "address line 2",
    "address_line_3": "address line 3",
    "town": "town",
    "postcode": "postcode",
    "uprn": "UPRN",
    "record_id": "involvement reference",
    "person_ref": "person reference",
    "involvement_type": "type of involvement",
    "start_date": "start date",
    "end_date": "end date",
    "status": "open or closed",
    "restricted": "whether the record is restricted",
    "lead_practitioner": "lead practitioner",
    "team": "team",
    "contact_phone": "phone",
    "contact_email": "email",
}


def current_agreement(today: date | None = None) -> SharingAgreement | None:
    """The agreement in force on `today`: the latest version every partner approved that has started and not
    ended; None if there is none. A draft, or a version still waiting for a partner, is never in force."""
    today = today or timezone.localdate()
    return once(
        ("agreement in force", today),
        lambda: (
            SharingAgreement.objects.filter(status=SharingAgreement.Status.APPROVED, start_date__lte=today)
            .exclude(end_date__lt=today)
            .order_by("-start_date", "-pk")
            .first()
        ),
    )


def purposes(today: date | None = None) -> QuerySet[Purpose]:
    """The purposes a practitioner may give for looking, in the order the agreement lists them.

    Those the agreement in force names, and only active ones: a purpose the partners withdrew is kept (audit
    events name it) but no longer offered. An agreement recorded without purposes (before versions named
    theirs) allows every active one.
    """
    chosen = Purpose.objects.filter(is_active=True)
    agreement = current_agreement(today)
    if agreement is not None and agreement.purpose_terms:
        chosen = chosen.filter(code__in=[term["code"] for term in agreement.purpose_terms])
    return chosen.order_by("order", "label")


def purpose_terms(agreement: SharingAgreement) -> list[dict]:
    """The purposes a version allows with the law each rests on, as that version records them."""
    if agreement.purpose_terms:
        return list(agreement.purpose_terms)
    return [{"code": p.code, "label": p.label, "legislation": p.legislation} for p in purposes()]


def display_window_months(today: date | None = None) -> int:
    """How many months of involvements practitioners see by default."""
    agreement = current_agreement(today)
    return agreement.display_window_months if agreement else settings.MAST_DISPLAY_MONTHS


def retention_months(today: date | None = None) -> int:
    """How many months headline data is kept before the purge removes it."""
    agreement = current_agreement(today)
    return agreement.retention_months if agreement else settings.MAST_RETENTION_MONTHS


@dataclass(frozen=True)
class RequestTimes:
    """How soon a targeted request should be answered, by priority, and when an overdue one is escalated."""

    red_hours: int = 4
    amber_hours: int = 24
    green_working_days: int = 3
    escalate_after_hours: int = 24


def request_times(today: date | None = None) -> RequestTimes:
    """The agreement in force's due times for requests; MAST's defaults when no agreement is recorded."""
    agreement = current_agreement(today)
    if agreement is None:
        return RequestTimes()
    return RequestTimes(
        red_hours=agreement.red_due_hours,
        amber_hours=agreement.amber_due_hours,
        green_working_days=agreement.green_due_working_days,
        escalate_after_hours=agreement.escalate_after_hours,
    )


def fields_shared_by(agency, today: date | None = None) -> list[str] | None:
    """The canonical fields `agency` shares under the agreement in force; None when no agreement is in force
    or it does not name the agency (whether it may send at all is governance.standing's question)."""
    agreement = current_agreement(today)
    if agreement is None:
        return None
    entry = agreement.partners.filter(agency=agency).first()
    return list(entry.fields_shared) if entry else None


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name, name.replace("_", " "))


@dataclass(frozen=True)
class FieldGroup:
    title: str
    labels: list[str]


def fields_by_group(fields: list[str]) -> list[FieldGroup]:
    """The fields a partner shares, grouped and named as the agreement page shows them, in canonical order."""
    chosen = set(fields)
    groups = [
        FieldGroup(title, [field_label(f) for f in names if f in chosen]) for title, names in FIELD_GROUPS
    ]
    grouped = {f for _, names in FIELD_GROUPS for f in names}
    others = [field_label(f) for f in FIELD_NAMES if f in chosen and f not in grouped]
    if others:
        groups.append(FieldGroup("Other", others))
    return [group for group in groups if group.labels]


@dataclass(frozen=True)
class PartnerSummary:
    name: str
    role: str
    shares: list[FieldGroup]


@dataclass(frozen=True)
class AgreementSummary:
    agreement: SharingAgreement
    review_overdue: bool
    purposes: list[dict]
    providers: list[PartnerSummary]
    users: list[PartnerSummary]


def agreement_summary(today: date | None = None) -> AgreementSummary | None:
    """The agreement in force, as its page shows it; None if no agreement has been recorded."""
    today = today or timezone.localdate()
    agreement = current_agreement(today)
    if agreement is None:
        return None
    partners = [
        PartnerSummary(p.agency.name, p.get_role_display(), fields_by_group(p.fields_shared))
        for p in agreement.partners.select_related("agency").order_by("agency__name")
    ]
    return AgreementSummary(
        agreement=agreement,
        review_overdue=agreement.review_date < today,
        purposes=[
            t
            for t in purpose_terms(agreement)
            if t["code"] in set(purposes(today).values_list("code", flat=True))
        ],
        providers=[p for p in partners if p.shares],
        users=[p for p in partners if not p.shares],
    )


def partner_entry(
    agreement: SharingAgreement, agency, role: str, fields_shared: list[str] | tuple[str, ...] = ()
) -> AgreementPartner:
    """Add or update one partner's entry, checked: only canonical fields, kept in canonical order."""
    ordered = [f for f in FIELD_NAMES if f in set(fields_shared)]
    entry = AgreementPartner.objects.filter(agreement=agreement, agency=agency).first() or AgreementPartner(
        agreement=agreement, agency=agency
    )
    entry.role = role
    # Unknown names are kept for full_clean to name them, rather than silently dropped.
    entry.fields_shared = ordered + sorted(set(fields_shared) - set(FIELD_NAMES))
    entry.full_clean()
    entry.save()
    return entry
