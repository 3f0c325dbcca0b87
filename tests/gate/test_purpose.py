"""Stating the purpose of access: the reference is required and tidied, at most 100 characters, the reason is
one of the agreement's, and the purpose lasts for this user's session only."""

import pytest
from django.core.exceptions import ValidationError

from mast.access.models import AccessPurpose, Role
from mast.gate import purpose
from mast.governance.demo import ensure_purposes
from tests.factories.access import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def agreement_purposes(db):
    ensure_purposes()


def errors(**kwargs) -> dict:
    user = make_user(Role.PRACTITIONER)
    with pytest.raises(ValidationError) as refused:
        purpose.declare({}, user, **kwargs)
    assert not AccessPurpose.objects.exists()
    return refused.value.message_dict


def test_a_stated_purpose_is_recorded_tidied_and_carried_by_the_session():
    user = make_user(Role.PRACTITIONER)
    session = {}

    stated = purpose.declare(session, user, reference="  MASH-2026 \n 0042 ", reason="mash_triage")

    assert (stated.user, stated.reference, stated.reason) == (user, "MASH-2026 0042", "mash_triage")
    assert stated.reason_label == dict(purpose.reasons())["mash_triage"]
    assert session[purpose.SESSION_KEY] == stated.pk
    assert purpose.current(session, user) == stated


def test_a_reference_of_100_characters_is_accepted_and_one_of_101_is_refused():
    user = make_user(Role.PRACTITIONER)
    # A reference has a number in it (access.case_reference): "R1" repeated, not a run of one letter.
    assert purpose.declare({}, user, reference="R1" * 50, reason="mash_triage").reference == "R1" * 50
    AccessPurpose.objects.all().delete()
    assert errors(reference="R1" * 50 + "R", reason="mash_triage") == {
        "reference": ["The reference must be 100 characters or fewer"]
    }


@pytest.mark.parametrize("reference", ["", "   ", None])
def test_a_reference_is_required(reference):
    assert errors(reference=reference, reason="mash_triage") == {
        "reference": ["Enter the referral or case reference"]
    }


@pytest.mark.parametrize("reason", ["", "curiosity", "MASH_TRIAGE"])
def test_the_reason_must_be_one_of_the_agreements_purposes(reason):
    assert errors(reference="MASH-1", reason=reason) == {"reason": ["Select why you need to look"]}


def test_a_purpose_belongs_to_its_user_and_session():
    user, colleague = make_user(Role.PRACTITIONER), make_user(Role.PRACTITIONER)
    session = {}
    purpose.declare(session, user, reference="MASH-1", reason="mash_triage")

    assert purpose.current(session, colleague) is None  # another user cannot borrow it
    assert purpose.current({}, user) is None  # a new session states its own

    class SignedOut:
        is_authenticated = False

    assert purpose.current(session, SignedOut()) is None
    assert purpose.current(session, object()) is None  # whatever else sits where a user should be


def test_the_latest_purpose_stated_is_the_current_one():
    user = make_user(Role.PRACTITIONER)
    session = {}
    purpose.declare(session, user, reference="MASH-1", reason="mash_triage")
    later = purpose.declare(session, user, reference="MASH-2", reason="mash_triage")
    assert purpose.current(session, user) == later


def test_the_reference_and_the_reason_are_always_named_never_passed_by_position():
    # Passed by position, a reason and a reference swapped would be recorded as each other.
    with pytest.raises(TypeError):
        purpose.declare({}, make_user(Role.PRACTITIONER), "mash_triage", "MASH-1")
    assert not AccessPurpose.objects.exists()
