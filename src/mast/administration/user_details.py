"""What an administrator gives for a new or changed account, checked the same way on the page and in a CSV
import: one named person, with their own work email, in one agency, with one role and (if any) one of that
agency's teams."""

import re

from django import forms

from mast.access.models import Agency, Role, Team, User

# Mailboxes that belong to a team or a function, not to one person. MAST accounts are never shared: every
# event in the audit log must name the one person who did it.
_SHARED_MAILBOX = re.compile(
    r"^(admin|administrator|office|info|enquiries|enquiry|team|mash|duty|frontdoor|front\.door|"
    r"safeguarding|reception|contact|hello|noreply|no-reply|shared|generic|general|mailbox|support)"
    r"([._-].*)?$",
    re.IGNORECASE,
)


def shared_mailbox_reason(email: str) -> str | None:
    local = email.split("@", 1)[0]
    if _SHARED_MAILBOX.match(local):
        return "Enter the person's own work email address, not a shared or team mailbox"
    if Team.objects.filter(email__iexact=email).exists():
        return "This is a team's shared mailbox. Enter the person's own work email address"
    return None


class UserDetails(forms.Form):
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    email = forms.EmailField(label="Work email address", max_length=254)
    agency = forms.ModelChoiceField(label="Agency", queryset=Agency.objects.filter(is_active=True))
    role = forms.ChoiceField(label="Role", choices=Role.choices)
    team = forms.CharField(label="Team (optional)", max_length=120, required=False)
    job_title = forms.CharField(label="Job title (optional)", max_length=120, required=False)

    MESSAGES = {
        "first_name": "Enter their first name",
        "last_name": "Enter their last name",
        "email": "Enter their work email address",
        "agency": "Select their agency",
        "role": "Select their role",
    }

    def __init__(self, *args, editing: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        for name, message in self.MESSAGES.items():
            self.fields[name].error_messages["required"] = message
        self.fields["email"].error_messages["invalid"] = (
            "Enter an email address in the correct format, like name@example.gov.uk"
        )
        self.fields["agency"].error_messages["invalid_choice"] = "Select one of the agencies in MAST"
        self.fields["role"].error_messages["invalid_choice"] = "Select one of MAST's roles"
        self.fields["agency"].label_from_instance = lambda agency: agency.name

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        reason = shared_mailbox_reason(email)
        if reason:
            raise forms.ValidationError(reason)
        others = User.objects.filter(email__iexact=email) | User.objects.filter(username__iexact=email)
        if self.editing is not None:
            others = others.exclude(pk=self.editing.pk)
        if others.exists():
            raise forms.ValidationError("Someone in MAST already has this email address")
        return email

    def clean(self):
        data = super().clean()
        agency, team = data.get("agency"), (data.get("team") or "").strip()
        if agency is not None and team:
            known = Team.objects.filter(agency=agency, name__iexact=team).first()
            if known is None:
                names = ", ".join(agency.teams.values_list("name", flat=True)) or "none yet"
                self.add_error("team", f"{agency.name} has no team called '{team}'. Its teams: {names}")
            else:
                data["team"] = known.name
        return data
