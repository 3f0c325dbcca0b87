"""What IG officers keep for oversight: who may break glass (administrators too), their users' homes and
working hours, and the people they watch. The work and its audit are in mast.oversight; these views only
show and ask."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mast.access.models import Role, Team, User
from mast.gate.gate import through_gate
from mast.gate.policy import Action
from mast.oversight import break_glass_grants, user_oversight, watched
from mast.oversight.hours import usual_hours
from mast.oversight.models import TeamHours, UserProfile
from mast.web.forms.oversight import NameForBreakGlassForm, TeamHoursForm, UserOversightForm, WatchForm
from mast.web.permissions import requires
from mast.web.viewer import viewer_of


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


# -- break glass: who may ---------------------------------------------------------------------------------


@requires(Action.MANAGE_BREAK_GLASS)
@require_http_methods(["GET", "POST"])
def break_glass_named(request: HttpRequest) -> HttpResponse:
    by = request.user
    candidates = list(break_glass_grants.candidates(by))
    form = NameForBreakGlassForm(request.POST if request.method == "POST" else None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        user = next(u for u in candidates if str(u.pk) == form.cleaned_data["user"])
        try:
            break_glass_grants.grant(by, user, form.cleaned_data["why"], _ip(request))
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"{user.get_full_name() or user.username} may now break glass.")
            return redirect("web:break-glass-named")
    grants = list(break_glass_grants.grants(by))
    context = {
        "form": form,
        "in_force": [g for g in grants if g.withdrawn_at is None],
        "withdrawn": [g for g in grants if g.withdrawn_at is not None][:50],
        "everywhere": by.role == Role.ADMINISTRATOR,
    }
    return render(request, "web/oversight/break_glass_named.html", context)


@requires(Action.MANAGE_BREAK_GLASS)
@require_POST
def break_glass_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        grant = break_glass_grants.withdraw(request.user, pk, _ip(request))
    except ValidationError as error:
        messages.warning(request, error.messages[0])
    else:
        messages.success(request, f"{grant.user} may no longer break glass.")
    return redirect("web:break-glass-named")


# -- users' homes and hours -------------------------------------------------------------------------------


@requires(Action.MANAGE_USER_OVERSIGHT)
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    agency = request.user.agency
    teams = Team.objects.filter(agency=agency).order_by("name")
    hours = {h.team_id: h for h in TeamHours.objects.filter(team__agency=agency)}
    context = {
        "agency": agency,
        "lines": user_oversight.users_of(agency.pk),
        "teams": [(team, hours.get(team.pk)) for team in teams],
        "usual": user_oversight.hours_text(*usual_hours()),
    }
    return render(request, "web/oversight/users.html", context)


@requires(Action.MANAGE_USER_OVERSIGHT)
@require_http_methods(["GET", "POST"])
def user_details(request: HttpRequest, pk: int) -> HttpResponse:
    someone = get_object_or_404(User, pk=pk, agency_id=request.user.agency_id)
    profile = UserProfile.objects.filter(user=someone).first()
    fields = ("home_postcode", "home_line_1", "works_from", "works_until", "works_weekends")
    initial = {name: getattr(profile, name) for name in fields} if profile else {}
    form = UserOversightForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changed = user_oversight.set_profile(request.user, someone, form.cleaned_data, _ip(request))
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            said = "Saved." if changed else "Nothing was changed."
            messages.success(request, f"{someone}: {said}")
            return redirect("web:user-oversight")
    team = user_oversight.team_of(someone)
    context = {"form": form, "someone": someone, "team": team}
    return render(request, "web/oversight/user_form.html", context)


@requires(Action.MANAGE_USER_OVERSIGHT)
@require_http_methods(["GET", "POST"])
def team_hours(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(Team, pk=pk, agency_id=request.user.agency_id)
    current = TeamHours.objects.filter(team=team).first()
    initial = (
        {
            "works_from": current.works_from,
            "works_until": current.works_until,
            "works_weekends": current.works_weekends,
        }
        if current
        else {}
    )
    form = TeamHoursForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = user_oversight.set_team_hours(request.user, team, form.cleaned_data, _ip(request))
        messages.success(request, f"{team.name}: {'Saved.' if changed else 'Nothing was changed.'}")
        return redirect("web:user-oversight")
    context = {"form": form, "team": team, "usual": user_oversight.hours_text(*usual_hours())}
    return render(request, "web/oversight/team_hours.html", context)


# -- watched people ---------------------------------------------------------------------------------------


@requires(Action.MANAGE_WATCHED)
@require_GET
def watched_list(request: HttpRequest) -> HttpResponse:
    people = through_gate(viewer_of(request), Action.MANAGE_WATCHED, watched.every, target="watched-people")
    return render(request, "web/oversight/watched.html", {"people": people})


@requires(Action.MANAGE_WATCHED)
@require_http_methods(["GET", "POST"])
def watch_person(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    viewer, target = viewer_of(request), f"person:{public_id}"
    form = WatchForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        reason, note = form.cleaned_data["reason"], form.cleaned_data["note"]
        try:
            through_gate(
                viewer,
                Action.MANAGE_WATCHED,
                lambda scope: watched.start(scope, request.user, public_id, reason, note),
                target=target,
                detail={"change": "watched", "reason": reason, "note": note},
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "Every look at this person will now raise an alert.")
            return redirect("web:watched-people")
    person, entry = through_gate(
        viewer, Action.MANAGE_WATCHED, lambda scope: watched.about(scope, public_id), target=target
    )
    return render(request, "web/oversight/watch.html", {"form": form, "person": person, "entry": entry})


@requires(Action.MANAGE_WATCHED)
@require_POST
def watch_stop(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    try:
        through_gate(
            viewer_of(request),
            Action.MANAGE_WATCHED,
            lambda scope: watched.stop(scope, public_id),
            target=f"person:{public_id}",
            detail={"change": "stopped watching"},
        )
    except ValidationError as error:
        messages.warning(request, error.messages[0])
    else:
        messages.success(request, "Looks at this person no longer raise an alert of their own.")
    return redirect("web:watched-people")
