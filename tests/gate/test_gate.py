"""The one gate: the policy decides, the purpose is required, the read and its audit event are one."""

from dataclasses import FrozenInstanceError

import pytest
from django.core.exceptions import PermissionDenied

from mast.access.models import AccessPurpose, Role
from mast.audit.models import AuditEvent
from mast.gate.gate import PurposeRequired, Scope, Viewer, refuse_unless_allowed, through_gate
from mast.gate.policy import Action, implied_purpose
from tests.factories.access import make_user

pytestmark = pytest.mark.django_db


def _purpose(user) -> AccessPurpose:
    return AccessPurpose.objects.create(
        user=user, reference="MASH-2026-0042", reason="mash_triage", reason_label="x"
    )


def test_an_allowed_read_returns_its_result_and_writes_one_event_with_the_purpose():
    user = make_user(Role.PRACTITIONER)
    viewer = Viewer(user, _purpose(user), "10.0.0.7")
    seen = through_gate(
        viewer, Action.VIEW_PERSON, lambda scope: ("Alex", scope.agency_id), target="person:p1"
    )
    assert seen == ("Alex", user.agency_id)
    event = AuditEvent.objects.get()
    assert (event.action, event.outcome, event.target) == ("view_person", "allowed", "person:p1")
    assert (event.purpose_code, event.purpose_reference, event.ip_address) == (
        "mash_triage",
        "MASH-2026-0042",
        "10.0.0.7",
    )


@pytest.mark.parametrize("role", [Role.ANALYST, Role.ADMINISTRATOR, Role.FEED_OWNER, Role.IG_OFFICER])
def test_roles_without_the_right_are_refused_and_the_refusal_is_audited(role):
    user = make_user(role)
    reads = []
    with pytest.raises(PermissionDenied):
        through_gate(Viewer(user, _purpose(user)), Action.VIEW_PERSON, reads.append, target="person:p1")
    assert reads == []
    event = AuditEvent.objects.get()
    assert (event.outcome, event.username, event.target) == ("denied", user.username, "person:p1")


def test_a_practitioner_must_state_a_purpose_first():
    user = make_user(Role.PRACTITIONER)
    reads = []
    with pytest.raises(PurposeRequired):
        through_gate(Viewer(user), Action.SEARCH_PEOPLE, reads.append)
    assert reads == []
    assert not AuditEvent.objects.exists()


def test_reviewing_matches_carries_its_implied_purpose():
    user = make_user(Role.FEED_OWNER)
    through_gate(Viewer(user), Action.REVIEW_MATCH, lambda scope: None, target="candidate:1")
    assert AuditEvent.objects.get().purpose_code == "data_quality"


def test_a_read_that_fails_leaves_no_event_and_no_trace():
    user = make_user(Role.PRACTITIONER)

    def read(scope):
        AccessPurpose.objects.create(user=user, reference="written-inside", reason="r", reason_label="r")
        raise LookupError("no such person")

    with pytest.raises(LookupError):
        through_gate(Viewer(user, _purpose(user)), Action.VIEW_PERSON, read)
    assert not AuditEvent.objects.exists()
    assert not AccessPurpose.objects.filter(reference="written-inside").exists()


def test_nobody_makes_a_scope_but_the_gate():
    with pytest.raises(PermissionDenied):
        Scope(user_id=1, agency_id=1, today=None, shown_from=None, _made_by=object())


def test_a_switched_off_account_is_refused():
    user = make_user(Role.PRACTITIONER, is_active=False)
    with pytest.raises(PermissionDenied):
        through_gate(Viewer(user, _purpose(user)), Action.VIEW_PERSON, lambda scope: None)


def test_a_restricted_records_details_are_seen_only_by_its_own_agency():
    user, other = make_user(Role.PRACTITIONER), make_user(Role.PRACTITIONER)  # each of their own agency
    assert other.agency_id != user.agency_id
    scope = through_gate(Viewer(user, _purpose(user)), Action.VIEW_PERSON, lambda scope: scope)

    assert scope.sees_details_of(user.agency_id, restricted=True)
    assert not scope.sees_details_of(other.agency_id, restricted=True)
    assert scope.sees_details_of(other.agency_id, restricted=False)
    assert scope.sees_details_of(user.agency_id, restricted=False)
    # And the other way round: neither agency's number makes it see more than its own.
    theirs = through_gate(Viewer(other, _purpose(other)), Action.VIEW_PERSON, lambda scope: scope)
    assert theirs.sees_details_of(other.agency_id, restricted=True)
    assert not theirs.sees_details_of(user.agency_id, restricted=True)


def test_a_viewer_cannot_be_changed_after_it_is_made():
    # The purpose audited is the purpose the read was allowed for: nobody swaps it on the way through.
    user = make_user(Role.PRACTITIONER)
    viewer = Viewer(user, _purpose(user), "10.0.0.7")
    with pytest.raises(FrozenInstanceError):
        viewer.purpose = None


def test_what_is_audited_is_always_named_never_passed_by_position():
    user = make_user(Role.PRACTITIONER)
    viewer = Viewer(user, _purpose(user))
    with pytest.raises(TypeError):
        through_gate(viewer, Action.VIEW_PERSON, lambda scope: None, "person:p1")
    assert not AuditEvent.objects.exists()


def test_looking_at_people_needs_a_stated_purpose_and_work_on_the_data_implies_its_own():
    assert implied_purpose(Action.VIEW_PERSON) is None
    assert implied_purpose(Action.SEARCH_PEOPLE) is None
    assert implied_purpose(Action.REVIEW_MATCH) is not None


def test_a_scope_cannot_be_widened_by_the_read_it_is_given_to():
    # A read that set its scope's agency to another's would see that agency's restricted details.
    user, other = make_user(Role.PRACTITIONER), make_user(Role.PRACTITIONER)

    def widen(scope):
        scope.agency_id = other.agency_id

    with pytest.raises(FrozenInstanceError):
        through_gate(Viewer(user, _purpose(user)), Action.VIEW_PERSON, widen)
    assert not AuditEvent.objects.filter(outcome="allowed").exists()


def test_a_request_with_nobody_behind_it_is_refused_and_written_as_nobodys():
    with pytest.raises(PermissionDenied):
        through_gate(Viewer(None), Action.VIEW_PERSON, lambda scope: "Alex")
    assert not AuditEvent.objects.exists()


def test_the_policy_check_on_its_own_takes_what_it_audits_by_name():
    user = make_user(Role.ANALYST)
    with pytest.raises(TypeError):
        refuse_unless_allowed(Viewer(user), Action.VIEW_PERSON, "person:p1")
    with pytest.raises(PermissionDenied):
        refuse_unless_allowed(Viewer(user), Action.VIEW_PERSON, target="person:p1")
    assert list(AuditEvent.objects.values_list("target", "outcome")) == [("person:p1", "denied")]
