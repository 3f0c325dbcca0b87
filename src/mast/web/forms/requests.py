"""The forms of targeted requests: sending one, assigning, replying and declining, with GOV.UK error messages.

They check what can be checked at the edge (a choice from the list, lengths); mast.requests.actions makes the
rules and may still refuse.
"""

from django import forms

from mast.requests.actions import QUESTION_MAX, REASON_MAX, REPLY_MAX
from mast.requests.models import Request
from mast.web.forms.base import GovukForm


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


class RequestForm(GovukForm):
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


class ReplyForm(GovukForm):
    reply = _text("Your reply", REPLY_MAX, "Enter your reply", "Your reply")


class DeclineForm(GovukForm):
    reason = _text(
        "Why are you declining the request?",
        REASON_MAX,
        "Enter why you are declining the request",
        "The reason",
    )
