"""A version of the sharing agreement from draft to in force: drafted by an IG officer, sent to every
partner's nominated approver, approved (or rejected with a note) by each, and in force on its start date once
all have approved. Every step is written to the audit log in the same transaction as the change.

Only a draft can be changed. A rejection sends the version back to draft with the partner's note on it; the
IG officer changes it and sends it again, and every partner is asked again (what they approved has changed).
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mast.access.models import Agency, Role, User
from mast.audit import chain
from mast.canonical import FIELD_NAMES, REQUIRED_FIELDS
from mast.governance.models import AgreementPartner, Purpose, SharingAgreement
from mast.governance.services import field_label
from mast.notifications.services import send_to_users
from mast.wording import possessive

Status = SharingAgreement.Status
Decision = AgreementPartner.Decision
PURPOSE_CODE = "governance"

# The agreement's own terms an IG officer edits on the "details" page, in the order the page shows them.
DETAIL_FIELDS = (
    "title",
    "reference",
    "version",
    "start_date",
    "end_date",
    "review_date",
    "display_window_months",
    "retention_months",
    "red_due_hours",
    "amber_due_hours",
    "green_due_working_days",
    "escalate_after_hours",
    "lawful_basis",
    "special_category_condition",
    "criminal_offence_condition",
    "contact_name",
    "contact_email",
    "change_note",
)


class AgreementError(Exception):
    """A step MAST will not take, with the reasons to show the IG officer or approver."""

    def __init__(self, *problems: str):
        super().__init__(" ".join(problems))
        self.problems = list(problems)


def _record(user, action: str, version: SharingAgreement, ip_address: str | None = None, **detail) -> None:
    chain.append(
        user=user,
        action=action,
        target=f"agreement:{version.pk}",
        detail={"version": f"{version.reference} v{version.version}", **detail},
        purpose_code=PURPOSE_CODE,
        ip_address=ip_address,
    )


def version_path(version: SharingAgreement) -> str:
    return reverse("web:agreement-version", args=[version.pk])


def open_version() -> SharingAgreement | None:
    """The version being drafted or waiting for approval, if any: there is at most one at a time."""
    return SharingAgreement.objects.filter(status__in=[Status.DRAFT, Status.AWAITING]).first()


def next_version_number(version: str) -> str:
    """1.0 → 1.1, 2 → 3; anything else gets ".1" added, for the IG officer to change."""
    head, _, last = version.rpartition(".")
    if last.isdigit():
        return f"{head}.{int(last) + 1}" if head else str(int(last) + 1)
    return f"{version}.1"


@transaction.atomic
def start_draft(user: User, *, today: date | None = None, ip_address: str | None = None) -> SharingAgreement:
    """A new draft, copied from the version in force (or the latest approved one), to be changed and sent."""
    today = today or timezone.localdate()
    existing = open_version()
    if existing is not None:
        raise AgreementError(
            f"Version {existing.version} is already {existing.get_status_display().lower()}: finish or "
            "withdraw it before drafting another."
        )
    base = SharingAgreement.objects.filter(status=Status.APPROVED).order_by("-start_date", "-pk").first()
    draft = SharingAgreement(status=Status.DRAFT, created_by=user, created_at=timezone.now())
    if base is not None:
        for name in DETAIL_FIELDS:
            setattr(draft, name, getattr(base, name))
        draft.purpose_terms = list(base.purpose_terms)
        draft.version = next_version_number(base.version)
        # A withdrawn draft keeps its number: the next one takes the next free number.
        while SharingAgreement.objects.filter(reference=base.reference, version=draft.version).exists():
            draft.version = next_version_number(draft.version)
        draft.start_date = max(today + timedelta(days=1), base.start_date + timedelta(days=1))
        draft.end_date = None
        draft.change_note = ""
    else:
        draft.title = "Information-sharing agreement"
        draft.reference = "ISA"
        draft.version = "1.0"
        draft.start_date = today + timedelta(days=1)
        draft.review_date = today + timedelta(days=365)
        draft.purpose_terms = [
            {"code": p.code, "label": p.label, "legislation": p.legislation}
            for p in Purpose.objects.filter(is_active=True)
        ]
    draft.save()
    if base is not None:
        for entry in base.partners.all():
            AgreementPartner.objects.create(
                agreement=draft,
                agency=entry.agency,
                role=entry.role,
                fields_shared=list(entry.fields_shared),
                approver=entry.approver,
                participation_ends=entry.participation_ends,
            )
    _record(user, "agreement_draft", draft, ip_address, copied_from=base.version if base else "")
    return draft


def _editable(version: SharingAgreement) -> None:
    if version.status != Status.DRAFT:
        raise AgreementError(
            f"Version {version.version} is {version.get_status_display().lower()}: "
            "only a draft can be changed."
        )


def _validated(version: SharingAgreement) -> None:
    try:
        version.full_clean()
    except ValidationError as error:
        raise AgreementError(*[m for messages in error.message_dict.values() for m in messages]) from None


@transaction.atomic
def change_details(
    version: SharingAgreement, user: User, values: dict, ip_address: str | None = None
) -> None:
    version = SharingAgreement.objects.select_for_update().get(pk=version.pk)
    _editable(version)
    changed = [name for name in DETAIL_FIELDS if name in values and getattr(version, name) != values[name]]
    for name in changed:
        setattr(version, name, values[name])
    _validated(version)
    version.save()
    if changed:
        _record(user, "agreement_change", version, ip_address, changed=changed)


def approver_problem(agency: Agency, approver: User | None) -> str | None:
    """Why this person cannot approve for this partner, or None if they can."""
    if approver is None:
        return f"Name who approves the agreement for {agency.name}."
    if approver.agency_id != agency.pk or approver.role != Role.IG_OFFICER or not approver.is_active:
        return (
            f"{possessive(agency.name)} approver must be an active information-governance officer of "
            f"{agency.name}."
        )
    return None


def approver_choices(agency: Agency):
    return User.objects.filter(agency=agency, role=Role.IG_OFFICER, is_active=True).order_by(
        "last_name", "first_name"
    )


@transaction.atomic
def set_partner(
    version: SharingAgreement,
    user: User,
    agency: Agency,
    *,
    role: str,
    fields_shared: list[str],
    approver: User | None,
    participation_ends: date | None,
    ip_address: str | None = None,
) -> None:
    """Add, change or (role "") remove one partner in a draft."""
    _editable(version)
    entry = AgreementPartner.objects.filter(agreement=version, agency=agency).first()
    if not role:
        if entry is not None:
            entry.delete()
            _record(user, "agreement_partner_removed", version, ip_address, partner=agency.name)
        return
    problem = approver_problem(agency, approver)
    if problem:
        raise AgreementError(problem)
    entry = entry or AgreementPartner(agreement=version, agency=agency)
    entry.role = role
    entry.fields_shared = (
        [f for f in FIELD_NAMES if f in set(fields_shared)] if role == entry.Role.PROVIDER_AND_USER else []
    )
    entry.approver = approver
    entry.participation_ends = participation_ends
    try:
        entry.full_clean()
    except ValidationError as error:
        raise AgreementError(*[m for messages in error.message_dict.values() for m in messages]) from None
    entry.save()
    _record(
        user,
        "agreement_partner_set",
        version,
        ip_address,
        partner=agency.name,
        role=role,
        fields=entry.fields_shared,
        approver=approver.username,
        participation_ends=participation_ends,
    )


@transaction.atomic
def set_purposes(
    version: SharingAgreement, user: User, legislation_by_code: dict[str, str], ip_address: str | None = None
) -> None:
    """The purposes this version allows (codes of recorded purposes) and the law each rests on."""
    _editable(version)
    known = {p.code: p for p in Purpose.objects.all()}
    unknown = sorted(set(legislation_by_code) - set(known))
    if unknown:
        raise AgreementError(f"No purpose has the code {', '.join(unknown)}.")
    missing = [known[c].label for c, text in legislation_by_code.items() if not text.strip()]
    if missing:
        raise AgreementError(*[f"Say which law '{label}' rests on." for label in missing])
    version.purpose_terms = [
        {"code": p.code, "label": p.label, "legislation": legislation_by_code[p.code].strip()}
        for p in known.values()
        if p.code in legislation_by_code
    ]
    version.save(update_fields=["purpose_terms"])
    _record(user, "agreement_purposes_set", version, ip_address, purposes=sorted(legislation_by_code))


def problems(version: SharingAgreement, today: date | None = None) -> list[str]:
    """What stops this draft being sent for approval; empty when it is ready."""
    today = today or timezone.localdate()
    found = []
    try:
        version.full_clean()
    except ValidationError as error:
        found += [m for messages in error.message_dict.values() for m in messages]
    entries = list(version.partners.select_related("agency", "approver"))
    if not any(e.role == AgreementPartner.Role.PROVIDER_AND_USER for e in entries):
        found.append("Add at least one partner that shares data.")
    for entry in entries:
        problem = approver_problem(entry.agency, entry.approver)
        if problem:
            found.append(problem)
        if entry.role == AgreementPartner.Role.PROVIDER_AND_USER:
            missing = [field_label(f) for f in REQUIRED_FIELDS if f not in entry.fields_shared]
            if missing:
                found.append(
                    f"{entry.agency.name} shares data, so it must share the fields every record needs: "
                    f"{', '.join(missing)}."
                )
    if not version.purpose_terms:
        found.append("Choose at least one purpose the partners share data for.")
    if version.review_date <= version.start_date:
        found.append("The review date must be after the start date.")
    if version.start_date < today:
        found.append("The start date must be today or later.")
    return found


@transaction.atomic
def send_for_approval(version: SharingAgreement, user: User, ip_address: str | None = None) -> int:
    """Ask every partner's approver; the number of approvers asked."""
    version = SharingAgreement.objects.select_for_update().get(pk=version.pk)
    _editable(version)
    found = problems(version)
    if found:
        raise AgreementError(*found)
    version.partners.update(decision=Decision.PENDING, decision_note="", decided_at=None, decided_by=None)
    version.status = Status.AWAITING
    version.submitted_at = timezone.now()
    version.save(update_fields=["status", "submitted_at"])
    approvers = [e.approver for e in version.partners.select_related("approver")]
    _record(user, "agreement_sent", version, ip_address, approvers=sorted({a.username for a in approvers}))
    path = version_path(version)
    transaction.on_commit(lambda: send_to_users(approvers, "agreement_approval", path))
    return len({a.pk for a in approvers})


