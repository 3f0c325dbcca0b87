"""Break glass: a practitioner opens another agency's restricted records about a person, giving a reason.

The form asks for nothing but the reason (it shows no one's details). The answer is the person page itself,
read once through the gate with Action.BREAK_GLASS: that read alone sees restricted details, is audited with
the reason, shows in the person's "who viewed", and raises an alert to the owning agency's IG officers
(mast.oversight.rules.broke_glass). Nothing is remembered: the next ordinary look is restricted again.
"""

import uuid

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from mast.feeds.freshness import agency_freshness
from mast.gate.gate import through_gate
from mast.gate.policy import Action
from mast.people.person import person_summary
from mast.web.forms.base import GovukForm
from mast.web.permissions import requires
from mast.web.viewer import viewer_of
from mast.web.views.practice import shown_with

REASON_MIN, REASON_MAX = 20, 1000


class BreakGlassForm(GovukForm):
    reason = forms.CharField(
        label="Why can this not wait for the agency that restricted the record?",
        min_length=REASON_MIN,
        max_length=REASON_MAX,
        widget=forms.Textarea,
        error_messages={
            "required": "Say why you need to open the restricted records now",
            "min_length": f"Say why in {REASON_MIN} characters or more",
            "max_length": f"The reason must be {REASON_MAX:,} characters or fewer",
        },
    )


@requires(Action.BREAK_GLASS)
@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    form = BreakGlassForm(request.POST if request.method == "POST" else None)
    if request.method == "GET" or not form.is_valid():
        return render(request, "web/people/break_glass.html", {"form": form, "public_id": public_id})
    viewer = viewer_of(request)
    summary = through_gate(
        viewer,
        Action.BREAK_GLASS,
        lambda scope: person_summary(scope, public_id),
        target=f"person:{public_id}",
        detail={"reason": form.cleaned_data["reason"]},
        describe=lambda found: shown_with(found, public_id),
    )
    context = {
        "summary": summary,
        "purpose": viewer.purpose,
        "freshness": agency_freshness(),
        "glass_broken": True,
    }
    return render(request, "web/people/person.html", context)
