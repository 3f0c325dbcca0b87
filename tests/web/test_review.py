"""The review pages: the queue of uncertain matches, a pair side by side with a decision, and unlinking."""

from datetime import date

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from mast.access.models import Role
from mast.identity.models import IdentityEvent, MatchCandidate, MatchDecision, PersonLink
from mast.identity.resolution import resolve_records
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
from tests.signing_in import signed_in_with_factor

pytestmark = pytest.mark.django_db
# The autouse fixtures: matching state goes to a temporary directory; queued tasks run at once.
__all__ = ["identity_state_in_tmp", "tasks_run_at_once"]


@pytest.fixture
def police():
    return make_source("Testshire Police")


@pytest.fixture
def ig_officer(client):
    user = make_user(Role.IG_OFFICER)
    signed_in_with_factor(client, user)
    return user


@pytest.fixture
def twins(police):
    """Two records identical in every field the matcher compares, resolved (so linked) before review."""
    make_strangers(police)
    a, b = make_record(police, "N1"), make_record(police, "N2")
    resolve_records([a.pk, b.pk])
    return a, b


def test_an_ig_officer_sees_every_pair_with_names_sources_probability_and_reason(ig_officer, police, client):
    health = make_source("Testshire NHS")
    a, b = make_record(police, given_name="Marigold"), make_record(health, given_name="Goldie")
    candidate = make_candidate(a, b, probability=0.8765)

    page = client.get(reverse("web:review-queue")).content.decode()

    assert reverse("web:review-candidate", args=[candidate.pk]) in page
    assert "Marigold Quillfeather" in page and "Goldie Quillfeather" in page
    assert "Testshire Police" in page and "Testshire NHS" in page
    assert "87.6%" in page and "Scored between the thresholds" in page


def test_a_feed_owner_sees_only_pairs_touching_their_feeds(police, client):
    other = make_source("Elsewhere Council")
    mine = make_candidate(make_record(police, given_name="Marigold"), make_record(other, given_name="Goldie"))
    theirs = make_candidate(make_record(other, given_name="Tobias"), make_record(other, given_name="Toby"))
    owner = make_user(Role.FEED_OWNER, agency=police.agency)
    police.owners.add(owner)
    signed_in_with_factor(client, owner)

    page = client.get(reverse("web:review-queue")).content.decode()

    assert reverse("web:review-candidate", args=[mine.pk]) in page and "Marigold" in page
    assert reverse("web:review-candidate", args=[theirs.pk]) not in page and "Tobias" not in page
    assert client.get(reverse("web:review-candidate", args=[mine.pk])).status_code == 200
    assert client.get(reverse("web:review-candidate", args=[theirs.pk])).status_code == 403
    assert (
        client.post(reverse("web:review-candidate", args=[theirs.pk]), {"same_person": "yes"}).status_code
        == 403
    )


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.ADMINISTRATOR, Role.ANALYST])
def test_other_roles_are_refused_the_list_and_the_pair(role, police, client):
    candidate = make_candidate(make_record(police), make_record(police))
    user = make_user(role)
    police.owners.add(user)  # owning a feed is not enough without the feed owner's role
    signed_in_with_factor(client, user)

    assert client.get(reverse("web:review-queue")).status_code == 403
    assert client.get(reverse("web:review-candidate", args=[candidate.pk])).status_code == 403
    response = client.post(
        reverse("web:review-candidate", args=[candidate.pk]), {"same_person": "yes", "reason": "Sure"}
    )
    assert response.status_code == 403 and MatchDecision.objects.count() == 0


