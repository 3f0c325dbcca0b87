"""The forms of targeted requests: sending one, assigning, replying and declining, with GOV.UK error messages.

They check what can be checked at the edge (a choice from the list, lengths); mast.requests.actions makes the
rules and may still refuse.
"""

from django import forms

from mast.requests.actions import QUESTION_MAX, REASON_MAX, REPLY_MAX
from mast.requests.models import Request
from mast.web.forms.base import FieldError


class _Form(forms.Form):
    """Plain ids, as GOV.UK's components name them, and an error summary in the form's order."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)

    def error_summary(self) -> list[FieldError]:
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


def _text(label: str, limit: int, required: str, too_long: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=limit,
        widget=forms.Textarea,
        error_messages={
            "required": required,
            "max_length": f"{too_long} must be {limit:,} characters or fewer",
        },
    )


class RequestForm(_Form):
    agency = forms.TypedChoiceField(
        label="Which agency do you want to ask?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the agency to ask", "invalid_choice": "Select the agency to ask"},
    )
    question = _text("What do you need to know?", QUESTION_MAX, "Enter your question", "Your question")
    priority = forms.ChoiceField(
        label="How urgent is it?",
        choices=Request.Priority.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a priority", "invalid_choice": "Select a priority"},
    )

    def __init__(self, *args, agencies: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = agencies


class ReplyForm(_Form):
    reply = _text("Your reply", REPLY_MAX, "Enter your reply", "Your reply")


class DeclineForm(_Form):
    reason = _text(
        "Why are you declining the request?",
        REASON_MAX,
        "Enter why you are declining the request",
        "The reason",
    )
