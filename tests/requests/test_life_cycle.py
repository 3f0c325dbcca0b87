"""The whole life of a request, as the two agencies and MAST see it: sent, acknowledged, replied or declined,
overdue and escalated, with due times across weekends and bank holidays, and who is told (by an email that
names nobody) at each step."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from mast.access.models import Agency, Team
from mast.gate.policy import Action
from mast.governance.models import AgreementPartner, SharingAgreement
from mast.requests import actions, chasing, dashboard, lists
from mast.requests.models import Request, RequestEvent
from mast.web.templatetags.mast_requests import duration
from tests.requests.conftest import TEAM, as_user, send

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=LONDON)


def answer(user, work, **kwargs):
    return as_user(user, Action.ANSWER_REQUEST, lambda scope: work(scope, user=user, **kwargs))


def kinds(request: Request) -> list[str]:
    return list(request.events.order_by("at", "pk").values_list("kind", flat=True))


def emails(kind: str) -> list[str]:
    return sorted(
        address for m in mail.outbox if m.extra_headers.get("X-MAST-Kind") == kind for address in m.to
    )


def test_a_request_about_an_open_case_goes_to_its_team_and_is_assigned_to_the_named_worker(
    between, clock, django_capture_on_commit_callbacks
):
    clock.set(2026, 11, 27, 16, 0)  # a Friday afternoon
    with django_capture_on_commit_callbacks(execute=True):
        request = send(between, involvement_id=between.case.pk, priority="green")
    assert (request.to_agency, request.to_team, request.to_worker) == (between.csc, TEAM, "Rowan Ashdown")
    # The feed's email for the worker is a MAST user's (any case): it is theirs from the start.
    assert request.assignee == between.worker
    assert request.due_at == at(2026, 12, 2, 16, 0)  # three working days: Mon, Tue, Wed
    assert (request.purpose_code, request.purpose_reference) == ("child_at_risk", "MASH-2026-0042")
    assert kinds(request) == ["sent"]
    # The worker it is assigned to is told, and the team's mailbox (cover when the worker is away), not every
    # colleague; the email says only that there is something in MAST, and where.
    assert emails("request_received") == sorted([between.worker.email, "fst-east@csc.example"])
    body = mail.outbox[0].body
    assert f"/requests/{request.pk}/" in body
    for secret in ("Kayleigh", "Thornbury", "joint visit", "MASH-2026-0042", "Police"):
        assert secret not in body and secret not in mail.outbox[0].subject


def test_with_the_named_worker_not_in_mast_the_whole_team_is_told(
    between, django_capture_on_commit_callbacks
):
    # Neither the feed's email nor its name and team are a MAST user's.
    between.worker.email, between.worker.first_name = "someone.else@csc.example", "Robin"
    between.worker.save()
    with django_capture_on_commit_callbacks(execute=True):
        request = send(between, involvement_id=between.case.pk, priority="green")

    assert request.assignee is None and request.to_worker == "Rowan Ashdown"
    assert emails("request_received") == sorted(
        [between.worker.email, between.colleague.email, between.manager.email, "fst-east@csc.example"]
    )


def test_the_life_of_a_request_sent_acknowledged_replied(between, clock, django_capture_on_commit_callbacks):
    clock.set(2026, 12, 24, 10, 0)  # Christmas Eve, a Thursday
    request = send(between, priority="green")
    # About the person generally: to the agency's front door, due after Christmas and Boxing Day (Mon 28th).
    assert (request.to_team, request.assignee) == ("", None)
    assert request.due_at == at(2026, 12, 31, 10, 0)
    clock.set(2026, 12, 29, 9, 15)
    with django_capture_on_commit_callbacks(execute=True):
        answer(between.colleague, actions.acknowledge, request_id=request.pk)
    request.refresh_from_db()
    assert request.status == "acknowledged" and request.assignee == between.colleague
    assert request.acknowledged_at == at(2026, 12, 29, 9, 15)
    assert emails("request_acknowledged") == [between.officer.email]
    with django_capture_on_commit_callbacks(execute=True):
        answer(between.colleague, actions.assign, request_id=request.pk, assignee_id=between.worker.pk)
    clock.set(2026, 12, 30, 11, 0)
    with django_capture_on_commit_callbacks(execute=True):
        answer(
            between.worker, actions.reply, request_id=request.pk, text="Known to us: a child in need plan."
        )
    request.refresh_from_db()
    assert (request.status, request.reply, request.answered_by) == (
        "replied",
        "Known to us: a child in need plan.",
        between.worker,
    )
    assert request.answered_at == at(2026, 12, 30, 11, 0)
    assert kinds(request) == ["sent", "acknowledged", "assigned", "assigned", "replied"]
    assert emails("request_replied") == [between.officer.email]
    # An answered request cannot be answered again, nor declined.
    with pytest.raises(ValidationError, match="already been replied"):
        answer(between.worker, actions.decline, request_id=request.pk, reason="Too late")


def test_declining_needs_a_reason_and_tells_the_requester(between, django_capture_on_commit_callbacks):
    request = send(between)
    with pytest.raises(ValidationError) as refused:
        answer(between.worker, actions.decline, request_id=request.pk, reason="  ")
    assert refused.value.message_dict == {"reason": ["Enter why you are declining the request"]}
    with django_capture_on_commit_callbacks(execute=True):
        answer(between.worker, actions.decline, request_id=request.pk, reason="Not known to our service.")
    request.refresh_from_db()
    assert (request.status, request.decline_reason) == ("declined", "Not known to our service.")
    assert RequestEvent.objects.get(request=request, kind="declined").note == "Not known to our service."
    assert emails("request_declined") == [between.officer.email]


def test_overdue_then_escalated_to_the_team_manager(between, clock, django_capture_on_commit_callbacks):
    clock.set(2027, 3, 25, 9, 30)  # the Thursday before Easter 2027
    request = send(between, involvement_id=between.case.pk, priority="green")
    assert request.due_at == at(2027, 4, 1, 9, 30)  # after Good Friday and Easter Monday
    mail.outbox.clear()
    # Not yet due: nothing happens.
    clock.set(2027, 4, 1, 9, 29)
    assert chasing.chase() == chasing.ChaseResult(overdue=0, escalated=0)
    clock.set(2027, 4, 1, 9, 45)
    with django_capture_on_commit_callbacks(execute=True):
        assert chasing.chase() == chasing.ChaseResult(overdue=1, escalated=0)
    request.refresh_from_db()
    assert request.overdue_at == at(2027, 4, 1, 9, 45) and request.is_overdue()
    # The assignee and their team are told; chasing again tells nobody again.
    assert emails("request_overdue") == sorted(
        [between.worker.email, between.colleague.email, between.manager.email, "fst-east@csc.example"]
    )
    mail.outbox.clear()
    clock.set(2027, 4, 2, 9, 29)  # 23 h 59 min overdue: not yet escalated (the default delay is 24 hours)
    assert chasing.chase() == chasing.ChaseResult(overdue=0, escalated=0)
    clock.set(2027, 4, 2, 9, 30)
    with django_capture_on_commit_callbacks(execute=True):
        assert chasing.chase() == chasing.ChaseResult(overdue=0, escalated=1)
    assert emails("request_escalated") == [between.manager.email]
    request.refresh_from_db()
    assert request.escalated_at == at(2027, 4, 2, 9, 30)
    escalated = RequestEvent.objects.get(request=request, kind="escalated")
    assert escalated.user is None and "Morgan Lead" in escalated.note
    assert chasing.chase() == chasing.ChaseResult(overdue=0, escalated=0)
    # Still answerable: a late reply closes it.
    answer(between.worker, actions.reply, request_id=request.pk, text="Sorry for the delay.")
    request.refresh_from_db()
    assert request.status == "replied" and not request.is_overdue()
    assert kinds(request) == ["sent", "overdue", "escalated", "replied"]


def test_the_agreement_sets_due_times_and_the_escalation_delay(between, clock):
    agreement = SharingAgreement.objects.create(
        status=SharingAgreement.Status.APPROVED,
        title="Test agreement",
        reference="T-1",
        version="1",
        start_date=at(2026, 1, 1).date(),
        review_date=at(2027, 1, 1).date(),
        lawful_basis="Test",
        special_category_condition="Test",
        red_due_hours=2,
        escalate_after_hours=1,
    )
    # Every agency here a party to it: one that is not could not send a request at all.
    for agency in Agency.objects.all():
        AgreementPartner.objects.create(agreement=agreement, agency=agency, role=AgreementPartner.Role.USER)
    clock.set(2026, 11, 27, 22, 0)
    request = send(between, priority="red")
    assert request.due_at == at(2026, 11, 28, 0, 0)
    clock.set(2026, 11, 28, 1, 0)
    assert chasing.chase() == chasing.ChaseResult(overdue=1, escalated=1, without_manager=1)


def test_escalating_with_no_manager_recorded_reminds_the_team(
    between, clock, django_capture_on_commit_callbacks
):
    Team.objects.filter(name=TEAM).update(manager=None)
    clock.set(2026, 11, 24, 10, 0)
    request = send(between, involvement_id=between.case.pk, priority="red")
    clock.set(2026, 11, 26, 10, 0)
    with django_capture_on_commit_callbacks(execute=True):
        assert chasing.chase() == chasing.ChaseResult(overdue=1, escalated=1, without_manager=1)
    assert "No manager" in RequestEvent.objects.get(request=request, kind="escalated").note
    assert emails("request_escalated") == []


def test_a_referral_follows_the_same_life(between, clock, django_capture_on_commit_callbacks):
    clock.set(2026, 11, 27, 22, 0)
    with django_capture_on_commit_callbacks(execute=True):
        referral = as_user(
            between.officer,
            Action.SEND_REFERRAL,
            lambda scope: actions.send_referral(
                scope,
                user=between.officer,
                purpose=between.officer_purpose,
                public_id=between.person.public_id,
                involvement_id=between.case.pk,
                summary="Domestic incident at the home last night; the children were present.",
                priority="red",
            ),
            between.officer_purpose,
        )
    assert (referral.kind, referral.to_team, referral.assignee) == ("referral", TEAM, between.worker)
    assert referral.due_at == at(2026, 11, 28, 2, 0)  # red: four clock hours, into Saturday
    assert emails("referral_received")
    answer(between.worker, actions.acknowledge, request_id=referral.pk)
    answer(between.worker, actions.reply, request_id=referral.pk, text="Visiting today.")
    referral.refresh_from_db()
    assert referral.status == "replied"


def test_sending_checks_what_it_is_given(between):
    with pytest.raises(ValidationError) as refused:
        send(between, question="")
    assert refused.value.message_dict == {"question": ["Enter your question"]}
    with pytest.raises(ValidationError, match="another agency"):
        send(between, to_agency_id=between.police.pk)
    with pytest.raises(ValidationError, match="Select a priority"):
        send(between, priority="urgent")
    # The involvement must be this person's, with the agency asked.
    with pytest.raises(ValidationError, match="involvements with that agency"):
        send(between, to_agency_id=between.health.pk, involvement_id=between.case.pk)
    with pytest.raises(ValidationError, match="5,000"):
        send(between, question="x" * 5001)


def test_a_restricted_involvement_sends_the_request_to_the_agency_not_the_team(between):
    type(between.case).objects.filter(pk=between.case.pk).update(restricted=True)
    request = send(between, involvement_id=between.case.pk)
    assert (request.to_agency, request.to_team, request.to_worker, request.assignee) == (
        between.csc,
        "",
        "",
        None,
    )


def test_assigning_only_to_a_practitioner_of_the_receiving_agency(between):
    request = send(between)
    with pytest.raises(ValidationError, match="Select someone"):
        answer(between.worker, actions.assign, request_id=request.pk, assignee_id=between.officer.pk)


def test_acknowledging_twice_is_refused(between):
    request = send(between)
    answer(between.worker, actions.acknowledge, request_id=request.pk)
    with pytest.raises(ValidationError, match="already been acknowledged"):
        answer(between.worker, actions.acknowledge, request_id=request.pk)


def test_the_dashboard_counts_open_due_soon_overdue_and_the_median_time_to_reply(between, clock):
    clock.set(2026, 11, 23, 9, 0)  # Monday
    replied_in_2h = send(between, priority="red")
    replied_in_4h = send(between, priority="red")
    replied_in_9h = send(between, involvement_id=between.case.pk, priority="amber")
    overdue = send(between, priority="red")
    clock.set(2026, 11, 23, 11, 0)
    answer(between.worker, actions.reply, request_id=replied_in_2h.pk, text="Yes")
    clock.set(2026, 11, 23, 13, 0)
    answer(between.worker, actions.reply, request_id=replied_in_4h.pk, text="Yes")
    clock.set(2026, 11, 23, 18, 0)
    answer(between.worker, actions.reply, request_id=replied_in_9h.pk, text="Yes")
    due_soon = send(between, priority="amber")
    later = send(between, priority="green")
    board = dashboard.dashboard(agency_id=between.csc.pk)
    (csc,) = board.agencies
    assert (csc.agency, csc.open, csc.due_soon, csc.overdue, csc.replied) == (between.csc.name, 3, 1, 1, 3)
    assert csc.median_reply == timedelta(hours=4) and duration(csc.median_reply) == "4 hours"
    teams = {row.team: (row.open, row.replied) for row in board.teams}
    assert teams == {TEAM: (0, 1), dashboard.NO_TEAM: (3, 2)}
    assert {overdue.pk, due_soon.pk, later.pk} == set(
        Request.objects.filter(status__in=Request.OPEN).values_list("pk", flat=True)
    )
    # Another agency's dashboard shows every agency's counts, but only its own teams.
    assert dashboard.dashboard(agency_id=between.police.pk).teams == []


def test_a_request_follows_its_person_through_a_merge(between):
    from mast.identity.models import Person, PersonLink

    request = send(between)
    survivor = Person.objects.create()
    PersonLink.objects.filter(person=between.person).update(person=survivor)
    Person.objects.filter(pk=between.person.pk).update(status=Person.Status.MERGED, merged_into=survivor)
    detail = as_user(
        between.worker, Action.VIEW_REQUEST, lambda scope: lists.request_detail(scope, request.pk)
    )
    assert detail.line.person.name == "Kayleigh Thornbury"
    assert detail.line.person.public_id == survivor.public_id
