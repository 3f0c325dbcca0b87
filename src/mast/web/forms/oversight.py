"""Forms for what IG officers keep for the misuse rules: who may break glass, users' homes and hours, and the
people they watch."""

from django import forms

from mast.identity.matching.postcodes import normalise_postcode
from mast.oversight.models import WatchedPerson
from mast.web.forms.base import GovukForm

TIME_FORMATS = ["%H:%M", "%H.%M", "%H%M"]


def _time(label: str) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=False,
        input_formats=TIME_FORMATS,
        error_messages={"invalid": f"{label} must be a time on the 24-hour clock, like 08:30 or 19:00"},
    )


class NameForBreakGlassForm(GovukForm):
    user = forms.ChoiceField(
        label="Practitioner",
        error_messages={
            "required": "Choose the practitioner who may break glass",
            "invalid_choice": "Choose an active practitioner in your agency who may not break glass now",
        },
    )
    why = forms.CharField(
        label="Why their work needs it",
        min_length=10,
        max_length=300,
        error_messages={
            "required": "Say why their work needs it",
            "min_length": "Say why their work needs it, in 10 characters or more",
            "max_length": "Say why in 300 characters or fewer",
        },
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "Choose a practitioner")] + [
            (str(u.pk), f"{u.get_full_name() or u.username} ({u.agency}{', ' + u.team if u.team else ''})")
            for u in candidates
        ]


class HoursFields(GovukForm):
    works_from = _time("Starts work at")
    works_until = _time("Finishes work at")
    works_weekends = forms.BooleanField(label="Works at weekends too", required=False)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("works_from"), cleaned.get("works_until")
        if "works_from" in self.errors or "works_until" in self.errors:
            return cleaned
        if (start is None) != (end is None):
            missing = "works_until" if end is None else "works_from"
            self.add_error(missing, "Enter both times, or neither")
        elif start is not None and start == end:
            self.add_error("works_until", "The finishing time must differ from the starting time")
        return cleaned


class UserOversightForm(HoursFields):
    home_postcode = forms.CharField(label="Home postcode", required=False, max_length=10)
    home_line_1 = forms.CharField(label="First line of their home address", required=False, max_length=200)

    field_order = ["home_postcode", "home_line_1", "works_from", "works_until", "works_weekends"]

    def clean_home_postcode(self):
        typed = self.cleaned_data["home_postcode"].strip()
        if typed and " " not in normalise_postcode(typed):
            raise forms.ValidationError("Enter a full postcode, like ZZ1 1AB")
        return normalise_postcode(typed)

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("home_line_1")
            and not cleaned.get("home_postcode")
            and "home_postcode" not in self.errors
        ):
            self.add_error("home_postcode", "Enter the postcode of the home as well as its first line")
        return cleaned


class TeamHoursForm(HoursFields):
    pass


class WatchForm(GovukForm):
    reason = forms.ChoiceField(
        label="Why watch this person?",
        choices=WatchedPerson.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why", "invalid_choice": "Choose why"},
    )
    note = forms.CharField(
        label="Note for other IG officers (optional)",
        required=False,
        max_length=300,
        widget=forms.Textarea,
        error_messages={"max_length": "The note must be 300 characters or fewer"},
    )