def test_a_reviewer_with_no_agency_is_refused_as_the_policy_says(police, client):
    candidate = make_candidate(make_record(police), make_record(police))
    officer = make_user(Role.IG_OFFICER)
    officer.agency = None  # an account not yet given its agency
    officer.save()
    signed_in_with_factor(client, officer)

    assert client.get(reverse("web:review-queue")).status_code == 403
    assert client.get(reverse("web:review-candidate", args=[candidate.pk])).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(police, client):
    candidate = make_candidate(make_record(police), make_record(police))
    for url in (
        reverse("web:review-queue"),
        reverse("web:review-candidate", args=[candidate.pk]),
        reverse("web:unlink-record", args=[1]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("web:sign-in"))


def test_the_home_page_links_reviewers_to_the_queue(ig_officer, client):
    assert f'href="{reverse("web:review-queue")}"' in client.get(reverse("web:home")).content.decode()


def test_the_pair_is_shown_side_by_side_with_how_much_each_field_counted(ig_officer, police, client):
    health = make_source("Testshire NHS")
    a = make_record(police, "N1", involvements=[("domestic_abuse", date(2026, 1, 5))])
    b = make_record(
        health, "H7", date_of_birth=None, date_of_birth_raw="1990", nhs_number="9990001231"
    )  # a wrong check digit
    candidate = make_candidate(a, b, probability=0.7)

    page = client.get(reverse("web:review-candidate", args=[candidate.pk])).content.decode()

    assert "The two records side by side" in page and "How much each field counted" in page
    assert "17 May 1990" in page and "1990 (partial or not a date)" in page
    assert "999 000 1231 (not valid)" in page
    assert "1 involvement; latest: Domestic abuse incident, 5 January 2026" in page
    assert page.count("govuk-tag--green") >= 5  # given name, family name, sex, address and postcode agree
    assert "+7.2" in page and "\u22125.5" in page and "70.0%" in page
    assert "Are these the same person?" in page
    assert 'value="yes"' in page and "Yes, the same person" in page and "No, different people" in page


def test_partners_values_are_escaped(ig_officer, police, client):
    a = make_record(police, given_name="<b>x</b>", family_name="<script>alert(1)</script>")
    candidate = make_candidate(a, make_record(police), reason="<i>odd</i>")

    for url in (reverse("web:review-queue"), reverse("web:review-candidate", args=[candidate.pk])):
        page = client.get(url).content.decode()
        assert "&lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page
        assert "<script>alert(1)</script>" not in page and "<i>odd</i>" not in page


def _decide(client, candidate, data: dict):
    """As a reviewer does: the decision, what it will change, then confirming it."""
    url = reverse("web:review-candidate", args=[candidate.pk])
    check = client.post(url, data)
    assert check.status_code == 200 and "Check your decision" in check.content.decode()
    return check, client.post(url, {**data, "confirm": "yes"})


def test_deciding_the_same_person_says_what_will_change_then_joins_them(ig_officer, police, client):
    make_strangers(police)
    a = make_record(police, "N1")
    b = make_record(
        police, "N2", given_name="Lina", date_of_birth=date(1990, 6, 17), address_line_1="1 New Rd"
    )
    resolve_records([a.pk, b.pk])
    assert person_of(a) != person_of(b)
    candidate = make_candidate(a, b)

    check, saved = _decide(client, candidate, {"same_person": "yes", "reason": "Known as Lina at school"})

    change = check.content.decode()
    assert "What will change" in change and "become one person with 2 records" in change
    decision = MatchDecision.objects.get()
    assert saved["Location"] == reverse("web:review-decision", args=[decision.pk])
    assert person_of(a) == person_of(b)
    page = client.get(saved["Location"]).content.decode()
    assert "Decision saved and made" in page and "are now one person" in page
    assert f'href="/people/{PersonLink.objects.get(partner_record=a).person.public_id}/"' in page
    assert (decision.same_person, decision.decided_by, decision.reason) == (
        True,
        ig_officer,
        "Known as Lina at school",
    )
    queue = client.get(reverse("web:review-queue")).content.decode()
    assert reverse("web:review-candidate", args=[candidate.pk]) not in queue


def test_checking_a_decision_changes_nothing_until_it_is_confirmed(ig_officer, twins, client):
    a, b = twins
    candidate = make_candidate(a, b)

    client.post(
        reverse("web:review-candidate", args=[candidate.pk]), {"same_person": "no", "reason": "Twins"}
    )

    assert not MatchDecision.objects.exists() and person_of(a) == person_of(b)


def test_deciding_not_the_same_person_keeps_twins_apart_in_later_runs(ig_officer, twins, client):
    a, b = twins
    assert person_of(a) == person_of(b)
    candidate = make_candidate(a, b)

    check, saved = _decide(
        client, candidate, {"same_person": "no", "reason": "Twins: two children at the same school"}
    )

    assert "taken out of the person it shares" in check.content.decode()
    assert saved.status_code == 302
    assert person_of(a) != person_of(b)
    resolve_records([a.pk, b.pk])
    assert person_of(a) != person_of(b)
    page = client.get(saved["Location"]).content.decode()
    assert "are different people" in page


def test_a_decision_is_applied_in_the_background_and_the_page_says_so_until_it_is(
    ig_officer, twins, client, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    a, b = twins
    candidate = make_candidate(a, b)

    _check, saved = _decide(client, candidate, {"same_person": "no", "reason": "Twins"})

    # Saved in the request; matching not yet re-run: that is the worker's.
    assert MatchDecision.objects.exists() and person_of(a) == person_of(b)
    waiting = client.get(saved["Location"]).content.decode()
    assert "the change is on its way" in waiting and "Check again" in waiting
    # What the worker (`mast db_worker`) does with it.
    (queued,) = DBTaskResult.objects.all()
    queued.set_successful(queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"]))
    assert person_of(a) != person_of(b)
    assert "Decision saved and made" in client.get(saved["Location"]).content.decode()


def test_a_decision_can_be_undone_and_the_models_view_returns(ig_officer, twins, client):
    a, b = twins
    candidate = make_candidate(a, b)
    _check, saved = _decide(client, candidate, {"same_person": "no", "reason": "Twins, I thought"})
    decision = MatchDecision.objects.get()
    assert person_of(a) != person_of(b)

    undone = client.post(reverse("web:review-undo", args=[decision.pk]), follow=True)

    assert "Decision undone" in undone.content.decode()
    assert not MatchDecision.objects.exists()
    assert person_of(a) == person_of(b)  # the model's view again: identical records are linked
    event = IdentityEvent.objects.filter(kind=IdentityEvent.Kind.DECIDED).latest("pk")
    assert "Decision withdrawn" in event.detail and "Twins, I thought" in event.detail
    assert client.get(saved["Location"]).status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"same_person": "yes", "reason": "  "}, "Enter why you decided this"),
        ({"reason": "They are the same"}, "Select whether these records are the same person"),
        ({"same_person": "maybe", "reason": "Unsure"}, "Select whether these records are the same person"),
        ({"same_person": "no", "reason": "x" * 1001}, "Your reason must be 1,000 characters or fewer"),
    ],
)
def test_an_incomplete_decision_shows_the_error_summary_and_changes_nothing(
    ig_officer, police, client, data, message
):
    a, b = make_record(police), make_record(police, given_name="Lina")
    candidate = make_candidate(a, b)

    response = client.post(reverse("web:review-candidate", args=[candidate.pk]), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page and message in page and "<title>Error: " in page
    candidate.refresh_from_db()
    assert candidate.status == MatchCandidate.Status.OPEN
    assert (MatchDecision.objects.count(), IdentityEvent.objects.count()) == (0, 0)


def test_a_pair_already_decided_shows_the_decision_and_refuses_another(ig_officer, twins, client):
    a, b = twins
    candidate = make_candidate(a, b)
    url = reverse("web:review-candidate", args=[candidate.pk])
    client.post(url, {"same_person": "no", "reason": "Twins", "confirm": "yes"})

    response = client.post(url, {"same_person": "yes", "reason": "Changed my mind"})

    page = response.content.decode()
    assert "govuk-error-summary" in page and "no longer waiting for a decision" in page
    assert "Different people" in page and "Twins" in page and 'name="same_person"' not in page
    assert MatchDecision.objects.count() == 1


def test_an_ig_officer_unlinks_a_wrongly_merged_record(ig_officer, twins, client):
    a, b = twins
    person = person_of(a)
    link = PersonLink.objects.get(partner_record=b)
    url = reverse("web:unlink-record", args=[link.pk])
    candidate = make_candidate(a, b)
    assert url in client.get(reverse("web:review-candidate", args=[candidate.pk])).content.decode()

    confirm = client.get(url).content.decode()
    assert "Is this record wrongly matched?" in confirm and "N2" in confirm and "N1" in confirm

    refused = client.post(url, {"reason": ""}).content.decode()
    assert "govuk-error-summary" in refused and "Enter why this record is not the same person" in refused
    assert person_of(b) == person

    response = client.post(url, {"reason": "A twin, merged by mistake"}, follow=True)

    assert "Record unlinked" in response.content.decode()
    assert person_of(a) == person != person_of(b)
    event = IdentityEvent.objects.get(kind=IdentityEvent.Kind.UNLINKED)
    assert (event.actor, event.partner_records, event.other_person_id) == (ig_officer, [b.pk], person_of(b))


def test_only_an_ig_officer_may_unlink(twins, police, client):
    a, b = twins
    link = PersonLink.objects.get(partner_record=b)
    owner = make_user(Role.FEED_OWNER, agency=police.agency)
    police.owners.add(owner)
    signed_in_with_factor(client, owner)
    url = reverse("web:unlink-record", args=[link.pk])

    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "Not them"}).status_code == 403
    assert person_of(a) == person_of(b)
    page = client.get(reverse("web:review-candidate", args=[make_candidate(a, b).pk])).content.decode()
    assert url not in page
