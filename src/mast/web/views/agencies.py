"""The administrator's pages for agencies, their teams, and who owns each partner's feed."""

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from mast.access import sessions
from mast.access.models import Agency, Team
from mast.administration import agencies, feed_owners, single_sign_on
from mast.administration.actor import Actor, RefusedChange
from mast.feeds.models import Source
from mast.gate.policy import Action
from mast.web.forms.administration import AgencyForm, OwnersForm, SingleSignOnForm, TeamForm
from mast.web.permissions import requires


@requires(Action.MANAGE_AGENCIES)
def index(request: HttpRequest) -> HttpResponse:
    rows = Agency.objects.annotate(
        active_users=Count("users", filter=Q(users__is_active=True), distinct=True),
        team_count=Count("teams", distinct=True),
    )
    return render(request, "web/administration/agencies.html", {"agencies": rows})


@requires(Action.MANAGE_AGENCIES)
def agency_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = Actor.of(request)
    agency = get_object_or_404(Agency, pk=pk) if pk else None
    initial = {f: getattr(agency, f) for f in agencies.AGENCY_FIELDS} if agency else None
    form = AgencyForm(request.POST or None, initial=initial, editing=agency)
    if request.method == "POST" and form.is_valid():
        if agency is None:
            agency = agencies.create_agency(actor, form.cleaned_data)
            messages.success(request, f"{agency.name} has been added.")
        else:
            agencies.change_agency(actor, agency, form.cleaned_data)
            messages.success(request, "Changes saved.")
        return redirect("web:admin-agency", pk=agency.pk)
    return render(request, "web/administration/agency_form.html", {"form": form, "agency": agency})


@requires(Action.MANAGE_AGENCIES)
def agency(request: HttpRequest, pk: int) -> HttpResponse:
    agency = get_object_or_404(Agency, pk=pk)
    context = {
        "agency": agency,
        "teams": agency.teams.select_related("manager"),
        "sources": agency.sources.order_by("name"),
        "active_users": agency.users.filter(is_active=True).count(),
        "single_sign_on": single_sign_on.of(agency),
    }
    return render(request, "web/administration/agency.html", context)


@requires(Action.MANAGE_AGENCIES)
def agency_switch_off(request: HttpRequest, pk: int) -> HttpResponse:
    """Before an agency is switched off: how many people it stops and how many sessions it ends, now."""
    agency = get_object_or_404(Agency, pk=pk)
    if not agency.is_active:
        return redirect("web:admin-agency", pk=agency.pk)
    users = agency.users.filter(is_active=True)
    context = {
        "agency": agency,
        "active_users": users.count(),
        "live_sessions": sessions.live_for(users),
        "own_agency": request.user.agency_id == agency.pk,
    }
    return render(request, "web/administration/agency_switch_off.html", context)


@requires(Action.MANAGE_AGENCIES)
def single_sign_on_form(request: HttpRequest, pk: int) -> HttpResponse:
    agency = get_object_or_404(Agency, pk=pk)
    sso = single_sign_on.of(agency)
    initial = {f: getattr(sso, f) for f in single_sign_on.FIELDS} if sso else {"enabled": True}
    initial["enabled"] = "yes" if initial["enabled"] else "no"
    form = SingleSignOnForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        single_sign_on.save(Actor.of(request), agency, form.cleaned_data)
        messages.success(request, f"Single sign-on for {agency.name} saved.")
        return redirect("web:admin-agency", pk=agency.pk)
    # Whether this server has the saved variable (never its value): shown for what is saved, not for what
    # was just typed into a form with errors.
    context = {
        "form": form,
        "agency": agency,
        "saved": sso,
        "secret_is_set": single_sign_on.secret_is_set(sso),
    }
    return render(request, "web/administration/single_sign_on_form.html", context)


@requires(Action.MANAGE_AGENCIES)
@require_POST
def agency_active(request: HttpRequest, pk: int) -> HttpResponse:
    actor = Actor.of(request)
    agency = get_object_or_404(Agency, pk=pk)
    switch_on = request.POST.get("active") == "on"
    try:
        ended = agencies.set_agency_active(actor, agency, switch_on)
    except RefusedChange as refusal:
        messages.warning(request, str(refusal))
    else:
        messages.success(
            request,
            f"{agency.name} is switched on: its users can sign in."
            if switch_on
            else f"{agency.name} is switched off: none of its users can sign in. Sessions ended: {ended}.",
        )
    return redirect("web:admin-agency", pk=agency.pk)


@requires(Action.MANAGE_AGENCIES)
def team_form(request: HttpRequest, pk: int, team_pk: int | None = None) -> HttpResponse:
    actor = Actor.of(request)
    agency = get_object_or_404(Agency, pk=pk)
    team = get_object_or_404(Team, pk=team_pk, agency=agency) if team_pk else None
    initial = {"name": team.name, "manager": team.manager_id, "email": team.email} if team else None
    form = TeamForm(request.POST or None, initial=initial, agency=agency, editing=team)
    if request.method == "POST" and form.is_valid():
        saved = agencies.save_team(actor, agency, form.cleaned_data, team)
        messages.success(request, f"Team {saved.name} saved.")
        return redirect("web:admin-agency", pk=agency.pk)
    return render(
        request, "web/administration/team_form.html", {"form": form, "agency": agency, "team": team}
    )


@requires(Action.MANAGE_FEED_OWNERS)
def feeds(request: HttpRequest) -> HttpResponse:
    sources = (
        Source.objects.select_related("agency").prefetch_related("owners").order_by("agency__name", "name")
    )
    return render(request, "web/administration/feeds.html", {"sources": sources})


@requires(Action.MANAGE_FEED_OWNERS)
def feed_owners_form(request: HttpRequest, pk: int) -> HttpResponse:
    actor = Actor.of(request)
    source = get_object_or_404(Source.objects.select_related("agency"), pk=pk)
    candidates = feed_owners.candidates(source) | source.owners.all()
    form = OwnersForm(
        request.POST or None,
        initial={"owners": list(source.owners.values_list("pk", flat=True))},
        candidates=candidates.distinct(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            change = feed_owners.set_owners(actor, source, form.cleaned_data["owners"])
        except ValueError as refusal:
            form.add_error("owners", str(refusal))
        else:
            messages.success(
                request, "Owners saved." if change["added"] or change["removed"] else "Nothing was changed."
            )
            return redirect("web:admin-feeds")
    context = {"form": form, "source": source, "candidates": form.fields["owners"].queryset}
    return render(request, "web/administration/feed_owners.html", context)
