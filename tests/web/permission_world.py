"""The world every row of the permission matrix is tried in: a feed with a rejected row, two records in
review, an open case at an address, alerts, requests, the agreement in force and one user of each role;
and the arguments each URL is opened with."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils import timezone
from django.utils.http import urlsafe_base64_encode

from mast.access.models import AccessPurpose, BreakGlassGrant, Role, SingleSignOn, Team
from mast.alerts.models import Alert
from mast.canonical import FIELD_NAMES
from mast.feeds.models import Involvement, Load, RejectedRow
from mast.governance.models import AgreementPartner, SharingAgreement
from mast.identity.models import Address, InvolvementAddress, MatchDecision, Person, PersonLink
from mast.oversight.models import OversightAlert, WatchedPerson
from mast.requests.models import Request
from tests.factories.access import make_user
from tests.factories.identity import make_candidate, make_record, make_source

# The pages about one user, opened on the same someone; the request pages, on the one request the world
# holds; the search results, on a search saved in the practitioner's session.
ADMIN_USER_PAGES = [
    "admin-user",
    "admin-user-edit",
    "admin-user-disable",
    "admin-user-enable",
    "admin-user-invite",
    "admin-user-reset-factor",
]
REQUEST_PAGES = ["request", "request-assign", "request-acknowledge", "request-reply", "request-decline"]
SAVED_SEARCH = "a-search-of-theirs"


@pytest.fixture
def world():
    """A feed with a rejected row, two records in review, an open case at an address, and one user of each
    role (the feed owner owns the feed)."""
    police = make_source("Testshire Police")
    health = make_source("Testshire NHS")
    record = make_record(police, involvements=[("police_attendance", date.today())])
    other = make_record(health, given_name="Addie")
    person = Person.objects.create()
    PersonLink.objects.create(partner_record=record, person=person, method=PersonLink.Method.SINGLETON)
    PersonLink.objects.create(partner_record=other, person=Person.objects.create(), method="singleton")
    involvement = Involvement.objects.get(partner_record=record)
    Involvement.objects.filter(pk=involvement.pk).update(status="open", lead_practitioner="DC Example")
    address = Address.objects.create(key="zz12cd:12:mill lane", line_1="12 Mill Lane", postcode="ZZ1 2CD")
    InvolvementAddress.objects.create(involvement=involvement, address=address)
    load = Load.objects.get(source=police)
    RejectedRow.objects.create(load=load, line_number=7, field="given_name", reason="Empty", raw={"a": "b"})
    candidate = make_candidate(record, other)
    users = {role: make_user(role, agency=police.agency) for role in Role.values}
    police.owners.add(users[Role.FEED_OWNER])
    decision = MatchDecision.objects.create(
        record_a_id=min(record.pk, other.pk),
        record_b_id=max(record.pk, other.pk),
        same_person=False,
        reason="Different people",
        decided_by=users[Role.FEED_OWNER],
    )
    alert = Alert.objects.create(
        recipient=users[Role.PRACTITIONER],
        person=person,
        new_involvement=involvement,
        open_involvement=involvement,
        load=load,
    )
    purpose = AccessPurpose.objects.create(
        user=users[Role.PRACTITIONER], reference="MASH-0001", reason="mash_triage", reason_label="MASH triage"
    )
    # A request from the health partner to the police practitioners' agency, for them to answer.
    request = Request.objects.create(
        kind=Request.Kind.INFORMATION,
        person=person,
        from_user=make_user(Role.PRACTITIONER, agency=health.agency),
        from_agency=health.agency,
        to_agency=police.agency,
        purpose_code="child_at_risk",
        purpose_reference="HLT-0001",
        question="Is this child known to you?",
    )
    team = Team.objects.create(agency=police.agency, name="Response")
    SingleSignOn.objects.create(
        agency=police.agency,
        issuer="https://login.example/tenant/v2.0",
        client_id="mast",
        secret_variable="MAST_MATRIX_SECRET_NEVER_SET",
        email_domains="police.example",
    )
    someone = users[Role.PRACTITIONER]
    someone.email = "sam.practitioner@police.example"
    someone.save()
    # Invited and never signed in: its link stays good while the other users sign in.
    invited = make_user(Role.PRACTITIONER, agency=police.agency)
    invited.set_unusable_password()
    invited.save()
    oversight_alert = OversightAlert.objects.create(
        rule=OversightAlert.Rule.WATCHED,
        agency=police.agency,
        subject=users[Role.PRACTITIONER],
        summary="A look at a watched person.",
        people=[str(person.public_id)],
    )
    # The practitioner is named for break glass, so the matrix shows what the role allows; a practitioner
    # nobody named is refused (tests/oversight/test_break_glass.py). The IG officer watches the person.
    grant = BreakGlassGrant.objects.create(
        user=users[Role.PRACTITIONER], why="Emergency duty team", granted_by=users[Role.IG_OFFICER]
    )
    WatchedPerson.objects.create(
        person=person.public_id, reason=WatchedPerson.Reason.IN_THE_NEWS, added_by=users[Role.IG_OFFICER]
    )
    args = {
        "break-glass-withdraw": [grant.pk],
        "user-oversight-user": [users[Role.PRACTITIONER].pk],
        "user-oversight-team": [team.pk],
        "watch-person": [person.public_id],
        "watch-stop": [person.public_id],
        "set-password": [
            urlsafe_base64_encode(str(invited.pk).encode()),
            default_token_generator.make_token(invited),
        ],
        **{name: [someone.pk] for name in ADMIN_USER_PAGES},
        "security-key-remove": [1],
        "single-sign-on": [police.agency.code],
        "single-sign-on-back": [police.agency.code],
        "admin-agency": [police.agency.pk],
        "admin-agency-edit": [police.agency.pk],
        # Posted with nothing, it switches the agency off: the health partner's, not the administrator's own.
        "admin-agency-active": [health.agency.pk],
        "admin-agency-switch-off": [health.agency.pk],
        "admin-agency-single-sign-on": [police.agency.pk],
        "admin-team-new": [police.agency.pk],
        "admin-team": [police.agency.pk, team.pk],
        "admin-feed-owners": [police.pk],
        "oversight-alert": [oversight_alert.public_id],
        "who-viewed": [person.public_id],
        "who-viewed-csv": [person.public_id],
        "subject-access-csv": [person.public_id],
        "subject-access-pdf": [person.public_id],
        "feed-load": [load.pk],
        "feed-load-rejected": [load.pk],
        "feed-load-progress": [load.pk],
        "feed-load-apply": [load.pk],
        "feed-load-flagged": [load.pk],
        "feed-load-undo": [load.pk],
        "review-candidate": [candidate.pk],
        "review-decision": [decision.pk],
        "review-undo": [decision.pk],
        "search-results": [SAVED_SEARCH],
        "unlink-record": [record.link.pk],
        "person": [person.public_id],
        "person-print": [person.public_id],
        "break-glass": [person.public_id],
        "address": [address.public_id],
        "referral": [person.public_id, involvement.pk],
        "alert": [alert.pk],
        "alert-mute": [person.public_id],
        "alert-unmute": [person.public_id],
        "request-new": [person.public_id],
        "analytics-csv": ["requests"],
        # Made now from the figures (none are kept in a test's folder).
        "analytics-report": [f"{timezone.localdate().replace(day=1) - timedelta(days=1):%Y-%m}"],
        **{name: [request.pk] for name in REQUEST_PAGES},
    }
    # The agreement in force, made after the records were loaded: the police share everything and the IG
    # officer approves for them.
    agreement = SharingAgreement.objects.create(
        status=SharingAgreement.Status.APPROVED,
        title="Testshire agreement",
        reference="TS-ISA",
        version="1.0",
        start_date=date.today() - timedelta(days=30),
        review_date=date.today() + timedelta(days=300),
        lawful_basis="UK GDPR Article 6(1)(e)",
        special_category_condition="UK GDPR Article 9(2)(g)",
    )
    AgreementPartner.objects.create(
        agreement=agreement,
        agency=police.agency,
        role=AgreementPartner.Role.PROVIDER_AND_USER,
        fields_shared=list(FIELD_NAMES),
        approver=users[Role.IG_OFFICER],
        decision=AgreementPartner.Decision.APPROVED,
    )
    args.update(
        {
            **{
                name: [agreement.pk]
                for name in [
                    "agreement-version",
                    "agreement-details",
                    "agreement-purposes",
                    "agreement-send",
                    "agreement-withdraw",
                    "agreement-decide",
                    "agreement-json",
                ]
            },
            "agreement-partner": [agreement.pk, police.agency.pk],
            "ig-pack-document": ["dpia"],
            "ig-pack-download": ["dpia"],
        }
    )
    queries = {"agreement-compare": f"?from={agreement.pk}&to={agreement.pk}"}
    return {"users": users, "args": args, "purpose": purpose, "queries": queries}
