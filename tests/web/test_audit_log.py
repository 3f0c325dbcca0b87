"""The IG officer's audit log page: every event with who, what and why; filters; reading it is audited too."""

import pytest
from django.urls import reverse

from mast.access.models import Role
from mast.audit import chain
from mast.audit.models import AuditEvent
from tests.factories.access import make_user
from tests.signing_in import signed_in_with_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged():
    worker = make_user(Role.PRACTITIONER, username="mash.worker")
    officer = make_user(Role.PRACTITIONER, username="pc.officer")
    chain.append(
        user=worker, action="search_people", purpose_code="mash_triage", purpose_reference="MASH-0007"
    )
    chain.append(user=officer, action="view_person", target="person:p1", purpose_reference="OP-ROWAN")
    chain.append(user=officer, action="view_person", outcome="denied", target="person:p2")
    return worker, officer


def test_an_ig_officer_reads_who_did_what_and_why(logged, client):
    signed_in_with_factor(client, make_user(Role.IG_OFFICER, username="ig.officer"))
    page = client.get(reverse("web:audit-log")).content.decode()
    for text in (
        "mash.worker",
        "MASH-0007",
        "Searched for people",
        "Looked at a person&#x27;s record",
        "pc.officer",
        "person:p1",
        "OP-ROWAN",
        "Refused",
    ):
        assert text in page
    reading = AuditEvent.objects.order_by("-sequence").first()
    assert (reading.username, reading.action, reading.purpose_code) == (
        "ig.officer",
        "view_audit_log",
        "governance",
    )


def test_filters_narrow_the_log(logged, client):
    signed_in_with_factor(client, make_user(Role.IG_OFFICER))
    only_refused = client.get(reverse("web:audit-log"), {"refused_only": "on"}).content.decode()
    assert "person:p2" in only_refused and "MASH-0007" not in only_refused
    by_case = client.get(reverse("web:audit-log"), {"purpose_reference": "mash-0007"}).content.decode()
    assert "MASH-0007" in by_case and "OP-ROWAN" not in by_case


def test_a_bad_date_is_explained_not_ignored(logged, client):
    signed_in_with_factor(client, make_user(Role.IG_OFFICER))
    page = client.get(reverse("web:audit-log"), {"since": "31/02/2026"}).content.decode()
    assert "From must be a real date" in page


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.FEED_OWNER, Role.ADMINISTRATOR, Role.ANALYST])
def test_nobody_else_reads_the_log(role, logged, client):
    signed_in_with_factor(client, make_user(role))
    assert client.get(reverse("web:audit-log")).status_code == 403


def test_the_agency_filter_finds_an_agency_typed_in_any_case(logged, client):
    worker, _ = logged
    signed_in_with_factor(client, make_user(Role.IG_OFFICER))
    typed = worker.agency.name.upper()
    page = client.get(reverse("web:audit-log"), {"agency": typed}).content.decode()
    assert "MASH-0007" in page and "OP-ROWAN" not in page
