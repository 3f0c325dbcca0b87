"""Signing in, and the second factor's code, with GOV.UK's error messages."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from mast.web.forms.base import FieldError, GovukForm


class SignInForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        # Also what a switched-off account sees: Django's ModelBackend refuses inactive users outright.
        "invalid_login": "The username or password is not right. Check them and try again.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        # GOV.UK advises against autofocus: it disorients screen-reader users arriving on the page.
        self.fields["username"].widget.attrs.pop("autofocus", None)

    def field_errors(self) -> dict[str, str]:
        """The one message to show beside each field; a failed sign-in is shown against the username."""
        errors = {name: self.errors[name][0] for name in self.fields if name in self.errors}
        if self.non_field_errors() and "username" not in errors:
            errors["username"] = self.non_field_errors()[0]
        return errors

    def error_summary(self) -> list[FieldError]:
        """The GOV.UK error summary: each message once, linking to the field it is about, in form order."""
        errors = self.field_errors()
        return [FieldError(self[name].id_for_label, errors[name]) for name in self.fields if name in errors]


class SecondFactorForm(forms.Form):
    """One code: six digits from the authenticator app, or (at sign-in) one of the recovery codes."""

    code = forms.CharField(label="Code", max_length=40, error_messages={"required": "Enter the code"})

    def refuse(self, *, throttled: bool, setting_up: bool = False) -> None:
        if throttled:
            message = "Too many wrong codes. Wait a minute, then enter the latest code from your app"
        elif setting_up:
            message = "The code is not right. Enter the 6-digit code your authenticator app shows now"
        else:
            message = (
                "The code is not right, or it has been used already. Enter the latest code from your app"
            )
        self.add_error("code", message)

    def error_summary(self) -> list[FieldError]:
        return [FieldError("code", self.errors["code"][0])] if "code" in self.errors else []


class PasswordResetForm(GovukForm):
    email = forms.EmailField(
        label="Your work email address",
        max_length=254,
        error_messages={
            "required": "Enter your work email address",
            "invalid": "Enter an email address in the right format, like name@police.example",
        },
    )
