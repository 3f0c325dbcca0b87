"""Oversight pages for IG officers: the alerts the misuse rules raise (and closing them with an outcome), and
who looked at a person and why (on screen and as CSV). Every page reads through the gate, so reading them is
audited too; the logic is in mast.oversight."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from mast.gate.gate import through_gate
from mast.gate.policy import Action
from mast.oversight import alerts as oversight_alerts
from mast.oversight import queue, who_viewed
from mast.oversight.exports import who_viewed_csv
from mast.oversight.models import OversightAlert
from mast.web.forms.practice import GovukForm
from mast.web.permissions import requires
from mast.web.viewer import viewer_of


class CloseForm(GovukForm):
    outcome = forms.ChoiceField(
        label="What did you find?",
        choices=OversightAlert.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what you found", "invalid_choice": "Select what you found"},
    )
    note = forms.CharField(
        label="What you found and did",
        min_length=10,
        max_length=2000,
        widget=forms.Textarea,
        error_messages={
            "required": "Say what you found and did",
            "min_length": "Say what you found and did, in 10 characters or more",
            "max_length": "The note must be 2,000 characters or fewer",
        },
    )


@requires(Action.VIEW_OVERSIGHT_ALERTS)
@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    status = status if status in OversightAlert.Status.values else "open"
    found, open_count = through_gate(
        viewer_of(request),
        Action.VIEW_OVERSIGHT_ALERTS,
        lambda scope: (queue.alerts(scope, status, request.GET.get("page") or 1), queue.open_count(scope)),
        target="oversight-alerts",
        detail={"status": status},
    )
    context = {"page": found, "status": status, "open_count": open_count}
    return render(request, "web/oversight/alerts.html", context)


def _alert_page(request, public_id: uuid.UUID, form: CloseForm, status: int = 200) -> HttpResponse:
    detail = through_gate(
        viewer_of(request),
        Action.VIEW_OVERSIGHT_ALERTS,
        lambda scope: queue.alert(scope, public_id),
        target=f"oversight-alert:{public_id}",
    )
    own = detail.alert.subject_id == request.user.pk
    return render(
        request, "web/oversight/alert.html", {"detail": detail, "form": form, "own": own}, status=status
    )


@requires(Action.VIEW_OVERSIGHT_ALERTS)
@require_http_methods(["GET", "POST"])
def alert(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    if request.method == "GET":
        return _alert_page(request, public_id, CloseForm())
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            through_gate(
                viewer_of(request),
                Action.CLOSE_OVERSIGHT_ALERT,
                lambda scope: oversight_alerts.close(
                    queue.alert(scope, public_id).alert, request.user, **form.cleaned_data
                ),
                target=f"oversight-alert:{public_id}",
                detail={"outcome": form.cleaned_data["outcome"]},
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems[0])
        else:
            return redirect("web:oversight-alert", public_id)
    return _alert_page(request, public_id, form, status=200)


@requires(Action.VIEW_WHO_VIEWED)
@require_GET
def person_looks(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    person, page = through_gate(
        viewer_of(request),
        Action.VIEW_WHO_VIEWED,
        lambda scope: who_viewed.history(scope, public_id, request.GET.get("page") or 1),
        target=f"person:{public_id}",
    )
    return render(request, "web/oversight/who_viewed.html", {"person": person, "page": page})


@requires(Action.EXPORT_WHO_VIEWED)
@require_GET
def person_looks_csv(request: HttpRequest, public_id: uuid.UUID) -> StreamingHttpResponse:
    person, looks = through_gate(
        viewer_of(request),
        Action.EXPORT_WHO_VIEWED,
        lambda scope: who_viewed.every_look(scope, public_id),
        target=f"person:{public_id}",
    )
    response = StreamingHttpResponse(who_viewed_csv(looks), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="who-looked-{person.public_id}.csv"'
    return response
