"""The practitioner's forms: the stated purpose, the search and the referral, with GOV.UK error messages.

They check only what can be checked at the edge (lengths, characters, a choice from the list); the services
behind them (gate.purpose, identity's search, requests) make the rules and may still refuse.
"""

from django import forms
from django.core.validators import RegexValidator

from mast.gate.purpose import REFERENCE_MAX
from mast.requests.actions import QUESTION_MAX
from mast.requests.models import Request
from mast.web.forms.base import GovukForm


class PurposeForm(GovukForm):
    reference = forms.CharField(
        label="Referral or case reference",
        max_length=REFERENCE_MAX,
        error_messages={
            "required": "Enter the referral or case reference",
            "max_length": f"The reference must be {REFERENCE_MAX} characters or fewer",
        },
    )
    reason = forms.ChoiceField(
        label="Why do you need to look?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select why you need to look",
            "invalid_choice": "Select why you need to look",
        },
    )

    def __init__(self, *args, reasons: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = reasons


def _text(label: str, max_length: int, *, pattern: str | None = None, invalid: str = "", **kwargs):
    validators = [RegexValidator(pattern, invalid)] if pattern else []
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        validators=validators,
        error_messages={"max_length": f"{label} must be {max_length} characters or fewer"},
        **kwargs,
    )


class SearchForm(GovukForm):
    """Any of the details a practitioner may have. Identity's search standardises them (nicknames, a date of
    birth in any of the usual forms, a postcode without its space)."""

    given_name = _text("First name", 100)
    family_name = _text("Last name", 100)
    date_of_birth = _text(
        "Date of birth",
        20,
        pattern=r"^[A-Za-z0-9 /.,\-]*$",
        invalid="Enter a date of birth like 03/04/2015, 2015-04-03 or just the year, 2015",
    )
    postcode = _text(
        "Postcode",
        10,
        pattern=r"^[A-Za-z0-9 ]*$",
        invalid="Enter a postcode using only letters, numbers and spaces, like NS1 2AB",
    )
    address = _text("Address", 200)
    nhs_number = _text(
        "NHS number",
        14,
        pattern=r"^[0-9 \-]*$",
        invalid="Enter an NHS number using only numbers, like 943 476 5919",
    )
    reference = _text("Partner reference", 64)

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not any(" ".join((v or "").split()) for v in cleaned.values()):
            raise forms.ValidationError("Enter at least one detail to search for")
        return cleaned

    def add_query_problems(self, problems: dict[str, str]) -> None:
        """What identity's search found wrong with the details (a date that is no date, an NHS number that
        fails its check digit); a search too broad to look up is shown against the family name."""
        for name, message in problems.items():
            self.add_error(name if name in self.fields else "family_name", message)

    def terms(self) -> dict[str, str]:
        """The details given, each tidied of extra spaces; the empty ones left out."""
        return {
            name: " ".join(value.split())
            for name, value in self.cleaned_data.items()
            if value and value.strip()
        }


class ReferralForm(GovukForm):
    summary = forms.CharField(
        label="What is the referral about?",
        max_length=QUESTION_MAX,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter what the referral is about",
            "max_length": f"The referral must be {QUESTION_MAX:,} characters or fewer",
        },
    )
    priority = forms.ChoiceField(
        label="How urgent is it?",
        choices=Request.Priority.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a priority", "invalid_choice": "Select a priority"},
    )
