"""Oversight pages for IG officers: the alerts the misuse rules raise (and closing them with an outcome), and
who looked at a person and why (on screen and as CSV), their subject-access pack (CSV and PDF), and who looked
at the agency's own records. Every page reads through the gate, so reading them is
audited too; the logic is in mast.oversight."""

import uuid
from datetime import timedelta
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from mast.gate.gate import through_gate
from mast.gate.policy import Action
from mast.oversight import agency_use as agency_use_module
from mast.oversight import alerts as oversight_alerts
from mast.oversight import exports, queue, subject_access, who_viewed
from mast.oversight.exports import who_viewed_csv
from mast.oversight.models import OversightAlert
from mast.web.forms.audit import AgencyUseForm
from mast.web.forms.practice import GovukForm
from mast.web.permissions import requires
from mast.web.presenters.subject_access_pdf import render_pdf
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


# -- subject access ------------------------------------------------------------------------------------------


def _pack(request: HttpRequest, public_id: uuid.UUID, form: str):
    return through_gate(
        viewer_of(request),
        Action.EXPORT_SUBJECT_ACCESS,
        lambda scope: subject_access.pack(scope, public_id),
        target=f"person:{public_id}",
        detail={"format": form},
    )


@requires(Action.EXPORT_SUBJECT_ACCESS)
@require_GET
def subject_access_csv(request: HttpRequest, public_id: uuid.UUID) -> StreamingHttpResponse:
    pack = _pack(request, public_id, "csv")
    response = StreamingHttpResponse(exports.subject_access_csv(pack), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="subject-access-{pack.subject.public_id}.csv"'
    return response


@requires(Action.EXPORT_SUBJECT_ACCESS)
@require_GET
def subject_access_pdf(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    pack = _pack(request, public_id, "pdf")
    response = HttpResponse(render_pdf(pack), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="subject-access-{pack.subject.public_id}.pdf"'
    return response


# -- an agency's own oversight -------------------------------------------------------------------------------


def _agency_page(request: HttpRequest, form: AgencyUseForm) -> HttpResponse:
    agency = request.user.agency
    context = {"form": form, "agency": agency, "audit_query": urlencode({"agency": agency.name})}
    return render(request, "web/oversight/agency_use.html", context)


@requires(Action.VIEW_AGENCY_USE)
@require_GET
def agency_use(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    initial = {
        "since": (today - timedelta(days=30)).strftime("%d/%m/%Y"),
        "until": today.strftime("%d/%m/%Y"),
    }
    return _agency_page(request, AgencyUseForm(initial=initial))


@requires(Action.EXPORT_AGENCY_USE)
@require_GET
def agency_looks_csv(request: HttpRequest) -> HttpResponse:
    form = AgencyUseForm(request.GET)
    if not form.is_valid() or not (form.cleaned_data["since"] and form.cleaned_data["until"]):
        if form.is_valid():
            form.add_error("since", "Enter the dates to download, like 1/11/2026 and 30/11/2026")
        return _agency_page(request, form)
    since, until = form.cleaned_data["since"], form.cleaned_data["until"]
    looks = through_gate(
        viewer_of(request),
        Action.EXPORT_AGENCY_USE,
        lambda scope: agency_use_module.looks_at_our_records(scope, since, until),
        target=f"agency:{request.user.agency_id}",
        detail={"since": since.isoformat(), "until": until.isoformat()},
    )
    response = StreamingHttpResponse(exports.agency_looks_csv(looks), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="who-looked-at-our-records-{since}-{until}.csv"'
    return response
