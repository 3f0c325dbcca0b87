"""Every URL, as every role and as nobody: who gets in, and that every page showing personal data wrote
exactly one audit event carrying a purpose.

Who may open a page is what the gate's RULES say for the action its view declares (`@requires(Action.X)`),
or anyone signed in (`@signed_in`), or anyone at all (`@public`): a view that declares none fails the first
test, so nobody adds a page without deciding who may see it. The table below says only how each page is
visited and whether it shows personal data, and must name every URL too.
"""

import pytest
from django.urls import get_resolver, reverse

from mast.access.models import Role
from mast.audit.models import AuditEvent
from mast.gate.policy import RULES, Action
from mast.gate.purpose import SESSION_KEY
from mast.web import saved_search
from mast.web.permissions import PUBLIC, RULE_ATTRIBUTE, SIGNED_IN
from tests.factories.identity import identity_state_in_tmp
from tests.signing_in import signed_in_with_factor
from tests.web.permission_world import REQUEST_PAGES, SAVED_SEARCH, world

# The fixture every test here runs in.
pytestmark = pytest.mark.django_db
__all__ = ["identity_state_in_tmp", "world"]

ANONYMOUS = "anonymous"
ROLES = [ANONYMOUS, *Role.values]
EVERYONE = frozenset(Role.values)

# url name: (method, shows personal data).
# The third column's other value: an administrative change, which writes one audit event of its own.
CHANGE = "change"
GOVERNANCE_CHANGE = "governance change"
PAGES = {
    "sign-in": ("get", False),
    "signed-out": ("get", False),
    "set-password": ("get", False),
    "password-reset": ("get", False),
    # Single sign-on's two steps (someone signed in already is just sent on).
    "single-sign-on": ("get", False),
    "single-sign-on-back": ("get", False),
    "password-reset-sent": ("get", False),
    "health": ("get", False),
    # The second-factor steps: someone already past them is sent on, or may set up a new phone.
    "second-factor": ("get", False),
    "second-factor-setup": ("get", False),
    "account": ("get", False),
    # Security keys: a key's answer (none here, so the page is shown again), adding one, removing one.
    "security-key-sign-in": ("post", False),
    "security-key-add": ("get", False),
    "security-key-remove": ("post", False),
    "keep-alive": ("post", False),
    "admin-users": ("get", False),
    "admin-user-new": ("get", False),
    "admin-users-import": ("get", False),
    "admin-user": ("get", False),
    "admin-user-edit": ("get", False),
    "admin-user-disable": ("get", False),
    "admin-user-enable": ("post", CHANGE),
    "admin-user-invite": ("post", CHANGE),
    "admin-user-reset-factor": ("get", False),
    "admin-agencies": ("get", False),
    "admin-agency-new": ("get", False),
    "admin-agency": ("get", False),
    "admin-agency-edit": ("get", False),
    "admin-agency-active": ("post", CHANGE),
    # Before switching an agency off: how many users and sessions it ends (the switch itself is posted).
    "admin-agency-switch-off": ("get", False),
    "admin-agency-single-sign-on": ("get", False),
    "admin-team-new": ("get", False),
    "admin-team": ("get", False),
    "admin-feeds": ("get", False),
    "admin-feed-owners": ("get", False),
    "cookies": ("get", False),
    "accessibility": ("get", False),
    "transparency": ("get", False),
    "home": ("get", False),
    # Signing out is harmless to anyone: someone not signed in is just sent on.
    "sign-out": ("post", False),
    "agreement": ("get", False),
    "audit-log": ("get", True),
    "audit-export": ("get", True),
    "oversight-alerts": ("get", True),
    "oversight-alert": ("get", True),
    "who-viewed": ("get", True),
    "who-viewed-csv": ("get", True),
    "subject-access-csv": ("get", True),
    "subject-access-pdf": ("get", True),
    # The form only; its download (tests/oversight/test_subject_access.py) needs dates, and is audited.
    # Who may break glass, and users' homes and hours: staff details, not safeguarding data; each change is
    # audited with the governance purpose. Withdrawing the world's one grant is such a change.
    "break-glass-named": ("get", False),
    "break-glass-withdraw": ("post", GOVERNANCE_CHANGE),
    "user-oversight": ("get", False),
    "user-oversight-user": ("get", False),
    "user-oversight-team": ("get", False),
    # Watched people are read, marked and unmarked through the gate: each an audited read of a person.
    "watched-people": ("get", True),
    "watch-person": ("get", True),
    "watch-stop": ("post", True),
    "agency-use": ("get", False),
    "agency-use-csv": ("get", False),
    "feeds": ("get", False),
    "feed-upload": ("post", False),
    "feed-load": ("get", True),
    "feed-load-rejected": ("get", True),
    "feed-load-progress": ("get", False),
    # Posted for a load that is not held, it only sends the owner back to the load's page.
    "feed-load-apply": ("post", False),
    "feed-load-flagged": ("get", True),
    # Posted without its confirmation, it only sends the owner back to the load's page.
    "feed-load-undo": ("post", False),
    "review-queue": ("get", True),
    "review-candidate": ("get", True),
    "review-decision": ("get", True),
    "review-undo": ("post", True),
    "unlink-record": ("get", True),
    "purpose": ("get", False),
    "search": ("get", False),
    "search-results": ("get", True),
    "person": ("get", True),
    "person-print": ("get", True),
    # The form asks only for a reason; its POST (tests/oversight/test_break_glass.py) shows the record.
    "break-glass": ("get", False),
    "address": ("get", True),
    "referral": ("get", True),
    "referral-sent": ("get", False),
    "alerts": ("get", True),
    "alert": ("get", True),
    "alert-mute": ("post", True),
    "alert-unmute": ("post", True),
    "request-new": ("get", True),
    "requests-sent": ("get", True),
    "requests-inbox": ("get", True),
    "requests-dashboard": ("get", False),
    "request": ("get", True),
    "request-assign": ("post", True),
    "request-acknowledge": ("post", True),
    "request-reply": ("get", True),
    "request-decline": ("get", True),
    # The partnership's figures: aggregates only, but each view and download is audited all the same.
    "analytics": ("get", False),
    "analytics-demand": ("get", False),
    "analytics-quality": ("get", False),
    "analytics-fairness": ("get", False),
    "analytics-csv": ("get", False),
    "analytics-reports": ("get", False),
    "analytics-report": ("get", False),
    # The sharing agreement's versions and the IG pack: no personal data. Drafting a version is a change
    # audited with the governance purpose; the other posts, made on a version already approved, change
    # nothing and only send the IG officer back to it.
    "agreement-versions": ("get", False),
    "agreement-draft": ("post", GOVERNANCE_CHANGE),
    "agreement-compare": ("get", False),
    "agreement-version": ("get", False),
    "agreement-details": ("get", False),
    "agreement-purposes": ("get", False),
    "agreement-partner": ("get", False),
    "agreement-send": ("post", False),
    "agreement-withdraw": ("post", False),
    "agreement-decide": ("get", False),
    "agreement-json": ("get", False),
    "ig-pack": ("get", False),
    "ig-pack-data-flow": ("get", False),
    "ig-pack-document": ("get", False),
    "ig-pack-download": ("get", False),
}

