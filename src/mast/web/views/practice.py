"""The practitioner's pages: stating a purpose, searching, a person (on screen and printed), an address, and a
referral sent straight to the allocated worker of an open case.

Every page that shows personal data reads it through `through_gate` exactly once, so exactly one audit event
records it, with the purpose the practitioner stated. The views only read the request, call the gate with the
people or requests service, and render what comes back.
"""

import uuid

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from mast.access import case_reference
from mast.access.models import may_break_glass
from mast.feeds.freshness import agency_freshness
from mast.gate import purpose as stated_purpose
from mast.gate.gate import PurposeRequired, Viewer, through_gate
from mast.gate.policy import Action
from mast.people.address import address_summary
from mast.people.person import PersonSummary, person_summary
from mast.people.search import SearchQuery, search_addresses, search_people
from mast.requests.actions import send_referral
from mast.requests.routing import person_name, referral_route
from mast.web import saved_search
from mast.web.forms.practice import PurposeForm, ReferralForm, SearchForm
from mast.web.permissions import requires
from mast.web.viewer import viewer_of

# The last referral sent in this session, for its confirmation page: the page reads nothing from the database.
REFERRAL_SENT_KEY = "mast_referral_sent"


def _safe_next(request: HttpRequest, url: str | None) -> str | None:
    """Only a path on this site: never another host, scheme, or a protocol-relative URL."""
    if not url or not url.startswith("/") or url.startswith(("//", "/\\")):
        return None
    if not url_has_allowed_host_and_scheme(url, allowed_hosts=None, require_https=request.is_secure()):
        return None
    return None if url.startswith(reverse("web:purpose")) else url


# -- the stated purpose --------------------------------------------------------------------------------------


