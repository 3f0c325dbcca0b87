"""The IG officer's forms for a draft of the sharing agreement, and an approver's decision. The rules a
version must meet live in mast.governance.lifecycle; these check only what was typed."""

from django import forms

from mast.canonical import FIELD_NAMES
from mast.governance.lifecycle import approver_choices
from mast.governance.models import AgreementPartner
from mast.governance.services import field_label
from mast.web.forms.base import GovukForm


def _date_errors(what: str) -> dict:
    return {"invalid": f"Enter the {what} as a real date, like 2027-04-01", "required": f"Enter the {what}"}


def _months(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=1,
        max_value=120,
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"{label} must be a whole number",
            "min_value": f"{label} must be between 1 and 120",
            "max_value": f"{label} must be between 1 and 120",
        },
    )


class DetailsForm(GovukForm):
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter the title"})
    reference = forms.CharField(
        label="Reference", max_length=60, error_messages={"required": "Enter the partnership's reference"}
    )
    version = forms.CharField(
        label="Version", max_length=20, error_messages={"required": "Enter the version"}
    )
    start_date = forms.DateField(label="Start date", error_messages=_date_errors("start date"))
    end_date = forms.DateField(
        label="End date (optional)", required=False, error_messages=_date_errors("end date")
    )
    review_date = forms.DateField(label="Review date", error_messages=_date_errors("review date"))
    display_window_months = _months("Display window in months")
    retention_months = _months("Retention period in months")
    red_due_hours = _months("Hours to answer a red request")
    amber_due_hours = _months("Hours to answer an amber request")
    green_due_working_days = _months("Working days to answer a green request")
    escalate_after_hours = _months("Hours after it is overdue before a request is escalated")
    lawful_basis = forms.CharField(
        label="Lawful basis (UK GDPR Article 6)",
        widget=forms.Textarea,
        error_messages={"required": "Enter the lawful basis"},
    )
    special_category_condition = forms.CharField(
        label="Special category condition (Article 9 and DPA 2018 Schedule 1)",
        widget=forms.Textarea,
        error_messages={"required": "Enter the condition for special category data"},
    )
    criminal_offence_condition = forms.CharField(
        label="Criminal offence condition (Article 10) (optional)", widget=forms.Textarea, required=False
    )
    contact_name = forms.CharField(
        label="Whom practitioners contact about the agreement",
        max_length=200,
        error_messages={"required": "Enter whom practitioners should contact"},
    )
    contact_email = forms.EmailField(
        label="Their email address",
        error_messages={
            "required": "Enter an email address",
            "invalid": "Enter an email address in the correct format, like ig@example.gov.uk",
        },
    )
    change_note = forms.CharField(
        label="What this version changes, and why", widget=forms.Textarea, required=False
    )

    def clean(self):
        data = super().clean()
        display, retention = data.get("display_window_months"), data.get("retention_months")
        if display and retention and display > retention:
            self.add_error("display_window_months", "Data cannot be shown for longer than it is kept")
        start, review, end = data.get("start_date"), data.get("review_date"), data.get("end_date")
        if start and review and review <= start:
            self.add_error("review_date", "The review date must be after the start date")
        if start and end and end < start:
            self.add_error("end_date", "The end date must be on or after the start date")
        return data


ROLE_CHOICES = [("", "Not a party to this version"), *AgreementPartner.Role.choices]


class PartnerForm(GovukForm):
    role = forms.ChoiceField(
        label="What this partner does under the agreement", choices=ROLE_CHOICES, required=False
    )
    fields_shared = forms.MultipleChoiceField(
        label="Fields it shares",
        choices=[(name, field_label(name)) for name in FIELD_NAMES],
        required=False,
    )
    approver = forms.ModelChoiceField(
        label="Who approves the agreement for this partner", queryset=None, required=False
    )
    participation_ends = forms.DateField(
        label="Last day of participation (optional)",
        required=False,
        error_messages=_date_errors("last day of participation"),
    )

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency = agency
        field = self.fields["approver"]
        field.queryset = approver_choices(agency)
        field.label_from_instance = lambda u: (
            f"{u.get_full_name() or u.username} ({u.job_title or u.username})"
        )
        field.empty_label = "Choose an approver"

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if role and not data.get("approver"):
            self.add_error("approver", f"Choose who approves the agreement for {self.agency.name}")
        if role == AgreementPartner.Role.PROVIDER_AND_USER and not data.get("fields_shared"):
            self.add_error("fields_shared", "Choose the fields this partner shares")
        if role and role != AgreementPartner.Role.PROVIDER_AND_USER and data.get("fields_shared"):
            self.add_error(
                "fields_shared", "Only a partner that shares data lists fields: clear them or change its role"
            )
        return data


class DecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="Do you approve this version for your agency?",
        choices=[("approve", "Yes, approve it"), ("reject", "No, reject it")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether you approve or reject this version"},
    )
    note = forms.CharField(label="Note", widget=forms.Textarea, required=False, max_length=2000)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("note") or "").strip():
            self.add_error("note", "Say why you reject this version, so the IG officer can change it")
        return data
