"""The GOV.UK base every page's form is built on, following the Design System's error-message guidance."""

from dataclasses import dataclass

from django import forms


@dataclass(frozen=True)
class FieldError:
    field_id: str
    message: str


class GovukForm(forms.Form):
    """Plain ids, as GOV.UK's components name them (radios name the first option after the field), an error
    summary in the form's order, and a service's refusal shown against the field it is about."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)

    def error_summary(self) -> list[FieldError]:
        """Each field's first message, linking to the field; a message about the whole form links to the first
        field."""
        first = next(iter(self.fields))
        return [
            *(FieldError(first, message) for message in self.non_field_errors()),
            *(FieldError(name, self.errors[name][0]) for name in self.fields if name in self.errors),
        ]

    def add_service_errors(self, error) -> None:
        """A ValidationError from the service, shown against its field (or the form) as GOV.UK asks."""
        problems = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
        for field, messages in problems.items():
            self.add_error(field if field in self.fields else None, messages[0])
