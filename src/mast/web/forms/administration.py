"""The administrator's forms: agencies, teams, feed owners, the CSV import and a user's details (checked
by mast.administration.user_details, shared with the CSV import and `mast create_administrator`, shown here
on the GOV.UK base). Ids are the field names (auto_id="%s")."""

import re

from django import forms

from mast.access.models import Agency, AgencyKind, Team, User
from mast.administration.user_details import UserDetails
from mast.web.forms.base import GovukForm


class UserForm(GovukForm, UserDetails):
    """A user's details as the administrator's page asks for them: the administration package's checks, with
    GOV.UK's ids and error summary."""


class AgencyForm(GovukForm):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter the agency's name"}
    )
    code = forms.SlugField(
        label="Short code",
        max_length=40,
        error_messages={
            "required": "Enter a short code",
            "invalid": "The short code can only have lower-case letters, numbers and hyphens",
        },
    )
    kind = forms.ChoiceField(label="Kind of agency", choices=AgencyKind.choices)
    contact_point = forms.CharField(label="Contact point (optional)", max_length=200, required=False)

    def __init__(self, *args, editing: Agency | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing

    def _unique(self, field: str, message: str):
        value = self.cleaned_data[field].strip()
        others = Agency.objects.filter(**{f"{field}__iexact": value})
        if self.editing is not None:
            others = others.exclude(pk=self.editing.pk)
        if others.exists():
            raise forms.ValidationError(message)
        return value

    def clean_name(self):
        return self._unique("name", "There is already an agency with this name")

    def clean_code(self):
        return self._unique("code", "There is already an agency with this short code").lower()


class TeamForm(GovukForm):
    name = forms.CharField(
        label="Team name", max_length=120, error_messages={"required": "Enter the team's name"}
    )
    manager = forms.ModelChoiceField(
        label="Team manager (optional)", queryset=User.objects.none(), required=False
    )
    email = forms.EmailField(
        label="Team's shared mailbox (optional)",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like team@example.gov.uk"},
    )

    def __init__(self, *args, agency: Agency, editing: Team | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency, self.editing = agency, editing
        field = self.fields["manager"]
        field.queryset = User.objects.filter(agency=agency, is_active=True).order_by("last_name")
        field.label_from_instance = lambda u: f"{u.get_full_name() or u.username} ({u.email or u.username})"
        field.empty_label = "No manager"

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = Team.objects.filter(agency=self.agency, name__iexact=name)
        if self.editing is not None:
            others = others.exclude(pk=self.editing.pk)
        if others.exists():
            raise forms.ValidationError(f"{self.agency.name} already has a team with this name")
        return name


class UserSearchForm(GovukForm):
    q = forms.CharField(label="Name or email", required=False, max_length=200)
    agency = forms.ModelChoiceField(label="Agency", queryset=Agency.objects.all(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].empty_label = "All agencies"
        self.fields["agency"].label_from_instance = lambda a: a.name


class ImportForm(GovukForm):
    file = forms.FileField(
        label="Upload a CSV file",
        error_messages={"required": "Select a CSV file", "empty": "The selected file is empty"},
    )


class OwnersForm(GovukForm):
    owners = forms.ModelMultipleChoiceField(
        label="Owners", queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owners"].queryset = candidates


_LOOPBACK = ("http://127.0.0.1", "http://localhost", "http://[::1]")


class SingleSignOnForm(GovukForm):
    issuer = forms.URLField(
        label="Issuer",
        max_length=200,
        assume_scheme="https",
        error_messages={"required": "Enter the issuer", "invalid": "Enter the issuer as a web address"},
    )
    client_id = forms.CharField(
        label="Client ID", max_length=200, error_messages={"required": "Enter the client ID"}
    )
    secret_variable = forms.RegexField(
        label="Environment variable with the client secret",
        regex=r"^[A-Z][A-Z0-9_]{2,99}$",
        error_messages={
            "required": "Enter the name of the environment variable",
            "invalid": "Use capital letters, numbers and underscores, like MAST_SSO_SECRET_POLICE",
        },
    )
    email_domains = forms.CharField(
        label="Allowed email domains",
        max_length=500,
        error_messages={"required": "Enter at least one email domain"},
    )
    enabled = forms.TypedChoiceField(
        label="Can the agency's users sign in with it?",
        choices=[("yes", "Yes"), ("no", "No, not yet")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )

    def clean_issuer(self):
        issuer = self.cleaned_data["issuer"].rstrip("/")
        if not issuer.startswith("https://") and not issuer.startswith(_LOOPBACK):
            raise forms.ValidationError("The issuer must start with https://")
        return issuer

    def clean_email_domains(self):
        domains = [d.strip().lower().lstrip("@") for d in self.cleaned_data["email_domains"].split(",")]
        domains = [d for d in domains if d]
        bad = [d for d in domains if not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", d)]
        if bad or not domains:
            raise forms.ValidationError(f"“{(bad or [''])[0]}” is not an email domain, like police.example")
        return ", ".join(domains)