# Pages that show no personal data yet write one audit event each (purpose "analysis"), so the partnership
# can see who looked at which figures.
AUDITED_AGGREGATES = {
    "analytics",
    "analytics-demand",
    "analytics-quality",
    "analytics-fairness",
    "analytics-csv",
    "analytics-reports",
    "analytics-report",
}


def _url_patterns() -> dict:
    return {
        pattern.name: pattern
        for pattern in get_resolver().url_patterns[0].url_patterns
        if getattr(pattern, "name", None)
    }


def _declared(name: str):
    """What the page's view says about who may open it: an Action, SIGNED_IN or PUBLIC (None if nothing)."""
    return getattr(_url_patterns()[name].callback, RULE_ATTRIBUTE, None)


def _who_may(name: str):
    declared = _declared(name)
    if declared == PUBLIC:
        return PUBLIC
    if declared == SIGNED_IN:
        return EVERYONE
    return RULES[declared][0]


# Pages read with the purpose the policy implies, not the case the practitioner stated: their own alerts, and
# the requests they follow up or answer (each request's own purpose and reference go in the event's detail).
IMPLIED_PURPOSE_PAGES = {
    **dict.fromkeys(["alerts", "alert", "alert-mute", "alert-unmute"], "alerts"),
    **dict.fromkeys(["requests-sent", "requests-inbox", *REQUEST_PAGES], "targeted_request"),
    **dict.fromkeys(["subject-access-csv", "subject-access-pdf"], "subject_access"),
}


def _client_as(client, world, role):
    if role != ANONYMOUS:
        user = world["users"][role]
        signed_in_with_factor(client, user)
        if role == Role.PRACTITIONER:
            session = client.session
            session[SESSION_KEY] = world["purpose"].pk
            session[saved_search.SESSION_KEY] = {SAVED_SEARCH: {"family_name": "Example"}}
            session.save()
    return client


