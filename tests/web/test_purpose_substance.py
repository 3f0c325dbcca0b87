"""A stated purpose has substance: a case reference of the shape the practitioner's agency issues (shown its
example when it does not fit), and it lapses when left unused, so one purpose cannot cover a whole day."""

import time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mast.access.models import AccessPurpose, CaseReferenceShape, Role
from mast.gate import purpose as stated_purpose
from mast.governance.demo import ensure_purposes
from tests.factories.access import make_agency, make_user
from tests.factories.people import page_text
from tests.signing_in import signed_in_with_factor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def purposes(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ensure_purposes()


@pytest.fixture
def police():
    agency = make_agency("Testshire Police")
    CaseReferenceShape.objects.create(
        agency=agency, name="Crime reference", pattern=r"CR/\d{6}/\d{2}", example="CR/123456/26"
    )
    CaseReferenceShape.objects.create(
        agency=agency, name="Incident log", pattern=r"INC-\d{8}", example="INC-20261128"
    )
    return agency


def _state(client, reference: str, reason: str = "child_at_risk"):
    return client.post(reverse("web:purpose"), {"reference": reference, "reason": reason})


@pytest.mark.parametrize("placeholder", ["x", ".", "test", "----"])
def test_a_placeholder_is_refused_with_the_agencys_examples(client, police, placeholder):
    signed_in_with_factor(client, make_user(Role.PRACTITIONER, agency=police))
    response = _state(client, placeholder)
    assert response.status_code == 200
    text = page_text(response)
    assert "Enter a crime reference like CR/123456/26 or an incident log like INC-20261128" in text
    assert not AccessPurpose.objects.exists()


@pytest.mark.parametrize("reference", ["CR/004512/26", "inc-20261101"])
def test_a_reference_of_one_of_the_agencys_shapes_is_accepted(client, police, reference):
    signed_in_with_factor(client, make_user(Role.PRACTITIONER, agency=police))
    assert _state(client, reference).status_code == 302
    assert AccessPurpose.objects.get().reference == reference


def test_the_purpose_page_names_the_agencys_shapes(client, police):
    signed_in_with_factor(client, make_user(Role.PRACTITIONER, agency=police))
    text = page_text(client.get(reverse("web:purpose")))
    assert "Your agency's crime reference, like CR/123456/26 or incident log, like INC-20261128." in text


def test_an_agency_without_shapes_still_refuses_a_placeholder(client):
    signed_in_with_factor(client, make_user(Role.PRACTITIONER))
    assert "at least 4 characters including a number" in page_text(_state(client, "x"))
    assert _state(client, "MASH-0042").status_code == 302


def test_a_shape_whose_example_does_not_fit_is_refused_to_the_administrator(police):
    shape = CaseReferenceShape(agency=police, name="Custody", pattern=r"CU\d{4}", example="CU-1")
    with pytest.raises(ValidationError, match="example must itself have the shape"):
        shape.clean()
    shape.pattern = "CU[0-9"
    with pytest.raises(ValidationError, match="not a valid regular expression"):
        shape.clean()


def test_a_purpose_lapses_after_the_idle_limit_and_the_page_says_why(client, settings):
    settings.MAST_PURPOSE_IDLE_MINUTES = 30
    signed_in_with_factor(client, make_user(Role.PRACTITIONER))
    _state(client, "MASH-0042")
    session = client.session
    session[stated_purpose.USED_AT_KEY] = int(time.time()) - 31 * 60
    session.save()
    # The next search is asked for a purpose again, and the purpose page says why.
    response = client.get(reverse("web:search"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:purpose"))
    assert "ended after 30 minutes without a search or a look" in page_text(client.get(response["Location"]))


def test_use_keeps_a_purpose_alive(client, settings):
    settings.MAST_PURPOSE_IDLE_MINUTES = 30
    signed_in_with_factor(client, make_user(Role.PRACTITIONER))
    _state(client, "MASH-0042")
    session = client.session
    session[stated_purpose.USED_AT_KEY] = int(time.time()) - 29 * 60
    session.save()
    assert client.get(reverse("web:search")).status_code == 200
    assert time.time() - client.session[stated_purpose.USED_AT_KEY] < 60


def test_an_operator_sets_a_shape_with_a_command_that_checks_it(police):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="example must itself have the shape"):
        call_command(
            "case_reference_shape", agency=police.code, name="Custody", pattern=r"CU\d{4}", example="CU-1"
        )
    call_command(
        "case_reference_shape", agency=police.code, name="Custody", pattern=r"CU\d{4}", example="CU0001"
    )
    assert police.case_reference_shapes.get(name="Custody").example == "CU0001"
