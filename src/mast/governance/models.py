"""The data-sharing agreement as data: which partners share which fields, for which purposes, on which lawful
basis, shown for how long and kept for how long.

The rest of MAST reads these figures through mast.governance.services, so the agreement a data protection
officer signs and the behaviour of the service cannot drift apart.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models

from mast.access.models import Agency
from mast.canonical import FIELD_NAMES


class SharingAgreement(models.Model):
    """One version of the partnership's information-sharing agreement.

    A version is drafted by an IG officer, sent to every partner's nominated approver, and comes into force
    on its start date once every one of them has approved it (governance/lifecycle.py). Only a draft can be
    changed: a version sent for approval, approved or replaced is the record of what was agreed.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AWAITING = "awaiting", "Waiting for approval"
        APPROVED = "approved", "Approved"
        WITHDRAWN = "withdrawn", "Withdrawn"

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    title = models.CharField(max_length=200)
    reference = models.CharField(max_length=60, help_text="The partnership's own reference, e.g. NSP-ISA-01.")
    version = models.CharField(max_length=20)
    start_date = models.DateField(help_text="The day this version came into force.")
    review_date = models.DateField(help_text="When the partners have agreed to review it.")
    # Set when a later version replaces this one or the partnership ends it; an ended agreement is kept as the
    # record of what applied at the time.
    end_date = models.DateField(null=True, blank=True)
    display_window_months = models.PositiveSmallIntegerField(
        default=12,
        validators=[MinValueValidator(1)],
        help_text="How many months of involvements practitioners see by default.",
    )
    retention_months = models.PositiveSmallIntegerField(
        default=36,
        validators=[MinValueValidator(1)],
        help_text="How many months headline data is kept before it is purged.",
    )
    # How soon a partner should answer a targeted request, by its priority: red and amber in clock hours,
    # green in working days (Monday to Friday, not England-and-Wales bank holidays).
    red_due_hours = models.PositiveSmallIntegerField(
        default=4, validators=[MinValueValidator(1)], help_text="Hours to answer a red (urgent) request."
    )
    amber_due_hours = models.PositiveSmallIntegerField(
        default=24, validators=[MinValueValidator(1)], help_text="Hours to answer an amber request."
    )
    green_due_working_days = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1)], help_text="Working days to answer a green request."
    )
    escalate_after_hours = models.PositiveSmallIntegerField(
        default=24,
        validators=[MinValueValidator(1)],
        help_text="Hours after a request becomes overdue before it is escalated to the team manager.",
    )
    lawful_basis = models.TextField(help_text="UK GDPR Article 6: the basis for processing personal data.")
    special_category_condition = models.TextField(
        help_text="UK GDPR Article 9 and DPA 2018 Schedule 1: the condition for health and similar data."
    )
    criminal_offence_condition = models.TextField(
        blank=True, help_text="UK GDPR Article 10 and DPA 2018 section 10(5): the condition for offence data."
    )
    # The purposes this version allows, each with the law it rests on as the partners agreed it:
    # [{"code", "label", "legislation"}]. Kept with the version (not only on Purpose) so an old version
    # still says what was agreed; coming into force brings the Purpose rows in line (lifecycle.py).
    purpose_terms = models.JSONField(default=list, blank=True)
    # Whom a practitioner should contact when no agreement is in force (the page that stops searches).
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    change_note = models.TextField(blank=True, help_text="What this version changes, and why.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    # The last week a review-overdue warning went out for this version (governance/review.py).
    review_warned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["reference", "version"], name="governance_agreement_version"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.reference} v{self.version})"

    def clean(self) -> None:
        if self.retention_months and self.display_window_months > self.retention_months:
            raise ValidationError("Data cannot be shown for longer than it is kept.")
        if self.end_date and self.end_date < self.start_date:
            raise ValidationError("An agreement cannot end before it starts.")


purpose_code = RegexValidator(r"^[a-z][a-z0-9_]*$", "Use lower-case letters, digits and underscores.")


class Purpose(models.Model):
    """A reason for looking at shared data that the agreement allows, offered to practitioners to choose from.

    The code is stored with every audit event, so it never changes and a purpose is never deleted: one the
    partners no longer agree to is switched off (`is_active`), which keeps old audit records readable.
    """

    code = models.CharField(max_length=60, unique=True, validators=[purpose_code])
    label = models.CharField(max_length=200, help_text="As practitioners see it when they choose.")
    description = models.TextField(blank=True)
    legislation = models.TextField(help_text="The statutory duty or power that this purpose rests on.")
    is_active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "label"]

    def __str__(self) -> str:
        return self.label


class AgreementPartner(models.Model):
    """An agency party to the agreement, what it does under it, and which canonical fields it shares."""

    class Role(models.TextChoices):
        PROVIDER_AND_USER = "provider_and_user", "Shares data and uses MAST"
        USER = "user", "Uses MAST; shares no data"
        HOST = "host", "Hosts MAST for the partnership"

    agreement = models.ForeignKey(SharingAgreement, on_delete=models.CASCADE, related_name="partners")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="agreements")
    role = models.CharField(max_length=20, choices=Role.choices)
    # Canonical field names (mast.canonical.FIELD_NAMES), in that order.
    fields_shared = models.JSONField(default=list, blank=True)
    # The partner's data protection officer (or whoever it names): an IG officer of this agency.
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The last day this partner takes part; after it, its people cannot search and its feeds cannot send.
    participation_ends = models.DateField(null=True, blank=True)

    class Decision(models.TextChoices):
        PENDING = "pending", "Waiting"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decision_note = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "agency"], name="governance_one_entry_per_partner"),
        ]

    def __str__(self) -> str:
        return f"{self.agency} in {self.agreement}"

    def clean(self) -> None:
        if not isinstance(self.fields_shared, list):
            raise ValidationError({"fields_shared": "A list of canonical field names."})
        unknown = sorted(set(self.fields_shared) - set(FIELD_NAMES))
        if unknown:
            raise ValidationError({"fields_shared": f"Not canonical fields: {', '.join(unknown)}."})
        if self.role != self.Role.PROVIDER_AND_USER and self.fields_shared:
            raise ValidationError({"fields_shared": "Only a partner that shares data can list fields."})
