"""Filtering the audit log."""

from django import forms

from mast.gate.policy import Action
from mast.oversight import words
from mast.web.forms.base import GovukForm

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d %m %Y"]


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": f"{label} must be a real date, like 24/11/2026"},
    )


class AuditFilterForm(GovukForm):
    username = forms.CharField(label="Username", required=False, max_length=150)
    agency = forms.CharField(label="Agency", required=False, max_length=200)
    person = forms.UUIDField(
        label="Person's MAST id",
        required=False,
        error_messages={"invalid": "Enter a person's MAST id as their page's address shows it"},
    )
    action = forms.ChoiceField(label="What they did", required=False)
    purpose_reference = forms.CharField(label="Case or referral reference", required=False, max_length=100)
    since = _date_field("From")
    until = _date_field("To")
    refused_only = forms.BooleanField(label="Only refused attempts", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "Anything"), *((a, words.action(a)) for a in map(str, Action))]


class AgencyUseForm(GovukForm):
    """The dates an agency's IG officer downloads who looked at their records for (both days included)."""

    since = _date_field("From")
    until = _date_field("To")

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", "The end date must be the same as or after the start date")
        elif since and until and (until - since).days > 366:
            self.add_error("until", "Choose dates no more than a year apart")
        return cleaned