def entry_for_approver(version: SharingAgreement, user: User) -> AgreementPartner | None:
    """The partner entry this user approves for in this version, if they are its nominated approver."""
    return version.partners.select_related("agency").filter(approver=user).first()


@transaction.atomic
def decide(
    version: SharingAgreement,
    user: User,
    *,
    approve: bool,
    note: str,
    today: date | None = None,
    ip_address: str | None = None,
) -> SharingAgreement:
    """One partner's approver approves or rejects; the last approval puts the version in force on its start
    date, and ends the version it replaces the day before."""
    today = today or timezone.localdate()
    version = SharingAgreement.objects.select_for_update().get(pk=version.pk)
    if version.status != Status.AWAITING:
        raise AgreementError(f"Version {version.version} is not waiting for approval.")
    entry = entry_for_approver(version, user)
    if entry is None:
        raise AgreementError("You are not the nominated approver for any partner in this version.")
    if entry.decision != Decision.PENDING:
        raise AgreementError(f"You have already {entry.get_decision_display().lower()} this version.")
    note = note.strip()
    if not approve and not note:
        raise AgreementError("Say why you reject this version, so the IG officer can change it.")
    entry.decision = Decision.APPROVED if approve else Decision.REJECTED
    entry.decision_note = note
    entry.decided_at = timezone.now()
    entry.decided_by = user
    entry.save()
    _record(
        user,
        "agreement_approved" if approve else "agreement_rejected",
        version,
        ip_address,
        partner=entry.agency.name,
        note=note,
    )
    if not approve:
        version.status = Status.DRAFT
        version.save(update_fields=["status"])
        path = version_path(version)
        ig = [version.created_by] if version.created_by else []
        transaction.on_commit(lambda: send_to_users(ig, "agreement_rejected", path))
    elif not version.partners.exclude(decision=Decision.APPROVED).exists():
        _bring_into_force(version, user, today, ip_address)
    return version


