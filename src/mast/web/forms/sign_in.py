"""Signing in, with GOV.UK's error messages."""

from django.contrib.auth.forms import AuthenticationForm

from mast.web.forms.base import FieldError


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
