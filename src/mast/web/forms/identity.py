"""Reviewing uncertain matches: a decision on a pair, and unlinking a record, with GOV.UK error messages."""

from django import forms

from mast.identity import review
from mast.web.forms.base import GovukForm

REASON_ERRORS = {
    "required": "Enter why you decided this",
    "max_length": f"Your reason must be {review.REASON_MAX:,} characters or fewer",
}


class DecisionForm(GovukForm):
    same_person = forms.ChoiceField(
        label="Are these the same person?",
        choices=[("yes", "Yes, the same person"), ("no", "No, different people")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether these records are the same person",
            "invalid_choice": "Select whether these records are the same person",
        },
    )
    reason = forms.CharField(
        label="Why?", max_length=review.REASON_MAX, widget=forms.Textarea, error_messages=REASON_ERRORS
    )


class UnlinkForm(GovukForm):
    reason = forms.CharField(
        label="Why are these not the same person?",
        max_length=review.REASON_MAX,
        widget=forms.Textarea,
        error_messages={**REASON_ERRORS, "required": "Enter why this record is not the same person"},
    )
