"""Targeted requests: sending one from a person page, the requests a practitioner sent, their team's inbox, a
request with its history (and, for the receiving agency, assigning, acknowledging, replying and declining),
and the dashboard of how quickly requests are answered.

Every page that shows a request or a person reads through `through_gate` once, so writes one audit event; each
change (send, assign, acknowledge, reply, decline) is its own gated, audited call, then a redirect. The views
only read the request, call mast.requests (actions, lists, dashboard) through the gate, and render what comes
back.
"""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mast.access.models import Role
from mast.gate.gate import PurposeRequired, Viewer, through_gate
from mast.gate.policy import Action
from mast.governance.services import request_times
from mast.people.person import person_summary
from mast.requests import actions, lists
from mast.requests import dashboard as request_dashboard
from mast.requests.routing import agencies_to_ask, receiving_agencies
from mast.web.forms.requests import DeclineForm, ReplyForm, RequestForm
from mast.web.permissions import requires
from mast.web.viewer import viewer_of


def _work_viewer(request: HttpRequest) -> Viewer:
    """For following up or answering requests: the purpose is the one the policy implies (the request's own
    purpose and case reference go in each event's detail), not whatever case the user last stated."""
    return Viewer(user=request.user, purpose=None, ip_address=request.META.get("REMOTE_ADDR") or None)


def _audit_request(detail) -> dict:
    """What the audit event records of a request that was shown: which, between whom, for which case."""
    return {
        "request_id": detail.line.pk,
        "side": detail.side,
        "request_purpose": detail.purpose_code,
        "request_reference": detail.purpose_reference,
        "person_shown": detail.line.person.public_id if detail.line.person else None,
    }


def _lines_shown(lines) -> dict:
    return {
        "requests_shown": [line.pk for line in lines],
        "people_shown": sorted({line.person.public_id for line in lines if line.person}, key=str),
    }


# -- sending -------------------------------------------------------------------------------------------------


def _involvement_id(request: HttpRequest) -> int | None:
    raw = request.POST.get("involvement") or request.GET.get("involvement") or ""
    return int(raw) if raw.isdigit() else None


def _send_page(request: HttpRequest, public_id: uuid.UUID, form: RequestForm | None):
    viewer = viewer_of(request)
    involvement_id = _involvement_id(request)
    summary = through_gate(
        viewer,
        Action.VIEW_PERSON,
        lambda scope: person_summary(scope, public_id),
        target=f"person:{public_id}",
        detail={"page": "request", "involvement_id": involvement_id},
    )
    if summary.public_id != public_id:
        return redirect("web:request-new", summary.public_id)
    lines = {line.involvement_id: line for line in (*summary.open_cases, *summary.timeline)}
    about = lines.get(involvement_id) if involvement_id is not None else None
    to_ask = agencies_to_ask(
        [line.agency for line in lines.values()],
        own_agency_id=request.user.agency_id,
        own_agency_name=request.user.agency.name,
    )
    choices = to_ask.choices
    initial = {}
    if about is not None and about.agency in to_ask.by_name:
        initial["agency"] = to_ask.by_name[about.agency]
    elif (request.GET.get("agency") or "").isdigit():
        initial["agency"] = int(request.GET["agency"])
    if form is None:
        form = RequestForm(initial=initial, agencies=choices)
    else:
        form.fields["agency"].choices = choices  # in the page's order: those involved with the person first
    context = {
        "summary": summary,
        "purpose": viewer.purpose,
        "form": form,
        "about": about,
        "about_agency_id": initial.get("agency") if about is not None else None,
        "involved_count": to_ask.involved_count,
        "not_in_mast": to_ask.not_in_mast,
        "involvement_id": involvement_id if about is not None else None,
        "times": request_times(),
    }
    return render(request, "web/requests/new.html", context)


