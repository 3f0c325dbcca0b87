"""Feed owners' and administrators' pages for partner systems' API keys, and the IG officer's queue of
"is this person known?" questions held for review. The work is api/keys.py's and api/match.py's.

GOV.UK pages like web's, kept here because web and api may not import each other (import-linter's layers);
`requires` does what web's `@requires` does: sign-in first, then the policy, a refusal audited.
"""

import functools
from dataclasses import dataclass

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from mast.api import keys, match
from mast.api.models import ApiKey, MatchQuery
from mast.gate.gate import Viewer, refuse_unless_allowed
from mast.gate.policy import Action

RULE_ATTRIBUTE = "mast_requires"  # as web.permissions names it, for the permission matrix


def requires(action: Action):
    def decorate(view):
        @functools.wraps(view)
        def checked(request, *args, **kwargs):
            viewer = Viewer(request.user, ip_address=request.META.get("REMOTE_ADDR"))
            refuse_unless_allowed(viewer, action, target=request.path)
            return view(request, *args, **kwargs)

        guarded = login_required(checked)
        setattr(guarded, RULE_ATTRIBUTE, action)
        return guarded

    return decorate


@dataclass(frozen=True)
class FieldError:
    field_id: str
    message: str


class NewKeyForm(forms.Form):
    source = forms.ChoiceField(label="Which feed is the key for?")
    direction = forms.ChoiceField(
        label="What will the partner's system do with it?",
        choices=ApiKey.Direction.choices,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(
        label="Name the system that will hold it", max_length=100, help_text="For example, Niche RMS live."
    )
    days = forms.IntegerField(
        label="How many days should it last?", min_value=1, max_value=keys.MAX_DAYS, initial=keys.DEFAULT_DAYS
    )

    def __init__(self, *args, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [(s.code, s.name) for s in sources]
        messages = {
            "source": "Select which feed the key is for",
            "direction": "Select whether the key pushes records or asks whether a person is known",
            "name": "Enter a name for the system that will hold the key",
            "days": f"Enter a number of days between 1 and {keys.MAX_DAYS}",
        }
        for name, message in messages.items():
            for code in ("required", "invalid_choice", "invalid", "min_value", "max_value"):
                self.fields[name].error_messages[code] = message
        self.fields["name"].error_messages["max_length"] = "The name must be 100 characters or fewer"

    def error_summary(self) -> list[FieldError]:
        summary = [
            FieldError(self[name].id_for_label or f"id_{name}_0", self.errors[name][0])
            for name in self.fields
            if name in self.errors
        ]
        return summary + [FieldError("id_source", e) for e in self.non_field_errors()]


def _may_manage(user):
    return keys.manageable_sources(user)


def _index(request, form, status=200, made=None):
    sources = keys.manageable_sources(request.user)
    context = {
        "form": form,
        "sources": sources,
        "keys": keys.keys_for(request.user),
        "made": made,
        "max_live": keys.MAX_LIVE,
    }
    return render(request, "api/keys.html", context, status=status)


@requires(Action.MANAGE_API_KEYS)
def index(request: HttpRequest) -> HttpResponse:
    sources = _may_manage(request.user)
    return _index(request, NewKeyForm(sources=sources))


@requires(Action.MANAGE_API_KEYS)
@require_POST
def create(request: HttpRequest) -> HttpResponse:
    sources = _may_manage(request.user)
    form = NewKeyForm(request.POST, sources=sources)
    if not form.is_valid():
        return _index(request, form)
    source = sources.get(code=form.cleaned_data["source"])
    try:
        made = keys.create_key(
            request.user,
            source,
            form.cleaned_data["direction"],
            form.cleaned_data["name"],
            form.cleaned_data["days"],
        )
    except ValidationError as exc:
        form.add_error(None, exc.messages[0])
        return _index(request, form)
    # Shown on this response only, never stored or redirected with: a reload does not show it again.
    return _index(request, NewKeyForm(sources=sources), made=made)


@requires(Action.MANAGE_API_KEYS)
@require_POST
def revoke(request: HttpRequest, key_id: str) -> HttpResponse:
    _may_manage(request.user)
    key = get_object_or_404(keys.keys_for(request.user), key_id=key_id)
    keys.revoke_key(request.user, key)
    return redirect("api:keys")


@requires(Action.REVIEW_API_QUERY)
def review_queue(request: HttpRequest) -> HttpResponse:
    waiting = MatchQuery.objects.filter(decision="REVIEW", review_decision="").select_related(
        "api_key__source__agency"
    )
    decided = MatchQuery.objects.filter(decision="REVIEW").exclude(review_decision="")[:20]
    return render(request, "api/review.html", {"waiting": waiting, "decided": decided})


@requires(Action.REVIEW_API_QUERY)
@require_POST
def review_decide(request: HttpRequest, pk: int) -> HttpResponse:
    query = get_object_or_404(MatchQuery, pk=pk, decision="REVIEW", review_decision="")
    decision = request.POST.get("decision", "")
    if decision in ("PERMIT", "DENY"):
        match.review(query, request.user, decision)
    return redirect("api:review")
