"""Stating a purpose before any personal data is shown: what it asks for, where it returns to, and who states
one."""

import pytest
from django.urls import reverse

from mast.access.models import AccessPurpose, Role
from tests.factories.access import make_user
from tests.factories.people import (
    agreement_purposes,
    family,
    page_text,
    practitioner,
)
from tests.signing_in import signed_in_with_factor

pytestmark = pytest.mark.django_db
# Fixtures imported for pytest (agreement_purposes is autouse).
__all__ = ["agreement_purposes", "family", "practitioner"]

# -- the stated purpose --------------------------------------------------------------------------------------


def test_a_person_page_asks_for_a_purpose_first_and_then_goes_back_to_it(client, family):
    user = make_user(Role.PRACTITIONER, agency=family.csc.agency)
    signed_in_with_factor(client, user)
    person_url = reverse("web:person", args=[family.tyler.public_id])

    asked = client.get(person_url)

    assert asked.status_code == 302
    assert asked["Location"] == f"{reverse('web:purpose')}?next=%2Fpeople%2F{family.tyler.public_id}%2F"
    form = client.get(asked["Location"])
    assert f'name="next" value="{person_url}"' in form.content.decode()
    assert "Which case are you working on?" in page_text(form)

    stated = client.post(
        reverse("web:purpose"), {"reference": " REF-123 ", "reason": "child_at_risk", "next": person_url}
    )

    assert stated.status_code == 302 and stated["Location"] == person_url
    purpose = AccessPurpose.objects.get(user=user)
    assert (purpose.reference, purpose.reason) == ("REF-123", "child_at_risk")
    shown = page_text(client.get(person_url))
    reason = "Safeguarding a child who may be at risk of significant harm or in need"
    assert f"Looking for: REF-123 — {reason}. Change" in shown


def test_the_search_page_asks_for_a_purpose_before_any_terms_are_typed(client, family):
    signed_in_with_factor(client, make_user(Role.PRACTITIONER, agency=family.csc.agency))

    response = client.get(reverse("web:search"))

    assert response.status_code == 302 and response["Location"] == "/purpose/?next=%2Fsearch%2F"


@pytest.mark.parametrize(
    "next_url",
    ["https://elsewhere.example/", "//elsewhere.example/x", "/\\elsewhere.example", "javascript:alert(1)"],
)
def test_the_purpose_page_returns_only_to_pages_on_this_site(client, family, next_url):
    signed_in_with_factor(client, make_user(Role.PRACTITIONER, agency=family.csc.agency))

    response = client.post(
        reverse("web:purpose"), {"reference": "REF-1", "reason": "child_at_risk", "next": next_url}
    )

    assert response.status_code == 302 and response["Location"] == reverse("web:search")
    assert "elsewhere" not in client.get(f"{reverse('web:purpose')}?next={next_url}").content.decode()


def test_the_purpose_page_says_what_is_missing(client, family):
    signed_in_with_factor(client, make_user(Role.PRACTITIONER, agency=family.csc.agency))

    response = client.post(reverse("web:purpose"), {"reference": "  ", "next": "/search/"})

    text = page_text(response)
    assert response.status_code == 200 and "There is a problem" in text
    assert "Enter the referral or case reference" in text and "Select why you need to look" in text
    assert (
        '<a href="#reference">' in response.content.decode()
        and '<a href="#reason">' in response.content.decode()
    )
    assert not AccessPurpose.objects.exists()


def test_the_purpose_page_shows_the_current_purpose_and_takes_a_new_one(client, practitioner):
    shown = page_text(client.get(reverse("web:purpose")))
    assert "You are looking for MASH-2026-0042" in shown

    client.post(reverse("web:purpose"), {"reference": "MASH-2026-0043", "reason": "child_at_risk"})

    assert "You are looking for MASH-2026-0043" in page_text(client.get(reverse("web:purpose")))
    assert AccessPurpose.objects.filter(user=practitioner).count() == 2


@pytest.mark.parametrize("role", [Role.FEED_OWNER, Role.IG_OFFICER, Role.ADMINISTRATOR, Role.ANALYST])
def test_only_practitioners_state_a_purpose(client, role):
    signed_in_with_factor(client, make_user(role))

    assert client.get(reverse("web:purpose")).status_code == 403
    assert (
        client.post(reverse("web:purpose"), {"reference": "X", "reason": "child_at_risk"}).status_code == 403
    )
