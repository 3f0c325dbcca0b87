"""A practitioner's alerts: the list, one alert (marked read as it is opened), and muting a person.

Each page reads through the gate once with the implied purpose of responding to alerts (mast.gate.policy,
ALERTS): the viewer is passed without the session's stated purpose, which belongs to whatever case they were
looking at, not to their own queue. The rules are in mast.alerts.services.
"""

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_POST

from mast.alerts import services
from mast.gate.gate import Viewer, through_gate
from mast.gate.policy import Action
from mast.web.permissions import requires

PAGE_SIZE = 25


def _viewer(request: HttpRequest) -> Viewer:
    return Viewer(user=request.user, purpose=None, ip_address=request.META.get("REMOTE_ADDR") or None)


@requires(Action.VIEW_ALERTS)
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    def read(scope):
        page = Paginator(services.alerts_for(scope), PAGE_SIZE).get_page(request.GET.get("page"))
        return page, services.alert_lines(scope, page), services.muted_people(scope)

    page, lines, muted = through_gate(
        _viewer(request),
        Action.VIEW_ALERTS,
        read,
        target="alerts",
        describe=lambda result: {"alerts": [line.pk for line in result[1]]},
    )
    return render(request, "web/alerts/index.html", {"page": page, "lines": lines, "muted": muted})


@requires(Action.VIEW_ALERTS)
@require_GET
def alert(request: HttpRequest, pk: int) -> HttpResponse:
    def read(scope):
        line = services.open_alert(scope, pk)
        if line is None:
            # Not this user's alert, or none: nothing was read, so the gate's audit event is rolled back.
            raise Http404("No such alert")
        return line

    line = through_gate(
        _viewer(request),
        Action.VIEW_ALERTS,
        read,
        target=f"alert:{pk}",
        describe=lambda result: {"person": result.person_public_id},
    )
    return render(request, "web/alerts/alert.html", {"line": line, "person_url": _person_url(line)})


def _person_url(line: services.AlertLine) -> str | None:
    """The person page, where one is served (the practitioner's pages); else the alert links nowhere."""
    try:
        return reverse("web:person", args=[line.person_public_id])
    except NoReverseMatch:
        return None


def _set_muted(request: HttpRequest, public_id: uuid.UUID, muted: bool) -> HttpResponse:
    done = through_gate(
        _viewer(request),
        Action.MUTE_ALERTS,
        lambda scope: services.set_muted(scope, public_id, muted),
        target=f"person:{public_id}",
        detail={"muted": muted},
    )
    if done:
        messages.success(
            request,
            "You will not be alerted about this person until you unmute them."
            if muted
            else "You will be alerted about this person again.",
        )
    back = request.POST.get("back", "")
    if back.isdigit():
        return redirect("web:alert", pk=int(back))
    return redirect("web:alerts")


@requires(Action.MUTE_ALERTS)
@require_POST
def mute(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _set_muted(request, public_id, True)


@requires(Action.MUTE_ALERTS)
@require_POST
def unmute(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _set_muted(request, public_id, False)
