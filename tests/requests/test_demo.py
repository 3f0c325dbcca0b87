"""The demo's requests: some in every state between the demo practitioners, made once however often the demo
runs."""

from datetime import date

import pytest

from mast.access.models import AgencyKind, Team
from mast.feeds.models import Involvement, Source
from mast.identity.models import Person, PersonLink
from mast.requests.demo import DEMO_REQUESTS, ensure_demo_requests
from mast.requests.models import Request
from tests.factories.access import make_agency, make_user
from tests.factories.identity import make_record

pytestmark = pytest.mark.django_db


def _open_cases(agency, team: str, count: int) -> None:
    source = Source.objects.create(code=f"src-{agency.code}", name=agency.name, agency=agency, mapping="test")
    for n in range(count):
        record = make_record(
            source, involvements=[("child_in_need", date(2026, 6, 1))], given_name=f"Child{n}"
        )
        PersonLink.objects.create(partner_record=record, person=Person.objects.create(), method="singleton")
    Involvement.objects.filter(source=source).update(status="open", team=team, lead_practitioner="A Worker")


def test_the_demo_has_requests_in_every_state_once(django_capture_on_commit_callbacks):
    police = make_agency("Demo Police", code="demo-police")
    csc = make_agency("Demo Children's Services", code="demo-csc", kind=AgencyKind.CHILDRENS_SOCIAL_CARE)
    health = make_agency("Demo Health", code="demo-health", kind=AgencyKind.HEALTH)
    make_user(username="police.officer", agency=police, team="Response")
    make_user(username="mash.worker", agency=csc, team="Family Support")
    make_user(username="health.lead", agency=health)
    _open_cases(csc, "Family Support", 6)
    _open_cases(police, "Response", 2)
    with django_capture_on_commit_callbacks(execute=True):
        assert ensure_demo_requests() == len(DEMO_REQUESTS)
    states = {(r.status, r.overdue_at is not None, r.escalated_at is not None) for r in Request.objects.all()}
    assert {s for s, _, _ in states} == {"sent", "acknowledged", "replied", "declined"}
    assert ("sent", True, True) in states  # overdue, and escalated to the team's manager
    assert Request.objects.filter(kind="referral").count() == 1
    assert Request.objects.filter(to_agency=police).count() == 1
    assert Team.objects.get(agency=csc, name="Family Support").manager.username == "mash.worker"
    # Every request has its history, in order, starting with its sending.
    for request in Request.objects.all():
        kinds = list(request.events.order_by("at", "pk").values_list("kind", flat=True))
        assert kinds[0] == "sent"
    assert ensure_demo_requests() == len(DEMO_REQUESTS)
    assert Request.objects.count() == len(DEMO_REQUESTS)