def _bring_into_force(version: SharingAgreement, user: User, today: date, ip_address: str | None) -> None:
    version.status = Status.APPROVED
    version.approved_at = timezone.now()
    if version.start_date < today:
        # Approved after the day it was meant to start: it starts now, not retrospectively.
        version.start_date = today
    version.save(update_fields=["status", "approved_at", "start_date"])
    day_before = version.start_date - timedelta(days=1)
    replaced = []
    for older in SharingAgreement.objects.filter(
        status=Status.APPROVED, start_date__lt=version.start_date
    ).exclude(pk=version.pk):
        if older.end_date is None or older.end_date > day_before:
            older.end_date = day_before
            older.save(update_fields=["end_date"])
            replaced.append(older.version)
    _record(user, "agreement_in_force", version, ip_address, start_date=version.start_date, replaces=replaced)


@transaction.atomic
def withdraw(version: SharingAgreement, user: User, ip_address: str | None = None) -> None:
    """Abandon a draft or a version waiting for approval; it is kept, read-only, as withdrawn."""
    version = SharingAgreement.objects.select_for_update().get(pk=version.pk)
    if version.status not in (Status.DRAFT, Status.AWAITING):
        raise AgreementError(
            f"Version {version.version} is {version.get_status_display().lower()}: it cannot be withdrawn."
        )
    version.status = Status.WITHDRAWN
    version.save(update_fields=["status"])
    _record(user, "agreement_withdrawn", version, ip_address)