def _visit(client, world, name):
    method, _ = PAGES[name]
    url = reverse(f"web:{name}", args=world["args"].get(name, [])) + world["queries"].get(name, "")
    return getattr(client, method)(url)


def test_every_url_has_a_row_in_the_matrix():
    assert set(_url_patterns()) == set(PAGES)


def test_every_page_declares_who_may_open_it():
    undeclared = [name for name in _url_patterns() if _declared(name) is None]
    assert undeclared == [], "views without @requires(Action.X), @signed_in or @public"
    assert all(isinstance(_declared(n), Action) or _declared(n) in (PUBLIC, SIGNED_IN) for n in PAGES)


# Single sign-on for someone not signed in, here with no provider to talk to (the real one is in
# tests/browser/test_single_sign_on.py): the start says signing in that way is not working, and the way back
# refuses an answer that never came. Neither asks anyone to sign in first.
WITHOUT_A_PROVIDER = {"single-sign-on": "status 503", "single-sign-on-back": "refused"}


def _expected(name: str, role: str) -> str:
    if role == ANONYMOUS and name in WITHOUT_A_PROVIDER:
        return WITHOUT_A_PROVIDER[name]
    who = _who_may(name)
    if who == PUBLIC or (role != ANONYMOUS and role in who):
        return "allowed"
    return "sign in" if role == ANONYMOUS else "refused"


def _outcome(name: str, response) -> str:
    if response.status_code == 403:
        return "refused"
    location = response.get("Location", "")
    if response.status_code == 302 and name != "sign-out" and location.startswith(reverse("web:sign-in")):
        return "sign in"
    if response.status_code in (200, 204, 302):
        return "allowed"
    return f"status {response.status_code}"


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_each_url(role, world, client):
    """One test per role, visiting every URL: lists every page that let in or kept out the wrong people."""
    client = _client_as(client, world, role)
    wrong = []
    for name in PAGES:
        if name == "sign-out":
            continue  # visited last: it ends the session the other pages need
        outcome = _outcome(name, _visit(client, world, name))
        if outcome != _expected(name, role):
            wrong.append(f"{name}: expected {_expected(name, role)}, got {outcome}")
    outcome = _outcome("sign-out", _visit(client, world, "sign-out"))
    if outcome != _expected("sign-out", role):
        wrong.append(f"sign-out: expected {_expected('sign-out', role)}, got {outcome}")
    assert wrong == []


@pytest.mark.parametrize("name", [n for n in PAGES if _who_may(n) != PUBLIC])
def test_each_page_with_personal_data_writes_exactly_one_audit_event_with_its_purpose(name, world, client):
    _, personal = PAGES[name]
    role = sorted(_who_may(name))[0]
    client = _client_as(client, world, role)
    before = AuditEvent.objects.count()
    response = _visit(client, world, name)
    assert response.status_code in (200, 204, 302)
    if name in (
        "feed-load-rejected",
        "feed-load-flagged",
        "audit-export",
        "who-viewed-csv",
        "subject-access-csv",
    ):
        b"".join(response.streaming_content)
    events = list(AuditEvent.objects.filter(sequence__gt=before))
    if personal in (CHANGE, GOVERNANCE_CHANGE):
        assert len(events) == 1, f"{name} wrote {len(events)} audit events"
        assert events[0].purpose_code == ("administration" if personal == CHANGE else "governance")
        assert events[0].username == world["users"][role].username
        return
    if name in AUDITED_AGGREGATES:
        assert [(e.purpose_code, e.outcome) for e in events] == [("analysis", "allowed")]
        assert "person" not in str(events[0].detail)
        return
    if not personal:
        assert events == [], f"{name} shows no personal data and should write no audit event"
        return
    assert len(events) == 1, f"{name} wrote {len(events)} audit events"
    event = events[0]
    assert event.outcome == "allowed" and event.username == world["users"][role].username
    assert event.purpose_code, f"{name}'s audit event has no purpose"
    if name in IMPLIED_PURPOSE_PAGES:
        assert (event.purpose_code, event.purpose_reference) == (IMPLIED_PURPOSE_PAGES[name], "")
    elif role == Role.PRACTITIONER:
        assert event.purpose_reference == "MASH-0001"


def test_a_refused_look_is_audited_too(world, client):
    client = _client_as(client, world, Role.ANALYST)
    before = AuditEvent.objects.count()
    assert _visit(client, world, "person").status_code == 403
    event = AuditEvent.objects.get(sequence__gt=before)
    assert (event.outcome, event.action, event.role) == ("denied", "view_person", "analyst")