@requires(Action.SEND_REQUEST)
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Ask one partner agency about this person, or about one of its involvements with them."""
    if request.method == "GET":
        return _send_page(request, public_id, None)
    viewer = viewer_of(request)
    if viewer.purpose is None:
        raise PurposeRequired()
    form = RequestForm(request.POST, agencies=list(receiving_agencies(request.user.agency_id).items()))
    if form.is_valid():
        involvement_id = _involvement_id(request)
        data = form.cleaned_data
        try:
            sent = through_gate(
                viewer,
                Action.SEND_REQUEST,
                lambda scope: actions.send_request(
                    scope,
                    user=request.user,
                    purpose=viewer.purpose,
                    public_id=public_id,
                    to_agency_id=data["agency"],
                    involvement_id=involvement_id,
                    question=data["question"],
                    priority=data["priority"],
                ),
                target=f"person:{public_id}",
                detail={"involvement_id": involvement_id, "priority": data["priority"]},
                describe=lambda sent: {"request_id": sent.pk, "to_agency": sent.to_agency.name},
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Your request was sent to {sent.to_agency.name}.")
            return redirect("web:request", sent.pk)
    # Not sent: the form again with what was wrong (and the person, read through the gate again).
    return _send_page(request, public_id, form)


# -- lists ---------------------------------------------------------------------------------------------------


@requires(Action.VIEW_REQUESTS)
@require_GET
def sent(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "mine")
    show = show if show in lists.SENT_FILTERS else "mine"
    lines = through_gate(
        _work_viewer(request),
        Action.VIEW_REQUESTS,
        lambda scope: lists.requests_sent(scope, show=show),
        target="requests:sent",
        detail={"show": show},
        describe=_lines_shown,
    )
    context = {"lines": lines, "show": show, "filters": lists.SENT_FILTERS}
    return render(request, "web/requests/sent.html", context)


@requires(Action.VIEW_REQUESTS)
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    team = request.user.team or ""
    show = request.GET.get("show") or ("team" if team else "agency")
    found = through_gate(
        _work_viewer(request),
        Action.VIEW_REQUESTS,
        lambda scope: lists.inbox(scope, team=team, show=show),
        target="requests:inbox",
        detail={"show": show},
        describe=lambda box: _lines_shown([*box.open, *box.answered]),
    )
    filters = {k: v for k, v in lists.INBOX_FILTERS.items() if k != "team" or team}
    return render(request, "web/requests/inbox.html", {"inbox": found, "filters": filters})


@requires(Action.VIEW_REQUEST_DASHBOARD)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Counts only, no person: not personal data, so nothing to audit; the policy decides who sees it."""
    agency_id = request.user.agency_id if request.user.role == Role.PRACTITIONER else None
    return render(
        request, "web/requests/dashboard.html", {"board": request_dashboard.dashboard(agency_id=agency_id)}
    )


# -- one request ---------------------------------------------------------------------------------------------


def _detail(request: HttpRequest, pk: int, page: str, *, receiving_only: bool = False):
    def read(scope):
        found = lists.request_detail(scope, pk)
        if receiving_only and found.side != "received":
            raise PermissionDenied("Only the agency a request was sent to can answer it.")
        return found

    return through_gate(
        _work_viewer(request),
        Action.VIEW_REQUEST,
        read,
        target=f"request:{pk}",
        detail={"page": page},
        describe=_audit_request,
    )


def _request_page(request: HttpRequest, pk: int, *, error: str = ""):
    found = _detail(request, pk, "request")
    context = {"detail": found, "line": found.line, "error": error}
    return render(request, "web/requests/request.html", context)


@requires(Action.VIEW_REQUEST)
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _request_page(request, pk)


def _answer(request: HttpRequest, pk: int, work, **detail):
    """One change to a request, through the gate; the service's refusal comes back as a ValidationError."""
    return through_gate(
        _work_viewer(request),
        Action.ANSWER_REQUEST,
        lambda scope: work(scope),
        target=f"request:{pk}",
        detail=detail,
        describe=lambda changed: {"status": changed.status},
    )


@requires(Action.ANSWER_REQUEST)
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    raw = request.POST.get("assignee", "")
    if not raw.isdigit():
        return _request_page(request, pk, error="Select someone to assign it to")
    try:
        _answer(
            request,
            pk,
            lambda scope: actions.assign(scope, user=request.user, request_id=pk, assignee_id=int(raw)),
            change="assign",
            assignee_id=int(raw),
        )
    except ValidationError as error:
        return _request_page(request, pk, error=error.messages[0])
    messages.success(request, "The request has been assigned.")
    return redirect("web:request", pk)


@requires(Action.ANSWER_REQUEST)
@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        _answer(
            request,
            pk,
            lambda scope: actions.acknowledge(scope, user=request.user, request_id=pk),
            change="acknowledge",
        )
    except ValidationError as error:
        return _request_page(request, pk, error=error.messages[0])
    messages.success(request, "You have acknowledged the request. The sender can see it is being worked on.")
    return redirect("web:request", pk)


ANSWERS = {
    # what: (form, field, service, success message)
    "reply": (ReplyForm, "reply", actions.reply, "Your reply has been sent."),
    "decline": (DeclineForm, "reason", actions.decline, "You have declined the request."),
}


def _answer_page(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    form_class, field, work, done = ANSWERS[what]
    argument = "text" if what == "reply" else "reason"
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data[field]
        try:
            _answer(
                request,
                pk,
                lambda scope: work(scope, user=request.user, request_id=pk, **{argument: text}),
                change=what,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, done)
            return redirect("web:request", pk)
    found = _detail(request, pk, what, receiving_only=True)
    if not found.can_answer and request.method == "GET":
        return redirect("web:request", pk)
    context = {"detail": found, "line": found.line, "form": form, "what": what}
    return render(request, "web/requests/answer.html", context)


@requires(Action.ANSWER_REQUEST)
@require_http_methods(["GET", "POST"])
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer_page(request, pk, "reply")


@requires(Action.ANSWER_REQUEST)
@require_http_methods(["GET", "POST"])
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer_page(request, pk, "decline")
