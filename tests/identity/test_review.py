"""Reviewing uncertain matches: who sees which pairs, decisions that win over the model, and unlinking."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mast.access.models import Role
from mast.feeds.models import PartnerRecord
from mast.identity import review
from mast.identity.models import IdentityEvent, MatchCandidate, MatchDecision, PersonLink
from mast.identity.resolution import resolve_all, resolve_records
from tests.factories.access import make_user
from tests.factories.identity import (
    identity_state_in_tmp,
    make_candidate,
    make_record,
    make_source,
    make_strangers,
    person_of,
    tasks_run_at_once,
)

pytestmark = pytest.mark.django_db
# The autouse fixtures (matching state in a temporary directory, queued tasks run at once) apply here.
__all__ = ["identity_state_in_tmp", "tasks_run_at_once"]


@pytest.fixture
def ig_officer():
    return make_user(Role.IG_OFFICER)


# -- who sees what ------------------------------------------------------------------------------------------


def test_an_ig_officer_sees_every_open_candidate_and_a_feed_owner_only_those_touching_their_feeds():
    police, health, council = make_source("Testshire Police"), make_source("Testshire NHS"), make_source()
    p1, p2, h1, h2, c1, c2 = (make_record(s) for s in (police, police, health, health, council, council))
    police_pair, mixed_pair, council_pair = (
        make_candidate(p1, p2),
        make_candidate(p1, h1),
        make_candidate(c1, c2),
    )
    make_candidate(h1, h2, status=MatchCandidate.Status.DECIDED)
    owner = make_user(Role.FEED_OWNER, agency=police.agency)
    police.owners.add(owner)

    assert set(review.review_queue(make_user(Role.IG_OFFICER))) == {police_pair, mixed_pair, council_pair}
    assert set(review.review_queue(owner)) == {police_pair, mixed_pair}
    assert review.candidate_for(owner, mixed_pair.pk) == mixed_pair
    with pytest.raises(PermissionDenied):
        review.candidate_for(owner, council_pair.pk)


def test_records_withdrawn_by_their_partner_leave_the_queue(ig_officer):
    source = make_source()
    a, b = make_record(source), make_record(source)
    make_candidate(a, b)
    PartnerRecord.objects.filter(pk=b.pk).update(removed_at="2026-01-01T00:00:00Z")
    assert list(review.review_queue(ig_officer)) == []


# -- decisions ----------------------------------------------------------------------------------------------


def test_deciding_the_same_person_joins_them_at_once_and_the_pair_leaves_the_queue(ig_officer):
    source = make_source()
    make_strangers(source)
    a = make_record(source, given_name="Adaline")
    b = make_record(source, given_name="Lina", date_of_birth=date(1990, 6, 17), address_line_1="1 New Road")
    resolve_records([a.pk, b.pk])
    assert person_of(a) != person_of(b)
    candidate = make_candidate(a, b)

    decision = review.decide(candidate, ig_officer, True, "  Same school records and GP: known as Lina  ")

    assert person_of(a) == person_of(b)
    assert (decision.same_person, decision.reason, decision.decided_by) == (
        True,
        "Same school records and GP: known as Lina",
        ig_officer,
    )
    candidate.refresh_from_db()
    assert candidate.status == MatchCandidate.Status.DECIDED
    assert list(review.review_queue(ig_officer)) == []
    event = IdentityEvent.objects.get(kind=IdentityEvent.Kind.DECIDED)
    assert (event.actor, event.person_id, event.other_person) == (ig_officer, person_of(a), None)
    assert event.partner_records == sorted([a.pk, b.pk]) and "Same person" in event.detail
    assert PersonLink.objects.get(partner_record=a).method == PersonLink.Method.MANUAL

    resolve_all()
    assert person_of(a) == person_of(b)


def test_deciding_not_the_same_person_keeps_them_apart_though_the_model_would_link_them(ig_officer):
    source = make_source()
    make_strangers(source)
    # Twins' records as a partner might hold them: identical in every field the matcher compares.
    a, b = make_record(source), make_record(source)
    resolve_records([a.pk, b.pk])
    assert person_of(a) == person_of(b), "the model should link identical records on its own"
    candidate = make_candidate(a, b)

    review.decide(candidate, ig_officer, False, "Twins: the school confirmed two children")

    assert person_of(a) != person_of(b)
    event = IdentityEvent.objects.get(kind=IdentityEvent.Kind.DECIDED)
    assert {event.person_id, event.other_person_id} == {person_of(a), person_of(b)}
    resolve_records([a.pk, b.pk])
    assert person_of(a) != person_of(b)
    resolve_all()
    assert person_of(a) != person_of(b)


@pytest.mark.parametrize("reason", ["", "   \n ", "x" * 1001])
def test_a_decision_needs_a_reason_of_sensible_length_and_changes_nothing_without_one(ig_officer, reason):
    source = make_source()
    candidate = make_candidate(make_record(source), make_record(source, given_name="Lina"))

    with pytest.raises(ValidationError):
        review.decide(candidate, ig_officer, True, reason)

    candidate.refresh_from_db()
    assert candidate.status == MatchCandidate.Status.OPEN
    assert (MatchDecision.objects.count(), IdentityEvent.objects.count()) == (0, 0)


def test_a_pair_cannot_be_decided_twice_from_the_queue(ig_officer):
    source = make_source()
    make_strangers(source)
    a, b = make_record(source), make_record(source, given_name="Lina")
    resolve_records([a.pk, b.pk])
    candidate = make_candidate(a, b)
    review.decide(candidate, ig_officer, False, "Different people")

    with pytest.raises(ValidationError, match="no longer waiting"):
        review.decide(candidate, make_user(Role.IG_OFFICER), True, "The same")
    assert MatchDecision.objects.count() == 1
    assert review.latest_decision(candidate).reason == "Different people"


# -- unlinking ----------------------------------------------------------------------------------------------


def test_unlinking_a_record_moves_it_to_another_person_and_records_who_did_it(ig_officer):
    source = make_source()
    make_strangers(source)
    a, b, c = make_record(source), make_record(source), make_record(source)
    resolve_records([a.pk, b.pk, c.pk])
    person = person_of(a)
    assert person_of(b) == person_of(c) == person

    new_person = review.unlink(PersonLink.objects.get(partner_record=c), ig_officer, "Wrongly merged twin")

    assert person_of(c) == new_person.pk != person
    assert person_of(a) == person_of(b) == person
    event = IdentityEvent.objects.get(kind=IdentityEvent.Kind.UNLINKED)
    assert (event.actor, event.person_id, event.other_person_id, event.partner_records) == (
        ig_officer,
        person,
        new_person.pk,
        [c.pk],
    )
    assert set(MatchDecision.objects.values_list("same_person", flat=True)) == {False}
    assert MatchDecision.objects.count() == 2
    resolve_all()
    assert person_of(c) != person_of(a) == person_of(b)


# Who may unlink at all (an IG officer) is the gate's policy: see tests/web/test_review.py and the matrix.
def test_an_unlinking_needs_a_reason(ig_officer):
    source = make_source()
    make_strangers(source)
    a, b = make_record(source), make_record(source)
    resolve_records([a.pk, b.pk])
    link = PersonLink.objects.get(partner_record=b)

    with pytest.raises(ValidationError):
        review.unlink(link, ig_officer, " ")
    assert person_of(a) == person_of(b) and MatchDecision.objects.count() == 0


def test_a_record_alone_in_its_person_cannot_be_unlinked(ig_officer):
    source = make_source()
    make_strangers(source)
    record = make_record(source, given_name="Solitaire", family_name="Nobodyelse")
    resolve_records([record.pk])
    with pytest.raises(ValidationError, match="only record"):
        review.unlink(PersonLink.objects.get(partner_record=record), ig_officer, "Check")