@requires(Action.SEARCH_PEOPLE)
@require_http_methods(["GET", "POST"])
def purpose(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = PurposeForm(request.POST or None, reasons=stated_purpose.reasons())
    if request.method == "POST" and form.is_valid():
        try:
            stated_purpose.declare(
                request.session,
                request.user,
                reference=form.cleaned_data["reference"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return redirect(next_url or reverse("web:search"))
    current = stated_purpose.current(request.session, request.user)
    context = {
        "form": form,
        "next": next_url or "",
        "current": current,
        "lapsed": current is None and stated_purpose.lapsed(request.session),
        "idle_minutes": stated_purpose.idle_limit_seconds() // 60,
        "reference_hint": case_reference.hint(request.user.agency),
    }
    return render(request, "web/people/purpose.html", context)


# -- search --------------------------------------------------------------------------------------------------


def _search(viewer: Viewer, query: SearchQuery, terms: dict[str, str], page: str):
    """People, and addresses when a postcode or address was given: one read, so one audit event."""

    def read(scope):
        places = (
            search_addresses(scope, query.postcode, query.address) if query.postcode or query.address else []
        )
        return search_people(scope, query, page=page), places

    return through_gate(
        viewer,
        Action.SEARCH_PEOPLE,
        read,
        target="search",
        detail={"terms": terms},
        describe=lambda found: {
            "people_shown": [p.public_id for p in found[0].people],
            "page": found[0].page.number,
            "people_found": found[0].total,
            "too_broad": found[0].too_broad,
            "people_found_exact": found[0].exact,
            "addresses_shown": [a.public_id for a in found[1]],
        },
    )


@requires(Action.SEARCH_PEOPLE)
@require_http_methods(["GET", "POST"])
def search(request: HttpRequest) -> HttpResponse:
    """Posted, then redirected to a results page read with GET (`search_results`): the terms are personal
    data, kept in the session and never put in URLs, logs or browser history."""
    viewer = viewer_of(request)
    if viewer.purpose is None:
        # Asked before the search terms are typed, so none are lost on the way.
        raise PurposeRequired()
    form = SearchForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        terms = form.terms()
        form.add_query_problems(SearchQuery(**terms).problems())
        if form.is_valid():
            return redirect("web:search-results", saved_search.save(request.session, terms))
    context = {"form": form, "purpose": viewer.purpose, "searched": False}
    return render(request, "web/people/search.html", context)


@requires(Action.SEARCH_PEOPLE)
@require_GET
def search_results(request: HttpRequest, search_id: str) -> HttpResponse:
    viewer = viewer_of(request)
    if viewer.purpose is None:
        raise PurposeRequired()
    terms = saved_search.terms_of(request.session, search_id)
    if terms is None:
        # Ended with the session, or not this user's: their terms are not shown; search again.
        return render(request, "web/people/search_ended.html", status=404)
    people, addresses = _search(viewer, SearchQuery(**terms), terms, request.GET.get("page") or "1")
    context = {
        "freshness": agency_freshness(),
        "form": SearchForm(initial=terms),
        "purpose": viewer.purpose,
        "searched": True,
        "results": people,
        "people": people.people,
        "addresses": addresses,
        "terms": terms,
    }
    return render(request, "web/people/search.html", context)


def back_to_search(request: HttpRequest) -> str:
    """Where "Back to search" goes: the results last read in this session, else a new search."""
    search_id = saved_search.last(request.session)
    return reverse("web:search-results", args=[search_id]) if search_id else reverse("web:search")


# -- a person ------------------------------------------------------------------------------------------------


def _read_person(
    request: HttpRequest, public_id: uuid.UUID, action: Action, *, detail: dict | None = None
) -> tuple[Viewer, PersonSummary]:
    viewer = viewer_of(request)
    summary = through_gate(
        viewer,
        action,
        lambda scope: person_summary(scope, public_id),
        target=f"person:{public_id}",
        detail=detail,
        describe=lambda found: shown_with(found, public_id),
    )
    return viewer, summary


def shown_with(found: PersonSummary, public_id: uuid.UUID) -> dict:
    """The others a person page showed (family, household), so "who saw this child" includes those pages."""
    shown = {
        "family_shown": [str(m.person.public_id) for m in found.family],
        "household_shown": [p.public_id for p in found.household],
    }
    if found.public_id != public_id:
        shown["merged_into"] = found.public_id
    return {k: v for k, v in shown.items() if v}


@requires(Action.VIEW_PERSON)
@require_GET
def person(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    viewer, summary = _read_person(request, public_id, Action.VIEW_PERSON)
    if summary.public_id != public_id:
        return redirect("web:person", summary.public_id)
    context = {
        "summary": summary,
        "purpose": viewer.purpose,
        "back": back_to_search(request),
        "freshness": agency_freshness(),
        # The break-glass link is offered only to those named for it (the gate refuses everyone else).
        "may_break_glass": summary.has_restricted and may_break_glass(request.user),
    }
    return render(request, "web/people/person.html", context)


@requires(Action.PRINT_PERSON)
@require_GET
def person_print(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    viewer, summary = _read_person(request, public_id, Action.PRINT_PERSON)
    if summary.public_id != public_id:
        return redirect("web:person-print", summary.public_id)
    context = {
        "summary": summary,
        "purpose": viewer.purpose,
        "printed_at": timezone.localtime(),
        "freshness": agency_freshness(),
    }
    return render(request, "web/people/print.html", context)


# -- an address ----------------------------------------------------------------------------------------------


@requires(Action.VIEW_ADDRESS)
@require_GET
def address(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    viewer = viewer_of(request)
    summary = through_gate(
        viewer,
        Action.VIEW_ADDRESS,
        lambda scope: address_summary(scope, public_id),
        target=f"address:{public_id}",
        describe=lambda found: {"people_shown": [p.public_id for p in found.people]},
    )
    context = {
        "summary": summary,
        "purpose": viewer.purpose,
        "back": back_to_search(request),
        "freshness": agency_freshness(),
    }
    return render(request, "web/people/address.html", context)


# -- a referral to the allocated worker ----------------------------------------------------------------------


def _referral_page(request, public_id: uuid.UUID, involvement_id: int, form: ReferralForm) -> HttpResponse:
    viewer = viewer_of(request)

    def read(scope):
        summary = person_summary(scope, public_id)
        return summary, referral_route(scope, summary.person.pk, involvement_id)

    summary, to = through_gate(
        viewer,
        Action.VIEW_PERSON,
        read,
        target=f"person:{public_id}",
        detail={"page": "referral", "involvement_id": involvement_id},
        describe=lambda found: {} if found[0].public_id == public_id else {"merged_into": found[0].public_id},
    )
    if summary.public_id != public_id:
        return redirect("web:referral", summary.public_id, involvement_id)
    case = next((c for c in summary.open_cases if c.involvement_id == involvement_id), None)
    if case is None or to is None:
        raise Http404("This person has no open case with this id.")
    context = {"summary": summary, "case": case, "route": to, "form": form, "purpose": viewer.purpose}
    return render(request, "web/people/referral.html", context)


@requires(Action.SEND_REFERRAL)
@require_http_methods(["GET", "POST"])
def referral(request: HttpRequest, public_id: uuid.UUID, involvement_id: int) -> HttpResponse:
    if request.method == "GET":
        return _referral_page(request, public_id, involvement_id, ReferralForm())
    form = ReferralForm(request.POST)
    if form.is_valid():
        viewer = viewer_of(request)
        priority = form.cleaned_data["priority"]
        try:
            sent = through_gate(
                viewer,
                Action.SEND_REFERRAL,
                lambda scope: send_referral(
                    scope,
                    user=request.user,
                    purpose=viewer.purpose,
                    public_id=public_id,
                    involvement_id=involvement_id,
                    summary=form.cleaned_data["summary"],
                    priority=priority,
                ),
                target=f"person:{public_id}",
                detail={"involvement_id": involvement_id, "priority": priority},
                describe=lambda request_: {"request_id": request_.pk, "to_agency": request_.to_agency.name},
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            request.session[REFERRAL_SENT_KEY] = {
                # Who has it in MAST: the allocated worker if they use it, else nobody yet (the team's inbox).
                "assignee": person_name(sent.assignee) if sent.assignee_id else "",
                "worker": sent.to_worker,
                "team": sent.to_team,
                "agency": sent.to_agency.name,
                "contact_point": sent.to_agency.contact_point,
                "priority": sent.get_priority_display(),
                "reference": sent.purpose_reference,
                "person": str(sent.person.public_id),
            }
            return redirect("web:referral-sent")
    # Not sent: the form again, with what was wrong, and whom it would go to (read through the gate).
    return _referral_page(request, public_id, involvement_id, form)


@requires(Action.SEND_REFERRAL)
@require_GET
def referral_sent(request: HttpRequest) -> HttpResponse:
    sent = request.session.get(REFERRAL_SENT_KEY)
    if not sent:
        return redirect("web:search")
    return render(request, "web/people/referral_sent.html", {"sent": sent})
